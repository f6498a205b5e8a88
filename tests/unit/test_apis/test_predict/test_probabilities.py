"""``--save-probabilities``: slice batches collected in a memory-mapped scratch file, then
written on the scan's grid one class volume at a time (NIfTI per class, or nnU-Net's npz)."""

import tracemalloc

import nibabel as nib
import numpy as np
import pytest

from attn_unet.apis.predict import ProbabilityWriter, probability_paths
from attn_unet.volumes import open_nifti

CLASSES = ('background', 'liver', 'liver tumour', 'vessel')
C, Z, H, W, BATCH = len(CLASSES), 40, 176, 160, 8
CHUNKS = 4 << 20  # what zlib and the zip member hold of the 1 MiB pieces written


def _to_volume(slices):
    """A slicing's ``to_volume`` stand-in: slices (Z, H, W) -> (X, Y, Z) = (W, H, Z)."""
    return np.ascontiguousarray(np.transpose(slices, (2, 1, 0)))


@pytest.fixture
def scan(tmp_path):
    affine = np.diag([0.8, 0.8, 2.5, 1.0])
    nib.save(nib.Nifti1Image(np.zeros((W, H, Z), np.int16), affine), tmp_path / 'scan.nii.gz')
    return open_nifti(str(tmp_path / 'scan.nii.gz'))


def _probabilities():
    logits = np.random.default_rng(0).normal(size=(Z, C, H, W)).astype(np.float32)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def test_names_per_class_and_format(tmp_path):
    assert probability_paths('out', 'case7', CLASSES, 'nifti') == [
        'out/case7_prob_0_background.nii.gz',
        'out/case7_prob_1_liver.nii.gz',
        'out/case7_prob_2_liver-tumour.nii.gz',
        'out/case7_prob_3_vessel.nii.gz',
    ]
    assert probability_paths('out', 'case7', CLASSES, 'npz') == ['out/case7.npz']


@pytest.mark.parametrize('fmt', ['nifti', 'npz'])
def test_written_on_the_scans_grid_in_bounded_memory(fmt, scan, tmp_path):
    probs = _probabilities()
    paths = probability_paths(str(tmp_path), 'scan', CLASSES, fmt)
    scratch = tmp_path / 'scan_probabilities.npy'
    tracemalloc.start()
    with ProbabilityWriter(str(scratch), Z) as writer:
        tracemalloc.reset_peak()
        for start in range(0, Z, BATCH):
            batch = probs[start : start + BATCH]
            writer(start, batch)
        collecting = tracemalloc.get_traced_memory()[1]
        assert list(tmp_path.glob('.scan_probabilities.partial-*.npy'))  # the scratch, hidden
        tracemalloc.reset_peak()
        writer.write(paths, fmt, _to_volume, scan, overwrite=False)
        writing = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not list(tmp_path.glob('.*'))  # the scratch is gone
    one_class = Z * H * W * 4
    assert collecting < one_class / 4  # nothing of the volume held while the batches come in
    # one class volume at a time (and its copy in the file's axis order), never all C
    assert writing < 2 * one_class + CHUNKS < C * one_class
    expected = np.transpose(probs, (1, 3, 2, 0))  # (C, X, Y, Z) on the scan's grid
    if fmt == 'nifti':
        for k, path in enumerate(paths):
            written = nib.load(path)
            np.testing.assert_array_equal(written.affine, scan.affine)
            assert written.get_data_dtype() == np.float32
            np.testing.assert_array_equal(np.asarray(written.dataobj), expected[k])
    else:
        (path,) = paths
        with np.load(path) as npz:
            assert list(npz) == ['probabilities']
            got = npz['probabilities']
        assert got.dtype == np.float32 and got.shape == (C, Z, H, W)  # (C, Z, Y, X)
        np.testing.assert_array_equal(got, np.transpose(expected, (0, 3, 2, 1)))


def test_the_scratch_goes_when_the_prediction_fails(tmp_path):
    with pytest.raises(RuntimeError):
        with ProbabilityWriter(str(tmp_path / 'scan_probabilities.npy'), Z) as writer:
            writer(0, _probabilities()[:BATCH])
            raise RuntimeError('stopped')
    assert list(tmp_path.iterdir()) == []
