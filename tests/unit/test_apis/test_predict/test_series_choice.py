"""Which series of a DICOM folder are segmented: the checkpoint's modality, chosen by UID or all."""

import numpy as np
import pytest

from attn_unet.apis.predict.series_choice import choose_series, series_stems
from attn_unet.errors import ToolError
from attn_unet.volumes.dicom import find_dicom_files, read_series
from tests.helpers.dicom_series import small_volume, write_localizer, write_series


@pytest.fixture(scope='module')
def volume():
    return small_volume()


@pytest.fixture(scope='module')
def folder(volume, tmp_path_factory):
    """pat/: two CT series (6 and 3 slices) and an MR series."""
    root = tmp_path_factory.mktemp('dicom') / 'pat'
    main = write_series(root, *volume, number=2, seed=1)
    thick = write_series(root, volume[0][..., ::2], volume[1] @ np.diag([1, 1, 2, 1.0]), number=3,
                         description='Abdomen 5mm', seed=2)  # fmt: skip
    mr = write_series(root, volume[0] + 1024, volume[1], number=4, description='T2 axial',
                      modality='MR', seed=3)  # fmt: skip
    return dict(root=root, main=main, thick=thick, mr=mr)


def _found(folder):
    return {str(folder['root']): read_series(str(folder['root']), find_dicom_files(folder['root']))}


def test_several_series_are_listed_and_chosen_by_uid_or_all(folder):
    found = _found(folder)
    main, thick = folder['main'].uid, folder['thick'].uid
    with pytest.raises(ToolError) as info:
        choose_series(found)
    message = str(info.value)
    listed = (f"{main} ('Abdomen 2.5mm', 6 slices)", f"{thick} ('Abdomen 5mm', 3 slices)")
    for words in ('holds 2 CT series', *listed, '--series UID', '--all-series'):
        assert words in message
    assert [s.uid for s in choose_series(found, [thick])] == [thick]
    both = choose_series(found, all_series=True)
    assert {s.uid for s in both} == {main, thick}
    stems = dict(zip([s.uid for s in both], series_stems(both)))
    assert stems == {main: 'pat_2', thick: 'pat_3'}  # one folder: the SeriesNumber tells them apart
    with pytest.raises(ToolError, match=r'--series 1\.2\.3 is not a CT series of the inputs'):
        choose_series(found, ['1.2.3'])


def test_a_folder_of_localizers_only_holds_no_ct_series(tmp_path):
    write_localizer(tmp_path / 'scout', '1.2.826.0.1.3680043.8.498.77')
    found = {'scout': read_series('scout', find_dicom_files(tmp_path / 'scout'))}
    with pytest.raises(ToolError, match=r'scout holds no CT series \(found: 1 localizer image'):
        choose_series(found)


def test_only_the_modality_the_checkpoint_reads_is_a_candidate(folder):
    found = _found(folder)
    (mr,) = choose_series(found, modalities=('MR',))
    assert mr.uid == folder['mr'].uid
    with pytest.raises(ToolError, match=r'--series .* is not a MR series of the inputs'):
        choose_series(found, [folder['main'].uid], modalities=('MR',))
