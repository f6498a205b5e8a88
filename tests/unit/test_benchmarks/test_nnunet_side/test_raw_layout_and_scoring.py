"""The nnU-Net comparison's plumbing: the raw set as nnU-Net reads it, the shared folds, and
one scorer for both tools."""

import json

import nibabel as nib
import numpy as np
import pytest
from nnunet_side import nnunet_dataset, score_volumes, write_splits


def test_a_decathlon_set_becomes_nnunets_raw_layout(decathlon_raw, tmp_path):
    folder = nnunet_dataset(decathlon_raw, tmp_path, 990)
    assert folder.name == 'Dataset990_PancreasPhantom'
    meta = json.loads((folder / 'dataset.json').read_text())
    assert meta['labels'] == {'background': 0, 'pancreas': 1, 'cancer': 2}
    assert meta['channel_names'] == {'0': 'CT'} and meta['file_ending'] == '.nii.gz'
    images = sorted(p.name for p in (folder / 'imagesTr').iterdir())
    labels = sorted(p.name for p in (folder / 'labelsTr').iterdir())
    assert len(images) == meta['numTraining'] == len(labels)
    assert images[0] == 'pancreas_001_0000.nii.gz' and labels[0] == 'pancreas_001.nii.gz'
    assert (folder / 'imagesTr' / images[0]).resolve() == decathlon_raw / 'imagesTr' / labels[0]


def test_the_converters_folds_are_nnunets_splits(decathlon_converted, tmp_path):
    splits = write_splits(decathlon_converted / 'conversion.json', tmp_path / 'pre')
    folds = json.loads((decathlon_converted / 'conversion.json').read_text())['splits']['folds']
    assert json.loads((tmp_path / 'pre' / 'splits_final.json').read_text()) == splits
    assert [s['val'] for s in splits] == [f['val'] for f in folds]


def _save(path, data, affine=np.diag([0.8, 0.8, 2.0, 1.0])):
    nib.save(nib.Nifti1Image(data.astype(np.uint8), affine), path)
    return path


def test_one_scorer_for_both_tools(tmp_path):
    reference = np.zeros((20, 20, 6), np.uint8)
    reference[5:15, 5:15, 1:5] = 1
    reference[8:10, 8:10, 2:4] = 2
    shifted = np.roll(np.minimum(reference, 1), 2, axis=0)  # pancreas moved, cancer missed
    ref = _save(tmp_path / 'ref.nii.gz', reference)
    same, moved = _save(tmp_path / 'a.nii.gz', reference), _save(tmp_path / 'b.nii.gz', shifted)
    labels = {1: 'pancreas', 2: 'cancer'}
    perfect = score_volumes({'c': same}, {'c': ref}, labels)['means']
    assert perfect == {'DSC.pancreas': 100.0, 'DSC.cancer': 100.0,
                       'HD95.pancreas': 0.0, 'HD95.cancer': 0.0}  # fmt: skip
    off = score_volumes({'c': moved}, {'c': ref}, labels)['means']
    assert 0 < off['DSC.pancreas'] < 100 and off['HD95.pancreas'] >= 1.6  # two 0.8 mm voxels
    diagonal = np.sqrt((19 * 0.8) ** 2 * 2 + (5 * 2.0) ** 2)
    assert (off['DSC.cancer'], off['HD95.cancer']) == (0.0, pytest.approx(diagonal))


def test_the_ignore_label_counts_in_neither_volume(tmp_path):
    reference = np.zeros((10, 10, 4), np.uint8)
    reference[2:6, 2:6, 1:3] = 1
    reference[6:9, 6:9, :] = 3  # ignore
    predicted = reference.copy()
    predicted[predicted == 3] = 1  # whatever is predicted there does not count
    ref = _save(tmp_path / 'ref.nii.gz', reference)
    pred = _save(tmp_path / 'p.nii.gz', predicted)
    scores = score_volumes({'c': pred}, {'c': ref}, {1: 'organ'}, ignore_value=3)['means']
    assert scores['DSC.organ'] == 100.0


def test_a_prediction_on_another_grid_is_refused(tmp_path):
    ref = _save(tmp_path / 'ref.nii.gz', np.zeros((4, 4, 4)))
    pred = _save(tmp_path / 'p.nii.gz', np.zeros((4, 4, 4)), np.diag([1.0, 1.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match='not on the grid'):
        score_volumes({'c': pred}, {'c': ref}, {1: 'organ'})
