"""A CT volume as the 2D slices a Synapse model reads: the Synapse slicing (converter, predictor).

mmseg's Synapse converter (the TransUNet preparation) clips Hounsfield units to
[-125, 275], scales them to 0-255, reorders the array ``(X, Y, Z)`` to slices
``(Z, X, Y)`` (``np.transpose(volume, [2, 0, 1])``), flips the last axis, and
writes each slice as a grey JPEG copied into three RGB channels (PIL's float to
8-bit conversion, which truncates). It ignores the NIfTI affine: a model learns
the voxel order of the volumes it was trained on. The converter wrapper
(:mod:`attn_unet.datasets.synapse_convert`) and the predictor
(:mod:`attn_unet.apis.predict.synapse_slicing`) both take every step from here. The
functions name the Synapse layout (:func:`to_synapse_slices`, :func:`encode_synapse_label`),
so they cannot be mistaken for a slice plan's (:mod:`.volume_slices`: other axes, float
TIFF inputs).

2.5D input (:class:`SliceSpec` with ``context`` K > 1): the channels of slice z
are slices ``z - gap * (K - 1) / 2 .. z + gap * (K - 1) / 2`` of the same scaled
volume, the volume's first and last slice repeated past its ends. K > 1 is
written losslessly as a K-channel TIFF (JPEG's chroma subsampling would blur
neighbouring slices into each other), which mmcv's ``LoadImageFromFile`` reads
with ``imdecode_backend='tifffile'``.
"""

import io
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # Pillow is imported where a slice is written or read
    from PIL import Image

__all__ = [
    'BTCV_TO_SYNAPSE',
    'HU_WINDOW',
    'SYNAPSE_CLASSES',
    'ScaledSlices',
    'SliceSpec',
    'as_loaded',
    'btcv_to_synapse',
    'encode_synapse_label',
    'encode_slice',
    'from_synapse_slices',
    'label_image',
    'neighbour_indices',
    'scale_hu',
    'slice_image',
    'synapse_to_btcv',
    'to_synapse_slices',
]

HU_WINDOW = (-125.0, 275.0)
# TransUNet's 8 organs: BTCV id -> Synapse class id (1..8); every other BTCV id is background.
BTCV_TO_SYNAPSE = {8: 1, 4: 2, 3: 3, 2: 4, 6: 5, 11: 6, 1: 7, 7: 8}
SYNAPSE_CLASSES = (
    'background',
    'aorta',
    'gallbladder',
    'left_kidney',
    'right_kidney',
    'liver',
    'pancreas',
    'spleen',
    'stomach',
)
# The converter's axis order: slices (Z, X, Y) = transpose(volume (X, Y, Z), [2, 0, 1]).
SLICE_AXES = (2, 0, 1)
JPEG_SUFFIX, TIFF_SUFFIX = '.jpg', '.tiff'


@dataclass(frozen=True)
class SliceSpec:
    """How slices are cut from a volume.

    Args:
        context: K, the number of slices stacked as channels (odd; 1 = mmseg's 2D
            slices, grey in three identical RGB channels).
        slice_gap: distance, in slices, between two stacked neighbours.
        hu_window: the Hounsfield window mapped onto 0-255.
    """

    context: int = 1
    slice_gap: int = 1
    hu_window: tuple = HU_WINDOW

    def __post_init__(self) -> None:
        if not isinstance(self.context, int) or self.context < 1 or self.context % 2 == 0:
            raise ValueError(f'context must be an odd whole number >= 1, got {self.context!r}')
        if not isinstance(self.slice_gap, int) or self.slice_gap < 1:
            raise ValueError(f'slice_gap must be a whole number >= 1, got {self.slice_gap!r}')
        low, high = self.hu_window
        if not low < high:
            raise ValueError(f'hu_window must be (low, high) with low < high, got {self.hu_window}')
        object.__setattr__(self, 'hu_window', (float(low), float(high)))

    @property
    def image_suffix(self) -> str:
        """File suffix of the written slices: ``.jpg`` for K = 1, ``.tiff`` above."""
        return JPEG_SUFFIX if self.context == 1 else TIFF_SUFFIX

    @property
    def in_channels(self) -> int:
        """Channels of the image a model reads: 3 (grey copied) for K = 1, else K."""
        return 3 if self.context == 1 else self.context

    def to_dict(self) -> dict:
        return dict(asdict(self), hu_window=list(self.hu_window))


def scale_hu(volume: np.ndarray, spec: SliceSpec = SliceSpec()) -> np.ndarray:
    """Hounsfield units clipped to the window and scaled to 0-255, float64, same shape."""
    low, high = spec.hu_window
    scaled = np.clip(np.asarray(volume, dtype=np.float64), low, high)
    return (scaled - low) / (high - low) * 255


def to_synapse_slices(volume: np.ndarray) -> np.ndarray:
    """Volume ``(X, Y, Z)`` -> slices ``(Z, X, Y)``, the last axis flipped, as the converter."""
    return np.flip(np.transpose(volume, SLICE_AXES), 2)


class ScaledSlices:
    """``to_synapse_slices(scale_hu(volume, spec))``, each slice scaled when it is indexed.

    The same float64 values bit for bit (the scaling is elementwise), without a scaled float64
    copy of the whole volume beside the HU one: 0.4 GB for a 512x512x200 CT, plus the
    temporaries of scaling it at once.

    Args:
        volume: ``(X, Y, Z)`` Hounsfield units, any numeric dtype; kept as a view.
        spec: the HU window.
    """

    def __init__(self, volume: np.ndarray, spec: SliceSpec = SliceSpec()) -> None:
        self._slices = to_synapse_slices(volume)
        self.spec = spec

    def __len__(self) -> int:
        return len(self._slices)

    def __getitem__(self, z: int) -> np.ndarray:
        """Slice ``z``, ``(X, Y)`` float64 in 0-255."""
        return scale_hu(self._slices[z], self.spec)


def from_synapse_slices(slices: np.ndarray) -> np.ndarray:
    """Slices ``(Z, X, Y, ...)`` -> volume ``(X, Y, Z, ...)``: :func:`to_synapse_slices` undone."""
    unflipped = np.flip(slices, 2)
    order = [1, 2, 0, *range(3, slices.ndim)]
    return np.transpose(unflipped, order)


def neighbour_indices(z: int, depth: int, spec: SliceSpec) -> list:
    """Slice indices stacked for slice ``z`` of a ``depth``-slice volume, ends repeated."""
    half = (spec.context - 1) // 2
    return [min(max(z + k * spec.slice_gap, 0), depth - 1) for k in range(-half, half + 1)]


def _to_uint8(plane: np.ndarray) -> np.ndarray:
    """PIL's float -> 8-bit conversion, exactly as the converter's ``convert('RGB')``."""
    from PIL import Image

    return np.asarray(Image.fromarray(plane).convert('L'))


def slice_image(scaled_slices: np.ndarray, z: int, spec: SliceSpec = SliceSpec()) -> 'Image.Image':
    """The image the converter writes for slice ``z``.

    Args:
        scaled_slices: ``(Z, X, Y)`` float, :func:`scale_hu` then :func:`to_synapse_slices`
            (or :class:`ScaledSlices`, the same slices one at a time).
        z: slice index.
        spec: how many neighbours, how far apart.

    Returns:
        K = 1: mmseg's grey-in-RGB PIL image. K > 1: the ``(X, Y, K)`` uint8 stack of
        slices ``neighbour_indices(z, ...)``, each converted to 8 bits as K = 1 is.
    """
    from PIL import Image

    if spec.context == 1:
        return Image.fromarray(scaled_slices[z]).convert('RGB')
    planes = [_to_uint8(scaled_slices[i]) for i in neighbour_indices(z, len(scaled_slices), spec)]
    return np.stack(planes, axis=-1)


def encode_slice(image, spec: SliceSpec = SliceSpec()) -> bytes:
    """The bytes of a slice file: JPEG as the converter saves it (K = 1), else a TIFF."""
    buffer = io.BytesIO()
    if spec.context == 1:
        image.save(buffer, format='JPEG')
    else:
        import tifffile

        # one page of K samples (contig): without planarconfig tifffile would store the
        # (X, Y, K) stack as X pages of Y x K
        stack = np.asarray(image, dtype=np.uint8)
        tifffile.imwrite(buffer, stack, photometric='minisblack', planarconfig='contig')
    return buffer.getvalue()


def label_image(label_slices: np.ndarray, z: int) -> 'Image.Image':
    """The 8-bit label image the converter writes for slice ``z`` (PIL's ``convert('L')``).

    Args:
        label_slices: ``(Z, X, Y)`` Synapse class ids, :func:`btcv_to_synapse` of
            :func:`to_synapse_slices` of the label volume, in any numeric dtype (the
            converter keeps nibabel's float64).
        z: slice index.
    """
    from PIL import Image

    return Image.fromarray(label_slices[z]).convert('L')


def encode_synapse_label(image: 'Image.Image') -> bytes:
    """The bytes of a label file: a PNG as the converter saves it, the same for every K."""
    buffer = io.BytesIO()
    image.save(buffer, format='PNG')
    return buffer.getvalue()


def as_loaded(file_bytes: bytes, spec: SliceSpec = SliceSpec()) -> np.ndarray:
    """A slice file's bytes as the training pipeline's ``LoadImageFromFile`` gives them.

    K = 1: cv2 decodes the JPEG to BGR ``(X, Y, 3)`` uint8 (the config's default
    backend). K > 1: tifffile gives the ``(X, Y, K)`` stack as written.
    """
    if spec.context == 1:
        import cv2

        return cv2.imdecode(np.frombuffer(file_bytes, np.uint8), cv2.IMREAD_COLOR)
    import tifffile

    return tifffile.imread(io.BytesIO(file_bytes))


def btcv_to_synapse(label: np.ndarray) -> np.ndarray:
    """BTCV organ ids (0..13) -> the 9 Synapse classes, other organs to background."""
    mapped = np.zeros_like(label)
    for btcv_id, synapse_id in BTCV_TO_SYNAPSE.items():
        mapped[label == btcv_id] = synapse_id
    return mapped


def synapse_to_btcv(label: np.ndarray) -> np.ndarray:
    """Synapse class ids (0..8) -> the BTCV ids of the same organs, uint8."""
    lookup = np.zeros(len(SYNAPSE_CLASSES), np.uint8)
    for btcv_id, synapse_id in BTCV_TO_SYNAPSE.items():
        lookup[synapse_id] = btcv_id
    return lookup[np.asarray(label, dtype=np.intp)]
