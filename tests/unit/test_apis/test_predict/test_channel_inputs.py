"""Inputs of a multi-channel model: nnU-Net's channel files grouped per case, other files alone."""

import pytest

from attn_unet.apis.predict import CaseInput, find_cases
from attn_unet.errors import ToolError


def _touch(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b'')
    return folder


def test_channel_files_are_grouped_by_case_and_named_as_nnunet_names_predictions(tmp_path):
    folder = _touch(tmp_path / 'imagesTs', 'b_0001.nii.gz', 'a_0000.nii.gz', 'b_0000.nii.gz',
                    'a_0001.nii.gz', 'notes.txt', '.a_0000.nii.gz')  # fmt: skip
    cases = find_cases([str(folder)], ['CT', 'T2'])
    assert cases == [
        CaseInput('a', (str(folder / 'a_0000.nii.gz'), str(folder / 'a_0001.nii.gz'))),
        CaseInput('b', (str(folder / 'b_0000.nii.gz'), str(folder / 'b_0001.nii.gz'))),
    ]


def test_single_files_are_cases_of_their_own(tmp_path):
    folder = _touch(tmp_path, 'pancreas_042.nii.gz', 'scan_2019.nii', 'x_0000.nii.gz')
    cases = find_cases([str(folder)], ['CT'])
    # a 4-digit suffix without a _0000 sibling is part of the name, not a channel
    assert [c.case_id for c in cases] == ['pancreas_042', 'scan_2019', 'x']
    assert all(len(c.files) == 1 for c in cases)


@pytest.mark.parametrize(
    'names, channels, match',
    [
        (['a_0000.nii.gz'], ['CT', 'T2'], r'case a lacks .*a_0001.nii.gz: the model reads 2'),
        (['a_0000.nii.gz', 'a_0002.nii.gz'], ['CT', 'T2'], 'lacks'),
        (['a_0000.nii.gz', 'a_0001.nii.gz'], ['CT'], r'case a has a channel 1 file \(a_0001'),
    ],
)
def test_a_case_with_other_channels_than_the_model_reads_is_refused(
    tmp_path, names, channels, match
):
    with pytest.raises(ToolError, match=match) as info:
        find_cases([str(_touch(tmp_path, *names))], channels)
    assert '\n' not in str(info.value)


def test_missing_inputs_images_and_empty_folders_are_refused(tmp_path):
    with pytest.raises(ToolError, match='does not exist'):
        find_cases([str(tmp_path / 'nowhere.nii.gz')], ['CT'])
    with pytest.raises(ToolError, match='not a NIfTI scan .* not 2D images'):
        find_cases([str(_touch(tmp_path, 'slice.png') / 'slice.png')], ['CT'])
    with pytest.raises(ToolError, match='no .nii / .nii.gz scan'):
        find_cases([str(_touch(tmp_path / 'empty'))], ['CT'])
