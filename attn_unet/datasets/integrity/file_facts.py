"""What the data check needs to know about one image or label file, read as mmseg reads it.

An image gives its size (EXIF rotation applied as the loader applies it), a
label its size, channels, largest value and uint8 ids; a file that does not
decode gives ``{'error': why}``. An ``OSError`` while opening the file is
raised to the caller. A TIFF read with the ``tifffile`` backend (the Synapse
2.5D slices: K channels, which Pillow cannot open) is sized from its first
page's header and decoded with tifffile.
"""

import io

import numpy as np

from .report import one_line

__all__ = ['read_file_facts', 'read_image_facts', 'read_label_facts']

_EXIF_ORIENTATION = 0x0112
_ROTATED_ORIENTATIONS = (5, 6, 7, 8)
_TIFF_MAGIC = (b'II*\x00', b'MM\x00*', b'II+\x00', b'MM\x00+')  # classic and BigTIFF


def read_file_facts(path: str, key: dict) -> dict:
    """The facts of ``path``, read as ``key`` says.

    Args:
        path: the image or label file.
        key: ``kind`` (``'image'`` or ``'label'``), the ``backend`` mmcv decodes
            with and, for images, the ``flag`` (color type) the loader uses.

    Returns:
        :func:`read_image_facts` or :func:`read_label_facts` of ``path``.
    """
    if key['kind'] == 'image':
        return read_image_facts(path, key['backend'], key['flag'])
    return read_label_facts(path, key['backend'])


def read_image_facts(path: str, backend: str = 'cv2', flag: str = 'color') -> dict:
    """``{'size': [h, w]}`` of an image as the loader will see it, or ``{'error': why}``.

    The size comes from the header (EXIF rotation applied when ``flag`` is
    not ``'unchanged'``, as mmcv does); PNGs are CRC-checked chunk by chunk,
    other formats decoded, so truncated files are caught.
    """
    from PIL import Image, UnidentifiedImageError

    with open(path, 'rb') as f:
        content = f.read()
    if backend == 'tifffile' and content[:4] in _TIFF_MAGIC:
        return _tiff_facts(content)
    try:
        with Image.open(io.BytesIO(content)) as img:
            width, height = img.size
            rotated = _exif_orientation(img) in _ROTATED_ORIENTATIONS
        with Image.open(io.BytesIO(content)) as img:
            # verify() must come straight after open and leaves the image unusable.
            img.verify() if img.format == 'PNG' else img.load()
    except UnidentifiedImageError:
        return _decode_with_mmcv(content, backend, flag)
    except Exception as exc:  # Pillow raises OSError, SyntaxError, struct.error, ...
        return dict(error=one_line(exc))
    if rotated and flag != 'unchanged':
        width, height = height, width
    return dict(size=[height, width])


def read_label_facts(path: str, backend: str = 'pillow') -> dict:
    """Size, channels and ids of a label as mmseg's LoadAnnotations reads it.

    Returns:
        ``{'size': [h, w], 'channels': c, 'max': largest value, 'ids': [uint8
        ids present]}`` or ``{'error': why}``.
    """
    import mmcv

    with open(path, 'rb') as f:
        content = f.read()
    try:
        array = mmcv.imfrombytes(content, flag='unchanged', backend=backend)
    except Exception as exc:  # decoders raise many types
        return dict(error=one_line(exc))
    if array is None:
        return dict(error=f'{backend} cannot decode it')
    array = np.asarray(array)
    channels = 1 if array.ndim == 2 else int(np.prod(array.shape[2:]))
    if channels != 1:
        return dict(size=list(array.shape[:2]), channels=channels, max=0, ids=[])
    counts = np.bincount(array.astype(np.uint8).ravel(), minlength=256)
    return dict(
        size=list(array.shape[:2]),
        channels=1,
        max=int(array.max()) if array.size else 0,
        ids=np.flatnonzero(counts).tolist(),
    )


def _exif_orientation(img) -> int | None:
    """EXIF orientation from the header; PNG's getexif() would decode the whole image."""
    from PIL import Image

    if img.format != 'PNG':
        return img.getexif().get(_EXIF_ORIENTATION)
    exif = Image.Exif()
    if img.info.get('exif'):
        exif.load(img.info['exif'])
    return exif.get(_EXIF_ORIENTATION)


def _tiff_facts(content: bytes) -> dict:
    """``{'size': [h, w]}`` from the first page's header, the page decoded to catch truncation."""
    import tifffile

    try:
        with tifffile.TiffFile(io.BytesIO(content)) as tif:
            page = tif.pages[0]
            height, width = page.shape[:2]
            page.asarray()
    except Exception as exc:  # tifffile raises TiffFileError, ValueError, struct.error, ...
        return dict(error=one_line(exc))
    return dict(size=[int(height), int(width)])


def _decode_with_mmcv(content: bytes, backend: str, flag: str) -> dict:
    import mmcv

    try:
        array = mmcv.imfrombytes(content, flag=flag, backend=backend)
    except Exception as exc:  # decoders raise many types
        return dict(error=one_line(exc))
    if array is None:
        return dict(error=f'{backend} cannot decode it')
    return dict(size=list(array.shape[:2]))
