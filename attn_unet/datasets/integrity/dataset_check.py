"""Check one dataset's files: listed the way its mmseg class lists them, each one read.

:func:`check_dataset_files` builds the dataset lazily, lists its images and
labels with ``load_data_list`` (orphan labels by listing ``seg_map_path``),
reads every file's facts through the cache and reports one problem per bad
file: missing, unreadable or not decoding, a label whose size differs from
its image's, a label that is not single-channel or holds ids outside the
classes and the ignore index (after ``reduce_zero_label`` and ``label_map``).
"""

import os.path as osp
import threading
from typing import List

from attn_unet.errors import DataIntegrityError

from ..dataset_cfgs import find_transform, iter_transforms, transform_type
from ..file_listing import list_folder
from .facts_cache import FactsCache
from .options import DATA_CHECK_DEFAULTS
from .report import DatasetFilesReport, Problem, one_line

__all__ = ['check_dataset_files']

_REDUCED_ZERO = 255
_BUILD_LOCK = threading.Lock()


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
    pipeline_types = [transform_type(s) for s in iter_transforms(dataset_cfg.get('pipeline') or [])]
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
            f'{split} data: {type(dataset).__name__} cannot list its files ({one_line(exc)}): '
            'check data_root, data_prefix and ann_file in the config'
        ) from exc
    if not data_list:
        raise DataIntegrityError(
            f'{split} data: no *{dataset.img_suffix} images in {img_dir or "."}'
            f'{" (listed by " + dataset.ann_file + ")" if dataset.ann_file else ""}: '
            'check data_root, data_prefix.img_path and img_suffix in the config'
        )
    report.images = len(data_list)
    load_image = find_transform(dataset_cfg.get('pipeline') or [], 'LoadImageFromFile')
    load_labels = find_transform(dataset_cfg.get('pipeline') or [], 'Annotation')
    image_key = dict(
        kind='image',
        backend=load_image.get('imdecode_backend', 'cv2'),
        flag=load_image.get('color_type', 'color'),
    )
    label_key = dict(kind='label', backend=load_labels.get('imdecode_backend', 'pillow'))
    jobs = [(info['img_path'], image_key) for info in data_list]
    if needs_labels:
        jobs += [(info['seg_map_path'], label_key) for info in data_list]
    facts = FactsCache(options, img_dir, ann_dir).read_all(jobs, options['num_workers'])
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
            f'cannot build dataset {dataset_cfg.get("type")!r} ({one_line(exc)}): '
            'check its type and arguments in the config'
        ) from exc


def _list_files(folder: str, suffix: str, split: str) -> List[str]:
    """Relative paths of the files ending in ``suffix`` under ``folder``, as mmengine lists them."""
    return [name for name in list_folder(folder, f'{split} data') if name.endswith(suffix)]


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
