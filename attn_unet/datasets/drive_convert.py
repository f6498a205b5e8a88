"""DRIVE ``training.zip`` / ``test.zip`` -> mmseg's DRIVE layout, as mmseg's converter writes it.

The output is that of mmseg's ``tools/dataset_converters/drive.py`` (shipped in
the wheel), byte for byte, because every file goes through the same decoders and
encoder: ``images/{training,validation}/NN.png`` (the TIFF photographs read by
``mmcv.imread``), ``annotations/{training,validation}/NN_manual1.png`` (vessel 1,
background 0: the first channel of the GIF as ``cv2.VideoCapture`` reads it,
divided by 128) and, where ``test.zip`` holds DRIVE's second observer, the
``NN_manual2.png`` beside them. The field-of-view masks are not converted.

Around it: both zips are checked before anything is written (missing, not a
zip, DRIVE's folders, every photograph with its manual annotation: the DRIVE
configs validate on ``test.zip``'s ``1st_manual``, so a ``test.zip`` without it
is refused rather than converted into a set training cannot use); the set is
written into a staging folder and swapped in whole with its record
(:mod:`.staged_output`); a progress bar ticks once per file written; a file
that does not decode is one line naming it.
"""

import os.path as osp
import tempfile
import zipfile
from dataclasses import dataclass

from attn_unet.errors import DatasetLayoutError

from .staged_output import StagedOutput

__all__ = ['convert_drive']

_GENERATE_HINT = 'or generate synthetic ones with demo/generate_fundus.py OUT_DIR'


@dataclass(frozen=True)
class _Source:
    """One folder of a DRIVE zip and where its files go."""

    split: str  # 'training' or 'test': the zip it lies in
    folder: str  # inside the zip, e.g. 'training/images/'
    out_dir: str  # under the converted root
    is_manual: bool  # a GIF annotation (else a TIFF photograph)
    required: bool
    drop: str = ''  # cut from the file's stem, as mmseg's converter does

    def out_name(self, member: str) -> str:
        stem = osp.splitext(osp.basename(member))[0]
        return f'{stem.replace(self.drop, "") if self.drop else stem}.png'


_SOURCES = (
    _Source('training', 'training/images/', 'images/training', False, True, '_training'),
    _Source('training', 'training/1st_manual/', 'annotations/training', True, True),
    _Source('test', 'test/images/', 'images/validation', False, True, '_test'),
    _Source('test', 'test/1st_manual/', 'annotations/validation', True, True),
    _Source('test', 'test/2nd_manual/', 'annotations/validation', True, False),
)


def convert_drive(training_zip, test_zip, out_dir='data/DRIVE', tmp_dir=None) -> int:
    """Convert DRIVE's release zips into mmseg's layout.

    Args:
        training_zip: ``training.zip`` of the DRIVE release (or of
            ``demo/generate_fundus.py``).
        test_zip: ``test.zip`` likewise, with ``test/1st_manual/``: its photographs
            and annotations become the validation set.
        out_dir: Converted root (mmseg's default ``data/DRIVE``): new, empty, or an
            earlier conversion by this converter (replaced whole).
        tmp_dir: Where the zips are extracted (a temporary folder inside it).

    Returns:
        How many images and annotations were written.

    Raises:
        DatasetLayoutError: A zip is missing, not a zip, lacks DRIVE's folders or a
            photograph's annotation, or a file inside it cannot be decoded; or
            ``out_dir`` holds files this converter did not write.
    """
    from mmengine.utils import ProgressBar

    paths = {'training': str(training_zip), 'test': str(test_zip)}
    members = {split: _check_zip(split, path) for split, path in paths.items()}
    jobs = [(source, m) for source in _SOURCES for m in members[source.split][source.folder]]
    with StagedOutput(out_dir, 'drive', option='-o') as staged:
        for out in sorted({source.out_dir for source in _SOURCES}):
            (staged.path / out).mkdir(parents=True)
        progress = ProgressBar(len(jobs))
        written = {source.out_dir: [] for source in _SOURCES}
        with tempfile.TemporaryDirectory(dir=tmp_dir) as extracted:
            for split, path in paths.items():
                with zipfile.ZipFile(path) as archive:
                    archive.extractall(extracted, [m for _, m in jobs if _in_zip(m, split)])
            for source, member in jobs:
                array = _read(osp.join(extracted, member), member, source.is_manual)
                name = source.out_name(member)
                _write_png(array, staged.path / source.out_dir / name)
                written[source.out_dir].append(name)
                progress.update()
        staged.commit(
            {
                'sources': {split: osp.abspath(path) for split, path in paths.items()},
                'splits': {
                    split: sorted(written[f'images/{split}'])
                    for split in ('training', 'validation')
                },
            }
        )
    return len(jobs)


def _in_zip(member: str, split: str) -> bool:
    return member.startswith(f'{split}/')


def _check_zip(split: str, path: str) -> dict:
    """``{folder: [member files directly in it]}`` of a zip's DRIVE folders, its layout checked."""
    name = osp.basename(path) or path
    if not osp.isfile(path):
        raise DatasetLayoutError(
            f"'{path}' not found: pass the {split} zip of the DRIVE release ({_GENERATE_HINT})"
        )
    if not zipfile.is_zipfile(path):
        raise DatasetLayoutError(
            f"'{path}' is not a zip file: pass DRIVE's original {split}.zip, not an extracted copy"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            files = [m for m in archive.namelist() if not m.endswith('/')]
    except (OSError, zipfile.BadZipFile) as exc:
        raise DatasetLayoutError(
            f'cannot read {path} ({exc}): the zip is damaged; download or copy it again'
        ) from exc
    found = {}
    for source in (s for s in _SOURCES if s.split == split):
        found[source.folder] = sorted(
            m for m in files if osp.dirname(m) + '/' == source.folder and not _hidden(m)
        )
        if source.required and not found[source.folder]:
            held = ', '.join(sorted({osp.dirname(m) + '/' for m in files})[:5]) or 'nothing'
            why = (
                ' (the validation set is scored on them; the grand-challenge download withholds '
                'them)'
                if source.folder == 'test/1st_manual/'
                else ''
            )
            needed = ', '.join(s.folder for s in _SOURCES if s.split == split and s.required)
            raise DatasetLayoutError(
                f"{name} holds no '{source.folder}' files{why} (its folders: {held}): pass "
                f"DRIVE's {split}.zip as released, with {needed}"
            )
    _check_pairs(name, split, found)
    return found


def _check_pairs(name: str, split: str, found: dict) -> None:
    """Every photograph has its ``1st_manual`` annotation (the layout check pairs them)."""
    images, manuals = (s for s in _SOURCES if s.split == split and s.required)
    labelled = {manuals.out_name(m).removesuffix('_manual1.png') for m in found[manuals.folder]}
    for member in found[images.folder]:
        stem = images.out_name(member).removesuffix('.png')
        if stem not in labelled:
            raise DatasetLayoutError(
                f'{name}: {member} has no annotation {manuals.folder}{stem}_manual1.gif: add it, '
                "or pass DRIVE's original zip"
            )


def _hidden(member: str) -> bool:
    return osp.basename(member).startswith('.')


def _read(path: str, member: str, is_manual: bool):
    """A photograph as ``mmcv.imread`` gives it (BGR), or an annotation's 0/1 id map."""
    import cv2
    import mmcv

    if not is_manual:
        image = mmcv.imread(path)
        if image is None:
            raise DatasetLayoutError(
                f'cannot decode {member}: replace it with an RGB TIFF and rerun'
            )
        return image
    capture = cv2.VideoCapture(path)
    ok, frame = capture.read()
    capture.release()
    if not ok or frame is None or frame.ndim != 3:
        raise DatasetLayoutError(
            f'cannot read the GIF {member} with cv2.VideoCapture (needs '
            "opencv-python's FFmpeg): re-save it as a single-frame GIF and rerun"
        )
    # 128 splits DRIVE's not quite binary annotations at mid-grey, as mmseg's converter does
    return frame[:, :, 0] // 128


def _write_png(array, path) -> None:
    import mmcv

    if not mmcv.imwrite(array, str(path)):
        raise DatasetLayoutError(f'cannot write {path}: check the disk and rerun')
