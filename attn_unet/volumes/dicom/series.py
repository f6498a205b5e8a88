"""A CT or MR series opened as a volume: checked whole from its headers, its voxels read in order.

:func:`open_series` checks everything the headers say before any pixel is decoded and
before anything is written: one slice per file (no multi-frame images), one grey
sample per pixel, the geometry (:func:`~.geometry.place_slices`: the order along
the normal, even steps, no duplicates, no tilt unless allowed), a decoder for every
transfer syntax the files use (pydicom's plugins: a missing one is named with its
``pip install``), and finite RescaleSlope / RescaleIntercept. :meth:`DicomSeries.read`
then decodes the slices in that order and applies each slice's rescale: pydicom's
``pixel_array`` gives stored values, and ``value = stored * slope + intercept``
(Hounsfield units in CT; MR has no absolute scale, and mostly no rescale).

A label volume is written as a NIfTI whose affine (RAS) is the series' own grid
(:meth:`DicomSeries.nifti_like`), so it opens over the series; a tilted series (when
allowed) has a sheared affine, which only the sform can hold.
"""

from dataclasses import dataclass, field
from typing import List

import numpy as np

from attn_unet.errors import DependencyError, VolumeError

from ..wording import short_reason
from .files import MULTI_FRAME_STORAGE, SeriesFiles, import_pydicom
from .geometry import SeriesGeometryError, SliceHeader, VolumeGrid, place_slices

__all__ = ['DicomSeries', 'decoder_problem', 'open_series']

# The pip packages that give pydicom a decoder, by transfer syntax family.
_PLUGINS = {
    'JPEG 2000': 'pylibjpeg pylibjpeg-openjpeg',
    'High-Throughput JPEG 2000': 'pylibjpeg pylibjpeg-openjpeg',
    'JPEG-LS': 'pylibjpeg pylibjpeg-libjpeg',
    'JPEG': 'pylibjpeg pylibjpeg-libjpeg',
    'RLE': 'pylibjpeg pylibjpeg-rle',
}


@dataclass
class DicomSeries:
    """A CT or MR series, placed on its voxel grid; its voxels are read by :meth:`read`.

    Attributes:
        series: the series' files and headers as found.
        stem: the name its outputs get.
        grid: the slices' order, the shape ``(X, Y, Z)`` and the RAS affine.
        files: the slice files, slice k first (``grid.order`` applied).
        headers: their headers (no pixel data), same order.
        slopes, intercepts: each slice's rescale, same order.
        non_finite: voxels that would not be finite numbers (a NaN or inf rescale).
    """

    series: SeriesFiles
    stem: str
    grid: VolumeGrid
    files: List[str] = field(default_factory=list)
    headers: list = field(default_factory=list)
    slopes: np.ndarray | None = None
    intercepts: np.ndarray | None = None
    non_finite: int = 0

    @property
    def path(self) -> str:
        """The folder of the series' files (messages and the JSON record)."""
        return self.series.folder

    @property
    def uid(self) -> str:
        return self.series.uid

    @property
    def shape(self) -> tuple:
        return self.grid.shape

    @property
    def modality(self) -> str:
        return self.series.modality

    @property
    def modalities(self) -> tuple:
        """Its one channel's modality, as a case names its channels."""
        return (self.modality,)

    @property
    def voxels(self) -> int:
        return int(np.prod(self.shape))

    @property
    def affine(self) -> np.ndarray:
        return self.grid.affine

    def describe(self) -> str:
        return f'series {self.series.describe()} in {self.path}'

    def record(self) -> dict:
        """What the JSON beside the prediction says about the input."""
        return dict(
            scan=self.path,
            series_uid=self.uid,
            series_description=self.series.description,
            slices=len(self.files),
            gantry_tilt_degrees=round(self.grid.tilt_degrees, 3),
        )

    def read(self, dtype=np.float64) -> np.ndarray:
        """The voxels ``(X, Y, Z)`` rescaled (Hounsfield units in CT), slice k from the k-th file.

        Computed in float64, returned as ``dtype``.

        Raises:
            VolumeError: a slice cannot be decoded, or holds another matrix than its header.
        """
        pydicom = import_pydicom()
        columns, rows, _ = self.shape
        volume = np.empty(self.shape, dtype=np.float64)
        for k, path in enumerate(self.files):
            try:
                pixels = pydicom.dcmread(path).pixel_array
            except Exception as exc:
                raise VolumeError(
                    f'cannot decode {path} of {self.describe()} ({short_reason(exc, 160)}): '
                    'export the series again'
                ) from None
            if pixels.shape != (rows, columns):
                raise VolumeError(
                    f'{path} of {self.describe()} holds {pixels.shape} pixels, its header says '
                    f'{(rows, columns)}: export the series again'
                )
            volume[:, :, k] = pixels.T.astype(np.float64) * self.slopes[k] + self.intercepts[k]
        return volume if dtype in (None, np.float64) else volume.astype(dtype)

    def read_channels(self, dtype=np.float64) -> np.ndarray:
        """The voxels as a one-channel case reads: ``(1, X, Y, Z)``."""
        return self.read(dtype)[None]

    def nifti_like(self, array: np.ndarray):
        """``array`` ``(X, Y, Z, ...)`` as a NIfTI over the series (scanner-anatomical forms)."""
        import nibabel as nib

        image = nib.Nifti1Image(array, self.affine)
        image.header.set_data_dtype(array.dtype)
        image.header.set_xyzt_units('mm', 'sec')
        image.header.set_sform(self.affine, code=1)
        if self.grid.tilt_degrees:
            image.header.set_qform(None, code=0)  # a quaternion cannot hold the shear
        else:
            image.header.set_qform(self.affine, code=1)
        image.header['descrip'] = b'attn-unet prediction'
        return image


def open_series(
    series: SeriesFiles,
    stem: str,
    allow_tilt: bool = False,
    tilt_option: str = '--allow-gantry-tilt',
) -> DicomSeries:
    """Check ``series`` from its headers and place its slices; nothing is decoded yet.

    Args:
        series: the files and headers found (:func:`~.files.read_series`).
        stem: the name its outputs get.
        allow_tilt: place a tilted series with its sheared affine.
        tilt_option: the option that allows it, for the message of a refused one.

    Raises:
        VolumeError: naming the series and the problem: a multi-frame image, colour
            pixels, missing geometry tags, slices that cannot be placed exactly.
        DependencyError: a transfer syntax no installed decoder reads.
    """
    first = series.headers[0]
    what = f'series {series.describe()} in {series.folder}'
    if str(first.get('SOPClassUID', '')) in MULTI_FRAME_STORAGE or any(
        int(h.get('NumberOfFrames', 1) or 1) > 1 for h in series.headers
    ):
        raise VolumeError(
            f'{what} is a multi-frame (enhanced) {series.modality} image: series are read as '
            f'classic images, one slice per file; export the series as classic '
            f'{series.modality}'
        )
    for header, path in zip(series.headers, series.files):
        if int(header.get('SamplesPerPixel', 1) or 1) != 1:
            raise VolumeError(f'{path} of {what} has colour pixels: pass a grey image series')
    slices = [_slice_header(h, path, what) for h, path in zip(series.headers, series.files)]
    try:
        grid = place_slices(slices, allow_tilt=allow_tilt, tilt_option=tilt_option)
    except SeriesGeometryError as exc:
        raise VolumeError(f'{what} cannot be placed on a voxel grid: {exc}') from None
    for syntax in sorted({_syntax(h) for h in series.headers}):
        problem = decoder_problem(syntax)
        if problem:
            raise DependencyError(f'{what}: {problem}')
    ordered = [series.headers[i] for i in grid.order]
    slopes = np.array([_number(h, 'RescaleSlope', 1.0) for h in ordered])
    intercepts = np.array([_number(h, 'RescaleIntercept', 0.0) for h in ordered])
    bad = ~(np.isfinite(slopes) & np.isfinite(intercepts))
    columns, rows, _ = grid.shape
    return DicomSeries(
        series=series,
        stem=stem,
        grid=grid,
        files=[series.files[i] for i in grid.order],
        headers=ordered,
        slopes=slopes,
        intercepts=intercepts,
        non_finite=int(bad.sum()) * rows * columns,
    )


def decoder_problem(transfer_syntax: str) -> str | None:
    """Why pydicom cannot decode pixel data of ``transfer_syntax`` here, or None if it can.

    The message names the transfer syntax and the ``pip install`` that adds a decoder.
    """
    from pydicom.pixels import get_decoder
    from pydicom.uid import UID

    uid = UID(transfer_syntax)
    try:
        decoder = get_decoder(uid)
    except NotImplementedError:
        return (
            f'its transfer syntax {uid.name} ({uid}) has no pixel decoder in pydicom: '
            'export the series uncompressed (or JPEG / JPEG 2000 / RLE)'
        )
    if decoder.is_available:
        return None
    family = next((f for f in _PLUGINS if uid.name.startswith(f)), None)
    packages = _PLUGINS.get(family, 'pylibjpeg pylibjpeg-libjpeg pylibjpeg-openjpeg')
    return (
        f'its slices are compressed as {uid.name}, which no installed pydicom plugin '
        f'decodes: pip install {packages} (or pip install -e ".[dicom]")'
    )


def _syntax(header) -> str:
    meta = getattr(header, 'file_meta', None)
    return str(meta.get('TransferSyntaxUID', '1.2.840.10008.1.2') if meta else '1.2.840.10008.1.2')


def _slice_header(header, path: str, what: str) -> SliceHeader:
    missing = [
        tag
        for tag in ('ImageOrientationPatient', 'ImagePositionPatient', 'PixelSpacing')
        if not header.get(tag)
    ]
    if missing:
        raise VolumeError(
            f'{path} of {what} has no {", ".join(missing)}: its slices cannot be placed in '
            'space; export the series with its geometry'
        )
    return SliceHeader(
        rows=int(header.Rows),
        columns=int(header.Columns),
        orientation=tuple(float(v) for v in header.ImageOrientationPatient),
        position=tuple(float(v) for v in header.ImagePositionPatient),
        spacing=tuple(float(v) for v in header.PixelSpacing),
    )


def _number(header, tag: str, default: float) -> float:
    value = header.get(tag)
    if value is None or value == '':
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        return float('nan')
