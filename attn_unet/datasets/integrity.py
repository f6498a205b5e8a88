"""Check a dataset's files before training or evaluation, once, in parallel, cached.

mmseg only meets a bad file when the dataloader reaches it: a truncated PNG or
a label of the wrong size ends in a traceback that does not name the file, an
image deleted while its label stays is silently skipped, and label ids outside
the classes are silently dropped from the confusion counts (a lower mIoU, exit
code 0). :func:`check_data` lists every dataset a run will use the way mmseg's
dataset does (``load_data_list``, so any ``BaseSegDataset`` subclass and any
wrapper), then checks that

- every image has its label and every label its image (orphan labels are found
  by listing ``seg_map_path`` with the dataset's ``seg_map_suffix``);
- every file decodes (PNG chunks are CRC-checked, other formats decoded);
- image and label sizes match (image sizes from the headers, EXIF rotation
  applied as the loader applies it);
- labels are single-channel and their ids, after ``reduce_zero_label`` and the
  dataset's ``label_map``, are classes or the ignore index.

What is read from a file (its size, its label ids, or why it does not decode)
is cached by path, byte size and mtime under ``~/.cache/attn_unet/data_check``
(``$ATTN_UNET_CACHE_DIR`` or ``data_check.cache_dir``), so a second run only
stats the files. Config key (all optional)::

    data_check = dict(enabled=True, num_workers=8, cache_dir=None)
"""

import hashlib
import io
import json
import os
import os.path as osp
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Iterable, List

import numpy as np

from .layout import DatasetLayoutError

__all__ = [
    'DATA_CHECK_DEFAULTS',
    'DataIntegrityError',
    'DatasetFilesReport',
    'check_config_data',
    'check_data',
    'check_dataset_files',
    'data_check_splits',
    'format_reports',
    'leaf_dataset_cfgs',
    'raise_first_problem',
]

DATA_CHECK_DEFAULTS = dict(enabled=True, num_workers=None, cache_dir=None)
CACHE_ENV = 'ATTN_UNET_CACHE_DIR'
CACHE_VERSION = 1
MAX_WORKERS = 8
_EXIF_ORIENTATION = 0x0112
_ROTATED_ORIENTATIONS = (5, 6, 7, 8)
_REDUCED_ZERO = 255
_BUILD_LOCK = threading.Lock()


class DataIntegrityError(DatasetLayoutError):
    """A dataset file is missing, unreadable, of the wrong size or holds bad label ids."""


@dataclass
class Problem:
    """One bad file: where it is, what is wrong and how to fix it."""

    path: str
    what: str
    fix: str

    def line(self) -> str:
        return f'{self.path} {self.what}'


@dataclass
class DatasetFilesReport:
    """What :func:`check_dataset_files` found in one dataset.

    Attributes:
        split: ``'train'``, ``'val'`` or ``'test'``.
        dataset: the dataset type and image folder, for messages.
        images: images listed by the dataset.
        labels: labels checked (0 when the pipeline loads none).
        num_classes: classes in the dataset's metainfo.
        classes_seen: class ids found in the labels (ignore index left out).
        cache_hits: files whose facts came from the cache.
        files_read: files read and decoded in this call.
        problems: every bad file, in the dataset's order (image before its
            label), orphan labels last.
    """

    split: str
    dataset: str
    images: int = 0
    labels: int = 0
    num_classes: int = 0
    classes_seen: List[int] = field(default_factory=list)
    cache_hits: int = 0
    files_read: int = 0
    problems: List[Problem] = field(default_factory=list)


def data_check_splits(cfg, mode: str) -> List[str]:
    """Dataloader splits a run in ``mode`` reads: train (plus val when a val loop is set)."""
    if mode not in ('train', 'val', 'test'):
        raise ValueError(f"mode must be 'train', 'val' or 'test', got {mode!r}")
    if mode == 'train':
        return ['train', 'val'] if cfg.get('val_cfg') and cfg.get('val_dataloader') else ['train']
    return [mode]


def leaf_dataset_cfgs(dataset_cfg) -> Iterable[dict]:
    """The datasets inside ``dataset_cfg``, wrappers (``dataset`` / ``datasets``) unwrapped."""
    if not isinstance(dataset_cfg, dict):
        return
    children = list(dataset_cfg.get('datasets') or [])
    if isinstance(dataset_cfg.get('dataset'), dict):
        children.append(dataset_cfg['dataset'])
    if not children:
        yield dataset_cfg
    for child in children:
        yield from leaf_dataset_cfgs(child)


def check_data(cfg, mode: str, raise_on_error: bool = True) -> List[DatasetFilesReport]:
    """Check the files of every dataset a run in ``mode`` uses.

    Args:
        cfg: the full config; ``cfg.data_check`` (see module doc) tunes or
            disables the check.
        mode: ``'train'``, ``'val'`` or ``'test'`` (see :func:`data_check_splits`).
        raise_on_error: raise on the first bad file (else only report).

    Returns:
        One report per dataset checked (empty when disabled).

    Raises:
        DataIntegrityError: one line naming the first bad file, what is wrong,
            how many more bad files there are and the fix.
    """
    options = _options(cfg.get('data_check'))
    if not options['enabled']:
        return []
    scope = cfg.get('default_scope') or 'mmseg'
    reports = []
    for split in data_check_splits(cfg, mode):
        dataloader = cfg.get(f'{split}_dataloader')
        if not isinstance(dataloader, dict):
            continue
        for dataset_cfg in leaf_dataset_cfgs(dataloader.get('dataset')):
            reports.append(check_dataset_files(dataset_cfg, split, options, scope))
    if raise_on_error:
        raise_first_problem(reports, getattr(cfg, 'filename', None))
    return reports


def format_reports(reports: List[DatasetFilesReport]) -> List[str]:
    """One summary line per dataset: images, labels, classes seen, cache use, bad files."""
    lines = []
    for r in reports:
        seen = ' '.join(map(str, r.classes_seen)) or '-'
        lines.append(
            f'{r.split}: {r.dataset}: {r.images} images, {r.labels} labels, '
            f'classes seen {len(r.classes_seen)}/{r.num_classes} ({seen}), '
            f'files read {r.files_read}, cache hits {r.cache_hits}, bad files {len(r.problems)}'
        )
    return lines


def check_config_data(
    config_path: str, mode: str = 'train', options: dict | None = None, list_problems=False
) -> List[DatasetFilesReport]:
    """What ``tools/misc/check_dataset.py`` does: check, print a summary, raise on bad data.

    Runs even when the config disables ``data_check``.

    Raises:
        DataIntegrityError: see :func:`check_data`.
    """
    from attn_unet.engine.cli import load_config

    from .layout import check_dataset_cfg

    cfg = load_config(config_path, options)
    cfg.data_check = {**(cfg.get('data_check') or {}), 'enabled': True}
    for split in data_check_splits(cfg, mode):
        check_dataset_cfg((cfg.get(f'{split}_dataloader') or {}).get('dataset'))
    reports = check_data(cfg, mode, raise_on_error=False)
    for line in format_reports(reports):
        print(line)
    if list_problems:
        for report in reports:
            for problem in report.problems:
                print(f'bad {report.split} file: {problem.line()}')
    raise_first_problem(reports, config_path)
    print(f'data OK: {sum(r.images for r in reports)} images in {len(reports)} datasets')
    return reports


def _options(data_check) -> dict:
    """``data_check`` merged over the defaults; unknown keys and wrong types refused."""
    if data_check is None:
        data_check = {}
    if not isinstance(data_check, dict):
        raise DataIntegrityError(
            f'data_check must be a dict like {DATA_CHECK_DEFAULTS}, got {data_check!r}'
        )
    unknown = sorted(set(data_check) - set(DATA_CHECK_DEFAULTS))
    if unknown:
        raise DataIntegrityError(
            f'unknown data_check key {unknown[0]!r}: the keys are {", ".join(DATA_CHECK_DEFAULTS)}'
        )
    options = {**DATA_CHECK_DEFAULTS, **data_check}
    workers = options['num_workers']
    workers_ok = workers is None or (type(workers) is int and workers > 0)
    if not isinstance(options['enabled'], bool) or not workers_ok:
        raise DataIntegrityError(
            f'data_check.enabled must be True or False and data_check.num_workers a positive '
            f'integer or None, got {options["enabled"]!r} and {workers!r}'
        )
    return options


def raise_first_problem(reports: List[DatasetFilesReport], config_path: str | None) -> None:
    """Raise :class:`DataIntegrityError` for the first problem in ``reports``, if any."""
    problems = [(r.split, p) for r in reports for p in r.problems]
    if not problems:
        return
    split, first = problems[0]
    more = ''
    if len(problems) > 1:
        tool = f'python3 tools/misc/check_dataset.py {config_path or "CONFIG"} --list'
        more = f' ({len(problems) - 1} more bad files: {tool} lists them, same --cfg-options)'
    raise DataIntegrityError(f'{split} data: {first.line()}: {first.fix}{more}')


def check_dataset_files(
    dataset_cfg: dict, split: str, options: dict | None = None, scope: str = 'mmseg'
) -> DatasetFilesReport:
    """Check one (unwrapped) dataset config's files; see the module doc.

    Args:
        dataset_cfg: an mmseg dataset config (``type``, ``data_root``, ...).
        split: name used in the report and messages.
        options: ``data_check`` options (num_workers, cache_dir).
        scope: registry scope the dataset type is looked up in.

    Returns:
        The report; folder-level problems (missing, unreadable, a symlink
        loop, no images) are raised at once.

    Raises:
        DataIntegrityError: for a folder that cannot be listed or holds no images.
    """
    options = {**DATA_CHECK_DEFAULTS, **(options or {})}
    data_root = dataset_cfg.get('data_root')
    if data_root and osp.exists(data_root) and not osp.isdir(data_root):
        raise DataIntegrityError(
            f'{split} data: data_root {data_root} is a file, not a folder: point data_root '
            'at the dataset folder'
        )
    dataset = _build_lazy(dataset_cfg, scope)
    img_dir = dataset.data_prefix.get('img_path') or ''
    ann_dir = dataset.data_prefix.get('seg_map_path')
    report = DatasetFilesReport(split, f'{type(dataset).__name__} {img_dir or "."}')
    if dataset.backend_args and dataset.backend_args.get('backend', 'local') != 'local':
        return report
    pipeline_types = _transform_types(dataset_cfg.get('pipeline') or [])
    needs_labels = ann_dir is not None and (
        not pipeline_types or any('Annotation' in name for name in pipeline_types)
    )
    by_folder = not (dataset.ann_file and not osp.isdir(dataset.ann_file))
    if by_folder:
        _list_files(img_dir or '.', dataset.img_suffix, split)  # one line for bad folders
    labels_on_disk = (
        _list_files(ann_dir or '.', dataset.seg_map_suffix, split)
        if needs_labels and by_folder
        else None
    )
    try:
        data_list = dataset.load_data_list()
    except (AssertionError, OSError) as exc:
        raise DataIntegrityError(
            f'{split} data: {type(dataset).__name__} cannot list its files ({_one_line(exc)}): '
            'check data_root, data_prefix and ann_file in the config'
        ) from exc
    if not data_list:
        raise DataIntegrityError(
            f'{split} data: no *{dataset.img_suffix} images in {img_dir or "."}'
            f'{" (listed by " + dataset.ann_file + ")" if dataset.ann_file else ""}: '
            'check data_root, data_prefix.img_path and img_suffix in the config'
        )
    report.images = len(data_list)
    load_image = _find_transform(dataset_cfg.get('pipeline') or [], 'LoadImageFromFile')
    load_labels = _find_transform(dataset_cfg.get('pipeline') or [], 'Annotation')
    image_key = dict(
        kind='image',
        backend=load_image.get('imdecode_backend', 'cv2'),
        flag=load_image.get('color_type', 'color'),
    )
    label_key = dict(kind='label', backend=load_labels.get('imdecode_backend', 'pillow'))
    jobs = [(info['img_path'], image_key) for info in data_list]
    if needs_labels:
        jobs += [(info['seg_map_path'], label_key) for info in data_list]
    facts = _FactsCache(options, img_dir, ann_dir).read_all(jobs, options['num_workers'])
    report.cache_hits = facts.hits
    report.files_read = facts.reads

    report.num_classes = len(dataset.metainfo.get('classes') or ())
    id_rules = _allowed_ids(dataset)
    for info in data_list:
        report.problems += _file_problems(info['img_path'], facts[info['img_path']], 'image')
        if needs_labels:
            report.labels += 1
            report.problems += _pair_problems(info, facts, dataset, id_rules, report.classes_seen)
    if labels_on_disk is not None:
        report.problems += _orphan_labels(dataset, data_list, labels_on_disk, img_dir, ann_dir)
    report.classes_seen.sort()
    return report


def _pair_problems(info: dict, facts, dataset, id_rules, classes_seen: List[int]) -> List[Problem]:
    """Problems of one label against its image; adds its class ids to ``classes_seen``.

    ``id_rules`` is :func:`_allowed_ids` of ``dataset``.
    """
    image, label = facts[info['img_path']], facts[info['seg_map_path']]
    problems = _file_problems(info['seg_map_path'], label, 'label')
    if problems or 'size' not in image:
        return problems
    if tuple(label['size']) != tuple(image['size']):
        problems.append(_size_problem(info, image['size'], label['size']))
    allowed, mapping = id_rules
    ids = {mapping.get(i, i) for i in label['ids']}
    bad = sorted(ids - allowed)
    if bad:
        problems.append(_id_problem(info['seg_map_path'], bad, dataset))
    num_classes = len(dataset.metainfo.get('classes') or ())
    classes_seen += sorted(ids.difference(classes_seen) & set(range(num_classes)))
    return problems


def _build_lazy(dataset_cfg: dict, scope: str):
    """The dataset object, built without listing its files (``lazy_init=True``)."""
    from mmengine.registry import DefaultScope

    from attn_unet.registry import DATASETS

    cfg = dict(dataset_cfg, lazy_init=True)
    try:
        # mmengine's default scope is process-global: threads must not build at once.
        with _BUILD_LOCK, DefaultScope.overwrite_default_scope(scope):
            return DATASETS.build(cfg)
    except (KeyError, TypeError, ValueError, AssertionError) as exc:
        raise DataIntegrityError(
            f'cannot build dataset {dataset_cfg.get("type")!r} ({_one_line(exc)}): '
            'check its type and arguments in the config'
        ) from exc


def _list_files(folder: str, suffix: str, split: str) -> List[str]:
    """Relative paths of the files ending in ``suffix`` under ``folder``, as mmengine lists them.

    Symlinked folders are followed, hidden files skipped; a symlink loop, an
    unreadable folder or a ``folder`` that is not a folder raise one line.
    """
    if not osp.exists(folder):
        raise DataIntegrityError(
            f'{split} data: folder {folder} does not exist: check data_root and data_prefix '
            'in the config'
        )
    if not osp.isdir(folder):
        raise DataIntegrityError(
            f'{split} data: {folder} is a file, not a folder: point data_root / data_prefix '
            'at the dataset folder'
        )
    found, visited, stack = [], set(), [folder]
    while stack:
        current = stack.pop()
        real = osp.realpath(current)
        if real in visited:
            raise DataIntegrityError(
                f'{split} data: symlink loop at {current} (it leads back to {real}): '
                'remove the link or point it outside the dataset'
            )
        visited.add(real)
        try:
            entries = list(os.scandir(current))
        except OSError as exc:
            raise DataIntegrityError(
                f'{split} data: cannot read folder {current} ({exc.strerror or exc}): '
                'fix its permissions (chmod -R a+rX) or the path in the config'
            ) from exc
        for entry in entries:
            if osp.isdir(entry.path):
                stack.append(entry.path)
            elif not entry.name.startswith('.') and entry.name.endswith(suffix):
                found.append(osp.relpath(entry.path, folder))
    return sorted(found)


def _transform_types(pipeline) -> List[str]:
    """Type names of every transform in ``pipeline``, nested ones (TestTimeAug) included."""
    names = []
    for step in pipeline if isinstance(pipeline, (list, tuple)) else [pipeline]:
        if isinstance(step, (list, tuple)):
            names += _transform_types(step)
        elif isinstance(step, dict):
            kind = step.get('type')
            names.append(kind if isinstance(kind, str) else getattr(kind, '__name__', ''))
            names += _transform_types(step.get('transforms') or [])
    return names


def _find_transform(pipeline, name_part: str) -> dict:
    """The first transform config whose type contains ``name_part`` ({} if none)."""
    for step in pipeline if isinstance(pipeline, (list, tuple)) else [pipeline]:
        if isinstance(step, (list, tuple)):
            found = _find_transform(step, name_part)
        elif isinstance(step, dict):
            kind = step.get('type')
            kind = kind if isinstance(kind, str) else getattr(kind, '__name__', '')
            if name_part in kind:
                return step
            found = _find_transform(step.get('transforms') or [], name_part)
        else:
            continue
        if found:
            return found
    return {}


def _allowed_ids(dataset) -> tuple:
    """``(allowed ids, {raw id: id the loader gives})`` for ``dataset``'s labels.

    mmseg's LoadAnnotations reads a label as uint8, then with
    ``reduce_zero_label`` maps 0 to 255 and shifts the others down by one,
    then applies ``label_map``.
    """
    num_classes = len(dataset.metainfo.get('classes') or ())
    mapping = {}
    for raw in range(256):
        value = raw
        if dataset.reduce_zero_label:
            value = _REDUCED_ZERO if raw in (0, 255) else raw - 1
        if dataset.label_map:
            value = dataset.label_map.get(value, value)
        if value != raw:
            mapping[raw] = value
    return set(range(num_classes)) | {dataset.ignore_index}, mapping


def _file_problems(path: str, facts: dict, kind: str) -> List[Problem]:
    if 'missing' in facts:
        fix = (
            'restore the label or remove its image (for Cityscapes run '
            'tools/dataset_converters/cityscapes.py DATA_ROOT)'
            if kind == 'label'
            else 'restore the image or fix ann_file'
        )
        return [Problem(path, f'is missing ({kind} of the dataset)', fix)]
    if 'unreadable' in facts:
        return [
            Problem(
                path,
                f'cannot be read ({facts["error"]})',
                f"fix the {kind} file's permissions (chmod a+r) or restore it",
            )
        ]
    if 'error' in facts:
        return [
            Problem(
                path,
                f'does not decode ({facts["error"]})',
                f'the {kind} is truncated or corrupt: copy or regenerate it',
            )
        ]
    if kind == 'label' and facts['channels'] != 1:
        return [
            Problem(
                path,
                f'has {facts["channels"]} channels',
                'labels must be single-channel id maps: convert color labels to class ids',
            )
        ]
    if kind == 'label' and facts['max'] > 255:
        return [
            Problem(
                path,
                f'holds id {facts["max"]} > 255, which mmseg wraps when it reads labels as uint8',
                'store class ids 0..254 (255 = ignore) in an 8-bit label',
            )
        ]
    return []


def _size_problem(info: dict, image_size, label_size) -> Problem:
    (ih, iw), (lh, lw) = image_size, label_size
    return Problem(
        info['seg_map_path'],
        f'is {lh}x{lw} but its image {info["img_path"]} is {ih}x{iw}',
        'regenerate the label at the size of its image',
    )


def _id_problem(path: str, bad: List[int], dataset) -> Problem:
    num_classes = len(dataset.metainfo.get('classes') or ())
    shown = ', '.join(map(str, bad[:5])) + (', ...' if len(bad) > 5 else '')
    reduced = ' after reduce_zero_label' if dataset.reduce_zero_label else ''
    return Problem(
        path,
        f'has ids {shown}{reduced} outside the {num_classes} classes (0..{num_classes - 1}) '
        f'and ignore index {dataset.ignore_index}',
        'map them to a class or to the ignore index (or fix classes / reduce_zero_label)',
    )


def _orphan_labels(dataset, data_list, labels_on_disk, img_dir, ann_dir) -> List[Problem]:
    listed = {osp.normpath(info['seg_map_path']) for info in data_list}
    problems = []
    for rel in labels_on_disk:
        path = osp.join(ann_dir, rel)
        if osp.normpath(path) in listed:
            continue
        stem = rel[: -len(dataset.seg_map_suffix)] if dataset.seg_map_suffix else rel
        image = osp.join(img_dir, stem + dataset.img_suffix)
        problems.append(
            Problem(
                path,
                f'has no image (expected {image})',
                'restore the image or move the label out of the dataset',
            )
        )
    return problems


def _one_line(exc: BaseException) -> str:
    return ' '.join(str(exc).split())[:160] or type(exc).__name__


def read_image_facts(path: str, backend: str = 'cv2', flag: str = 'color') -> dict:
    """``{'size': [h, w]}`` of an image as the loader will see it, or ``{'error': why}``.

    The size comes from the header (EXIF rotation applied when ``flag`` is
    not ``'unchanged'``, as mmcv does); PNGs are CRC-checked chunk by chunk,
    other formats decoded, so truncated files are caught.
    """
    from PIL import Image, UnidentifiedImageError

    with open(path, 'rb') as f:
        content = f.read()
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
        return dict(error=_one_line(exc))
    if rotated and flag != 'unchanged':
        width, height = height, width
    return dict(size=[height, width])


def _exif_orientation(img) -> int | None:
    """EXIF orientation from the header; PNG's getexif() would decode the whole image."""
    from PIL import Image

    if img.format != 'PNG':
        return img.getexif().get(_EXIF_ORIENTATION)
    exif = Image.Exif()
    if img.info.get('exif'):
        exif.load(img.info['exif'])
    return exif.get(_EXIF_ORIENTATION)


def _decode_with_mmcv(content: bytes, backend: str, flag: str) -> dict:
    import mmcv

    try:
        array = mmcv.imfrombytes(content, flag=flag, backend=backend)
    except Exception as exc:  # decoders raise many types
        return dict(error=_one_line(exc))
    if array is None:
        return dict(error=f'{backend} cannot decode it')
    return dict(size=list(array.shape[:2]))


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
        return dict(error=_one_line(exc))
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


def _read_facts(path: str, key: dict) -> dict:
    if key['kind'] == 'image':
        return read_image_facts(path, key['backend'], key['flag'])
    return read_label_facts(path, key['backend'])


class _FactsCache:
    """Facts of files keyed by path, byte size and mtime, in one JSON file per dataset.

    The file lives in ``cache_dir`` (or ``$ATTN_UNET_CACHE_DIR``, or
    ``~/.cache/attn_unet/data_check``); it is replaced atomically, a damaged
    or unwritable cache is ignored, and concurrent writers only lose each
    other's new entries.
    """

    def __init__(self, options: dict, img_dir: str, ann_dir: str | None):
        folder = (
            options.get('cache_dir')
            or os.environ.get(CACHE_ENV)
            or osp.join(osp.expanduser('~'), '.cache', 'attn_unet', 'data_check')
        )
        name = hashlib.sha1(f'{osp.abspath(img_dir)}|{ann_dir}'.encode()).hexdigest()[:16]
        self.path = osp.join(folder, f'{name}.json')
        self.entries = self._load()
        self.facts: dict = {}
        self.hits = self.reads = 0

    def _load(self) -> dict:
        try:
            with open(self.path) as f:
                data = json.load(f)
        except (OSError, ValueError):
            return {}
        ok = isinstance(data, dict) and data.get('version') == CACHE_VERSION
        return data.get('entries', {}) if ok else {}

    def __getitem__(self, path: str) -> dict:
        return self.facts[path]

    def read_all(self, jobs: list, num_workers: int | None) -> '_FactsCache':
        todo, fresh = [], {}
        for path, key in jobs:
            cache_key = f'{key["kind"]}|{key["backend"]}|{key.get("flag", "")}|{osp.abspath(path)}'
            try:
                stat = os.stat(path)
            except FileNotFoundError:
                self.facts[path] = dict(missing=True)
                continue
            except OSError as exc:
                self.facts[path] = dict(error=exc.strerror or str(exc), unreadable=True)
                continue
            stamp = [stat.st_size, stat.st_mtime_ns]
            cached = self.entries.get(cache_key)
            if cached and cached[0] == stamp:
                self.facts[path] = cached[1]
                self.hits += 1
            else:
                todo.append((path, key, cache_key, stamp))
        workers = num_workers or min(MAX_WORKERS, os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            results = pool.map(lambda job: _read_or_error(job[0], job[1]), todo)
            for (path, _, cache_key, stamp), facts in zip(todo, results):
                self.facts[path] = facts
                if 'error' not in facts:  # a bad file is re-read until it is fixed
                    fresh[cache_key] = [stamp, facts]
        self.reads = len(todo)
        if fresh:
            self._save(fresh)
        return self

    def _save(self, fresh: dict) -> None:
        entries = {**self._load(), **self.entries, **fresh}
        folder = osp.dirname(self.path)
        try:
            os.makedirs(folder, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=folder, prefix='.tmp-', suffix='.json')
            try:
                with os.fdopen(handle, 'w') as f:
                    json.dump(dict(version=CACHE_VERSION, entries=entries), f)
                os.replace(tmp, self.path)
            finally:
                if osp.exists(tmp):
                    os.unlink(tmp)
        except OSError:
            pass  # an unwritable cache only costs the next run a re-read


def _read_or_error(path: str, key: dict) -> dict:
    try:
        return _read_facts(path, key)
    except OSError as exc:
        return dict(error=exc.strerror or _one_line(exc), unreadable=True)
