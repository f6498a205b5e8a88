"""Small synthetic CT and MR series written with pydicom, the way scanners and PACS hand them over.

:func:`write_series` stores a volume ``(X, Y, Z)`` (Hounsfield units, or MR signal) with its
RAS affine as one classic CT (or MR) series: voxel column ``i`` along the row direction, row ``j``
along the column direction, slice ``k`` at ``origin + k * step``, every geometry tag
taken from the affine (the reader under test must recover it, not assume it). Files
get random names in a shuffled order and scrambled ``InstanceNumber`` values; the
stored values are ``(HU - intercept) / slope``; a series can be RLE-compressed, lose a
slice, gain a duplicate or a localizer. :func:`series_folder` makes the folder the
predictor tests share: a main series, a second CT series and a localizer.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import List

import numpy as np

LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])
STUDY_UID = '1.2.826.0.1.3680043.8.498.1'
FRAME_OF_REFERENCE_UID = '1.2.826.0.1.3680043.8.498.2'


@dataclass
class WrittenSeries:
    """What :func:`write_series` wrote.

    Attributes:
        uid: the SeriesInstanceUID.
        files: the written files, in the shuffled order they were written.
        hu: ``(X, Y, Z)`` the Hounsfield units the stored values stand for (after the
            rescale, so exactly what a reader must return), in the given voxel order.
        affine: ``(4, 4)`` the volume's voxel -> RAS affine.
        sop_uids: SOPInstanceUID of slice k, in the given voxel order.
    """

    uid: str
    files: List[Path]
    hu: np.ndarray
    affine: np.ndarray
    sop_uids: List[str] = field(default_factory=list)


def write_series(
    folder,
    hu: np.ndarray,
    affine: np.ndarray,
    *,
    number: int = 2,
    description: str = 'Abdomen 2.5mm',
    slope: float = 1.0,
    intercept: float = 0.0,
    rle: bool = False,
    drop: int | None = None,
    duplicate: int | None = None,
    odd_size: int | None = None,
    seed: int = 0,
    uid: str | None = None,
    modality: str = 'CT',
) -> WrittenSeries:
    """Write ``hu`` ``(X, Y, Z)`` with voxel -> RAS ``affine`` as a CT series into ``folder``.

    Args:
        modality: ``'CT'``, or ``'MR'`` (MR Image Storage, no rescale written: slope 1 and
            intercept 0 are what a reader must assume).
        slope, intercept: RescaleSlope / RescaleIntercept; stored = (HU - intercept) / slope,
            rounded (the returned ``hu`` is what the stored values stand for).
        rle: write the pixel data RLE Lossless compressed.
        drop: leave slice ``drop`` out (a missing slice).
        duplicate: write slice ``duplicate`` twice (two files at one position).
        odd_size: write slice ``odd_size`` with one more row (mixed matrix sizes).
        seed: file names, file order and InstanceNumbers are drawn from it.
        uid: the SeriesInstanceUID (default: a new one).
    """
    from pydicom.uid import generate_uid

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    lps = LPS_TO_RAS @ np.asarray(affine, dtype=np.float64)
    dx, dy = np.linalg.norm(lps[:3, 0]), np.linalg.norm(lps[:3, 1])
    row, col = lps[:3, 0] / dx, lps[:3, 1] / dy
    stored = np.round((np.asarray(hu, dtype=np.float64) - intercept) / slope)
    signed = stored.min() < 0
    stored = stored.astype(np.int16 if signed else np.uint16)
    uid = uid or generate_uid()
    slices = [k for k in range(hu.shape[2]) if k != drop]
    if duplicate is not None:
        slices.append(duplicate)
    numbers = rng.permutation(len(slices)) + 1
    represented = stored.astype(np.float64) * slope + intercept
    written = WrittenSeries(uid, [], represented, np.asarray(affine, dtype=np.float64))
    written.sop_uids = [None] * hu.shape[2]
    for index in rng.permutation(len(slices)):
        k = slices[index]
        pixels = stored[:, :, k].T  # (rows j, columns i)
        if odd_size == k:
            pixels = np.concatenate([pixels, pixels[-1:]])
        ds = _ct_slice(pixels, row, col, (dy, dx), lps[:3, 3] + k * lps[:3, 2], signed, modality)
        ds.SeriesInstanceUID, ds.SeriesNumber, ds.SeriesDescription = uid, number, description
        ds.InstanceNumber = int(numbers[index])
        if modality == 'CT' or (slope, intercept) != (1.0, 0.0):
            ds.RescaleSlope, ds.RescaleIntercept = _ds(slope), _ds(intercept)
        written.sop_uids[k] = ds.SOPInstanceUID
        written.files.append(_save(ds, folder / f'{rng.integers(16**8):08x}', rle))
    return written


def small_volume(seed: int = 4, size: int = 24, slices: int = 6) -> tuple:
    """``(hu, affine)``: a phantom case stored A, L, S (rows of each slice run towards
    anterior), small enough for a series in a unit test."""
    from demo.synthetic import render_ct_case

    from .orientations import stored_as

    hu, _, affine = render_ct_case(np.random.default_rng(seed), (size, size), slices, bowel_loops=4)
    return stored_as(hu, affine, 'ALS')


def write_localizer(folder, series_uid: str, size: int = 24, seed: int = 5) -> Path:
    """A coronal localizer image, in the series ``series_uid`` (as some scanners file it)."""
    pixels = np.random.default_rng(seed).integers(0, 2000, (size, size + 8)).astype(np.uint16)
    ds = _ct_slice(pixels, np.array([1.0, 0, 0]), np.array([0, 0, -1.0]), (2.0, 2.0),
                   np.array([-100.0, 0, 100]), signed=False)  # fmt: skip
    ds.ImageType = ['ORIGINAL', 'PRIMARY', 'LOCALIZER']
    ds.SeriesInstanceUID, ds.SeriesNumber, ds.SeriesDescription = series_uid, 1, 'Topogram'
    ds.InstanceNumber, ds.RescaleSlope, ds.RescaleIntercept = 1, '1', '-1024'
    Path(folder).mkdir(parents=True, exist_ok=True)
    return _save(ds, Path(folder) / 'localizer', rle=False)


def sheared(affine: np.ndarray, degrees: float) -> np.ndarray:
    """``affine`` with its slices stacked ``degrees`` off their normal (a gantry tilt)."""
    tilted = np.array(affine, dtype=np.float64)
    step = tilted[:3, 2]
    tilted[:3, 2] = step + np.tan(np.radians(degrees)) * np.linalg.norm(step) * (
        tilted[:3, 1] / np.linalg.norm(tilted[:3, 1])
    )
    return tilted


def _ds(value: float) -> str:
    return format(value, '.10g')


def _ct_slice(pixels, row, col, spacing, position, signed: bool, modality: str = 'CT'):
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, MRImageStorage, generate_uid

    storage = CTImageStorage if modality == 'CT' else MRImageStorage
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = storage
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID, ds.SOPInstanceUID = storage, generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = 'Phantom^CT', 'P7', '', 'O'
    ds.StudyInstanceUID, ds.StudyID, ds.AccessionNumber = STUDY_UID, '1', ''
    ds.StudyDate, ds.StudyTime, ds.ReferringPhysicianName = '20240102', '101010', ''
    ds.FrameOfReferenceUID, ds.PositionReferenceIndicator = FRAME_OF_REFERENCE_UID, ''
    ds.Modality, ds.Manufacturer = modality, 'attn-unet tests'
    ds.ImageType = ['ORIGINAL', 'PRIMARY', 'AXIAL' if modality == 'CT' else 'OTHER']
    ds.ImageOrientationPatient = [_ds(v) for v in (*row, *col)]
    ds.ImagePositionPatient = [_ds(v) for v in position]
    ds.PixelSpacing = [_ds(v) for v in spacing]
    ds.SliceThickness = '2.5'
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelRepresentation = 1 if signed else 0
    if modality == 'CT':
        ds.RescaleType = 'HU'
    ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    return ds


def _save(ds, path: Path, rle: bool) -> Path:
    from pydicom.uid import RLELossless

    if rle:
        ds.compress(RLELossless, generate_instance_uid=False)
    ds.save_as(path, enforce_file_format=True)
    return path
