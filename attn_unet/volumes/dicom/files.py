"""DICOM files under a folder, read as the series they belong to.

A file is DICOM when it carries the Part 10 preamble (``DICM`` at byte 128), whatever
its name (scanners write ``IM0001``, ``1.2.840....``, ``.dcm``). The headers are read
without pixel data and grouped by ``SeriesInstanceUID``. Localizers (``ImageType``
``LOCALIZER``), which some scanners file inside the axial series, are set aside. A series
is an image volume when it is CT or MR (:data:`IMAGE_STORAGE`: classic or multi-frame;
the multi-frame ones are found and named, not read); other series found beside them (a
SEG, a report) are named in messages and otherwise left alone. pydicom is imported only
when a DICOM file is found: the NIfTI path needs none of it.
"""

import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List

from attn_unet.errors import DependencyError, VolumeError

from ..wording import short_reason

__all__ = [
    'DICOM_INSTALL',
    'IMAGE_STORAGE',
    'MULTI_FRAME_STORAGE',
    'SeriesFiles',
    'find_dicom_files',
    'import_pydicom',
    'is_dicom_file',
    'read_series',
]

# The image storage SOP classes of a modality, classic (one slice per file) first; the others
# are multi-frame (Enhanced, Legacy Converted Enhanced): found, named, not read.
IMAGE_STORAGE = {
    'CT': ('1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.5.1.4.1.1.2.1',
           '1.2.840.10008.5.1.4.1.1.2.2'),
    'MR': ('1.2.840.10008.5.1.4.1.1.4', '1.2.840.10008.5.1.4.1.1.4.1',
           '1.2.840.10008.5.1.4.1.1.4.4'),
}  # fmt: skip
MULTI_FRAME_STORAGE = tuple(uid for uids in IMAGE_STORAGE.values() for uid in uids[1:])
DICOM_INSTALL = 'pip install -e ".[dicom]" (or pip install pydicom highdicom pylibjpeg ' \
    'pylibjpeg-libjpeg pylibjpeg-openjpeg pylibjpeg-rle)'  # fmt: skip
_PREAMBLE, _MAGIC = 128, b'DICM'


@dataclass
class SeriesFiles:
    """One series found under an input folder.

    Attributes:
        uid: its SeriesInstanceUID.
        root: the input folder it was found under.
        files: its image files (localizers left out), in the order found.
        headers: their pydicom datasets, read without pixel data (same order).
        localizers: how many localizer images of this series were left out.
    """

    uid: str
    root: str
    files: List[str] = field(default_factory=list)
    headers: list = field(default_factory=list)
    localizers: int = 0

    @property
    def modality(self) -> str:
        return str(self.headers[0].get('Modality', '')) if self.headers else 'localizer'

    @property
    def description(self) -> str:
        return str(self.headers[0].get('SeriesDescription', '') or '') if self.headers else ''

    @property
    def number(self) -> int | None:
        value = self.headers[0].get('SeriesNumber') if self.headers else None
        return int(value) if value not in (None, '') else None

    @property
    def folder(self) -> str:
        """The deepest folder that holds all of its files."""
        return osp.commonpath([osp.dirname(osp.abspath(f)) for f in self.files])

    def is_image_of(self, modalities) -> bool:
        """An image series (classic or multi-frame) of one of ``modalities`` (``('CT', 'MR')``),
        with at least one image."""
        sop_class = str(self.headers[0].get('SOPClassUID', '')) if self.headers else ''
        return self.modality in modalities and sop_class in IMAGE_STORAGE.get(self.modality, ())

    def describe(self) -> str:
        """``1.2.3 ('Abdomen 2.5mm', 120 slices)``, for messages."""
        what = f"'{self.description}', " if self.description else ''
        return f'{self.uid} ({what}{len(self.files)} slices)'


def is_dicom_file(path: str) -> bool:
    """Whether ``path`` starts with the DICOM Part 10 preamble and ``DICM``."""
    try:
        with open(path, 'rb') as f:
            head = f.read(_PREAMBLE + len(_MAGIC))
    except OSError:
        return False
    return len(head) == _PREAMBLE + len(_MAGIC) and head[_PREAMBLE:] == _MAGIC


def find_dicom_files(folder: str) -> List[str]:
    """Every DICOM file under ``folder`` (hidden names skipped), sorted."""
    found = []
    for parent, folders, names in os.walk(folder):
        folders[:] = sorted(n for n in folders if not n.startswith('.'))
        for name in sorted(names):
            path = osp.join(parent, name)
            if not name.startswith('.') and osp.isfile(path) and is_dicom_file(path):
                found.append(path)
    return sorted(found)


def import_pydicom():
    """pydicom, or one line saying how to install it.

    Raises:
        DependencyError: pydicom is not installed.
    """
    try:
        import pydicom
    except ImportError as exc:
        raise DependencyError(f'reading DICOM needs pydicom ({exc}): {DICOM_INSTALL}') from None
    return pydicom


def read_series(root: str, files: List[str]) -> List[SeriesFiles]:
    """Read the headers of ``files`` (found under ``root``) and group them into series.

    Returns:
        Every series, in the order of their first file; each file in one series.

    Raises:
        VolumeError: a file that pydicom cannot parse, or one without a SeriesInstanceUID.
    """
    pydicom = import_pydicom()
    series: Dict[str, SeriesFiles] = {}
    for path in files:
        try:
            header = pydicom.dcmread(path, stop_before_pixels=True)
        except Exception as exc:
            raise VolumeError(
                f'{path} is not a readable DICOM file ({short_reason(exc)}): export it again, '
                'or move it out of the folder'
            ) from None
        uid = str(header.get('SeriesInstanceUID', '') or '')
        if not uid:
            raise VolumeError(
                f'{path} has no SeriesInstanceUID: slices are grouped into series by it; export '
                'the series again, or move the file out of the folder'
            )
        found = series.setdefault(uid, SeriesFiles(uid, root))
        if 'LOCALIZER' in [str(v).upper() for v in header.get('ImageType', [])]:
            found.localizers += 1
        else:
            found.files.append(path)
            found.headers.append(header)
    return list(series.values())
