"""A raw set in the Medical Segmentation Decathlon or nnU-Net v2 layout: dataset.json, checked.

Both layouts hold ``imagesTr/``, ``labelsTr/``, ``imagesTs/`` and ``dataset.json``:

- **Decathlon (MSD)**: ``labels`` maps value to name (``{"0": "background", "1": "pancreas"}``),
  ``modality`` names the channels (``{"0": "CT"}``), ``training`` lists
  ``{"image": "./imagesTr/x.nii.gz", "label": "./labelsTr/x.nii.gz"}`` and ``test`` lists
  ``"./imagesTs/y.nii.gz"``. One image file holds every modality, along a 4th axis when there
  are several.
- **nnU-Net v2**: ``labels`` maps name to value (``{"background": 0, ...}``), ``channel_names``
  names the channels, ``numTraining`` counts the cases, ``file_ending`` is their suffix. Each
  channel is a file of its own (``imagesTr/CASE_0000.nii.gz``, ``CASE_0001``, ...) and the
  label is ``labelsTr/CASE.nii.gz``; the cases are the labels' names.

:func:`read_raw_set` reads ``dataset.json`` and checks, from file names alone, that it and
the folders agree: every listed file exists, every file is listed (hidden files such as the
``._*`` the Decathlon's tar archives carry are skipped), every case has all its channel
files, and the training list is not empty. nnU-Net's region-based labels (a name mapped to a
list of values) are refused: the network here is trained on classes, one per value.
nnU-Net's ``ignore`` label (a label named ``ignore``, any case) is kept apart
(:attr:`RawSet.ignore_value`), and refused unless, as nnU-Net requires, its value is the
highest.
"""

import json
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, Tuple

from attn_unet.errors import DatasetLayoutError
from attn_unet.volumes import NIFTI_ENDINGS, channel_file, is_nifti_path, nifti_stem

__all__ = ['DecathlonConvertError', 'RawCase', 'RawSet', 'read_raw_set']

DATASET_JSON = 'dataset.json'


class DecathlonConvertError(DatasetLayoutError):
    """A raw Decathlon or nnU-Net folder that cannot become a correct converted set."""


@dataclass(frozen=True)
class RawCase:
    """One case of a raw set.

    Attributes:
        case_id: Its name (``pancreas_001``; nnU-Net: the name before ``_0000``).
        images: Its image files: one per channel (nnU-Net), or one file holding every
            channel (Decathlon; a 4th axis when there are several).
        label: Its label file, or None for a test case.
    """

    case_id: str
    images: Tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True)
class RawSet:
    """A raw set as its ``dataset.json`` describes it, its files checked by name.

    Attributes:
        root: The raw folder.
        layout: ``'msd'`` (Decathlon) or ``'nnunet'`` (nnU-Net v2).
        name: The set's ``name`` in ``dataset.json`` (the folder's name without one).
        labels: ``{value: name}``, sorted by value; value 0 is the background.
        channels: The channel (modality) names, in channel order.
        training: The labelled cases, in ``dataset.json``'s (Decathlon) or name (nnU-Net) order.
        test: The unlabelled cases of ``imagesTs``.
    """

    root: str
    layout: str
    name: str
    labels: Dict[int, str]
    channels: Tuple[str, ...]
    training: Tuple[RawCase, ...]
    test: Tuple[RawCase, ...]

    @property
    def ignore_value(self) -> int | None:
        """The value of nnU-Net's ``ignore`` label (unlabelled voxels), or None."""
        return next((v for v, n in self.labels.items() if _is_ignore(n)), None)

    @property
    def stacked_channels(self) -> bool:
        """Whether one image file holds every channel (the Decathlon's 4D images)."""
        return self.layout == 'msd'


def read_raw_set(root) -> RawSet:
    """Read and check ``root/dataset.json`` and the files it names.

    Raises:
        DecathlonConvertError: One line naming what is wrong and the fix: the folder or
            ``dataset.json`` missing or unreadable, a layout that is neither Decathlon nor
            nnU-Net, region-based or unnamed labels, a listed file missing, a file not
            listed, a case without all its channel files, or no training case.
    """
    root = osp.normpath(str(root))
    if not osp.isdir(root):
        raise DecathlonConvertError(
            f"raw folder '{root}' not found: pass the folder holding dataset.json, imagesTr/ "
            'and labelsTr/ (a Decathlon TaskXX_Name folder or an nnU-Net DatasetXXX_Name folder)'
        )
    meta = _read_dataset_json(root)
    if 'channel_names' in meta:
        return _read_nnunet(root, meta)
    if 'modality' in meta:
        return _read_msd(root, meta)
    raise DecathlonConvertError(
        f'{osp.join(root, DATASET_JSON)} has neither "modality" (Decathlon) nor "channel_names" '
        '(nnU-Net v2): name the input channels, e.g. "modality": {"0": "CT"}'
    )


def _read_dataset_json(root: str) -> dict:
    path = osp.join(root, DATASET_JSON)
    if not osp.isfile(path):
        raise DecathlonConvertError(
            f'no {DATASET_JSON} in {root}: a Decathlon or nnU-Net raw folder describes its '
            'labels, channels and cases there; write one (see docs/en/data.md)'
        )
    try:
        with open(path, encoding='utf-8') as f:
            meta = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = ' '.join(str(exc).split())[:120]
        raise DecathlonConvertError(
            f'cannot read {path} ({reason}): fix the JSON (or copy the file again)'
        ) from exc
    if not isinstance(meta, dict):
        raise DecathlonConvertError(f'{path} is not a JSON object: write {{"labels": ..., ...}}')
    return meta


def _read_msd(root: str, meta: dict) -> RawSet:
    where = osp.join(root, DATASET_JSON)
    labels = _labels_by_value(meta.get('labels'), where, msd=True)
    channels = _channel_names(meta.get('modality'), where, 'modality')
    training = meta.get('training')
    if not isinstance(training, list) or not training:
        raise DecathlonConvertError(
            f'{where} lists no training case ("training" is empty or missing): list '
            '{"image": "./imagesTr/x.nii.gz", "label": "./labelsTr/x.nii.gz"} per labelled case'
        )
    cases, seen = [], {}
    for index, entry in enumerate(training):
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ('image', 'label')
        ):
            raise DecathlonConvertError(
                f'{where}: training entry {index} is not {{"image": ..., "label": ...}}: fix it'
            )
        image = _listed_file(root, entry['image'], where, 'training')
        label = _listed_file(root, entry['label'], where, 'training')
        cases.append(RawCase(_case_id(image), (image,), label))
        _once(cases[-1].case_id, seen, where, 'training')
    _check_count(meta, len(cases), where)
    test = []
    for entry in meta.get('test') or []:
        path = entry.get('image') if isinstance(entry, dict) else entry
        if not isinstance(path, str):
            raise DecathlonConvertError(f'{where}: a test entry is not a path: fix it')
        image = _listed_file(root, path, where, 'test')
        test.append(RawCase(_case_id(image), (image,)))
        _once(test[-1].case_id, seen, where, 'training and test')
    _refuse_unlisted(root, 'imagesTr', {c.images[0] for c in cases}, 'training')
    _refuse_unlisted(root, 'labelsTr', {c.label for c in cases}, 'training')
    _refuse_unlisted(root, 'imagesTs', {c.images[0] for c in test}, 'test')
    name = str(meta.get('name') or osp.basename(root))
    return RawSet(root, 'msd', name, labels, channels, tuple(cases), tuple(test))


def _read_nnunet(root: str, meta: dict) -> RawSet:
    where = osp.join(root, DATASET_JSON)
    labels = _labels_by_value(meta.get('labels'), where, msd=False)
    channels = _channel_names(meta.get('channel_names'), where, 'channel_names')
    ending = meta.get('file_ending')
    if not isinstance(ending, str) or ending.lower() not in NIFTI_ENDINGS:
        raise DecathlonConvertError(
            f'{where} has file_ending {ending!r}: this converter reads NIfTI volumes, set '
            '"file_ending": ".nii.gz" (convert other formats to NIfTI first)'
        )
    label_dir = osp.join(root, 'labelsTr')
    labels_found = {nifti_stem(n): osp.join(label_dir, n) for n in _names(label_dir, ending)}
    case_ids = sorted(labels_found)
    if not case_ids:
        raise DecathlonConvertError(
            f'no *{ending} label in {label_dir}: an nnU-Net raw set needs labelsTr/CASE{ending} '
            f'per training case (and imagesTr/CASE_0000{ending} per channel)'
        )
    images = _channel_files_in(root, 'imagesTr', ending)
    cases = [
        RawCase(case, _case_channels(root, 'imagesTr', images, case, len(channels), ending),
                labels_found[case])
        for case in case_ids
    ]  # fmt: skip
    _check_count(meta, len(cases), where, required=True)
    _refuse_stray_channels(root, 'imagesTr', images, set(case_ids), len(channels), ending)
    tests = _channel_files_in(root, 'imagesTs', ending)
    test_ids = sorted({case for case, _ in tests})
    test = [
        RawCase(case, _case_channels(root, 'imagesTs', tests, case, len(channels), ending))
        for case in test_ids
    ]
    _refuse_stray_channels(root, 'imagesTs', tests, set(test_ids), len(channels), ending)
    name = str(meta.get('name') or meta.get('dataset_name') or osp.basename(root))
    return RawSet(root, 'nnunet', name, labels, channels, tuple(cases), tuple(test))


def _labels_by_value(labels, where: str, msd: bool) -> Dict[int, str]:
    """``{value: name}`` from either layout's ``labels``, background 0 included."""
    example = '{"0": "background", "1": "pancreas"}' if msd else '{"background": 0, "pancreas": 1}'
    if not isinstance(labels, dict) or not labels:
        raise DecathlonConvertError(
            f'{where} has no "labels": name every label value, e.g. {example}'
        )
    by_value = {}
    for key, value in labels.items():
        if isinstance(value, (list, tuple)):
            raise DecathlonConvertError(
                f"{where}: label {key!r} is a region ({value}), nnU-Net's region-based training: "
                'this converter trains one class per label value; map each value to one name'
            )
        name, number = (value, key) if msd else (key, value)
        try:
            number = int(number) if not isinstance(number, bool) else None
        except (TypeError, ValueError):
            number = None
        if number is None or number < 0 or number > 255 or not isinstance(name, str):
            raise DecathlonConvertError(
                f'{where}: label {key!r}: {value!r} is not a name and a value 0..255: write '
                f'"labels" as {example}'
            )
        if number in by_value:
            raise DecathlonConvertError(
                f'{where}: label value {number} is named twice ({by_value[number]!r} and '
                f'{name!r}): give each value one name'
            )
        by_value[number] = name
    if 0 not in by_value:
        raise DecathlonConvertError(
            f'{where}: no label has value 0: name the background, e.g. {example}'
        )
    _check_ignore(by_value, where)
    return dict(sorted(by_value.items()))


def _is_ignore(name: str) -> bool:
    return name.strip().lower() == 'ignore'


def _check_ignore(by_value: Dict[int, str], where: str) -> None:
    """nnU-Net's rule: one ``ignore`` label, the highest value, not the background's 0."""
    ignored = sorted(v for v, n in by_value.items() if _is_ignore(n))
    if not ignored:
        return
    if len(ignored) > 1:
        raise DecathlonConvertError(
            f'{where}: label values {ignored} are all named "ignore": nnU-Net has one ignore '
            'label; give the unlabelled voxels one value'
        )
    value, highest = ignored[0], max(by_value)
    if value != highest or value == 0:
        raise DecathlonConvertError(
            f'{where}: the "ignore" label has value {value}, but nnU-Net\'s ignore label must '
            f'be the highest label value (here {highest}) and not the background: relabel '
            f'the unlabelled voxels with a value above every class (e.g. {highest + 1})'
        )


def _channel_names(channels, where: str, key: str) -> Tuple[str, ...]:
    if not isinstance(channels, dict) or not channels:
        raise DecathlonConvertError(
            f'{where} has no "{key}": name the channels, e.g. {{"0": "CT"}}'
        )
    try:
        indices = sorted(int(k) for k in channels)
    except (TypeError, ValueError):
        indices = None
    if indices != list(range(len(channels))):
        raise DecathlonConvertError(
            f'{where}: "{key}" keys {sorted(channels)} are not 0, 1, ...: number the channels '
            'from 0, e.g. {"0": "CT"}'
        )
    return tuple(str(channels[k]) for k in sorted(channels, key=int))


def _listed_file(root: str, listed: str, where: str, what: str) -> str:
    path = osp.normpath(osp.join(root, listed))
    if not osp.isfile(path):
        kind = 'a folder' if osp.isdir(path) else 'missing'
        raise DecathlonConvertError(
            f'{where} lists {listed} in "{what}" but {path} is {kind}: restore the file or '
            f'remove its entry from "{what}"'
        )
    if not is_nifti_path(path):
        raise DecathlonConvertError(
            f'{where} lists {listed}, not a NIfTI file (.nii.gz, .nii): convert it to NIfTI'
        )
    return path


def _case_id(path: str) -> str:
    return nifti_stem(path)


def _once(case: str, seen: dict, where: str, what: str) -> None:
    if case in seen:
        raise DecathlonConvertError(
            f'{where}: case {case} is listed twice in "{what}": list each case once'
        )
    seen[case] = True


def _check_count(meta: dict, count: int, where: str, required: bool = False) -> None:
    listed = meta.get('numTraining')
    if listed is None and not required:
        return
    if listed != count:
        raise DecathlonConvertError(
            f'{where} says numTraining {listed!r} but {count} training cases are there: set '
            f'"numTraining": {count} (or restore the missing cases)'
        )


def _names(folder: str, ending: str | None = None) -> list:
    """Visible file names in ``folder`` (none when it does not exist), those ending in
    ``ending`` (any case) only when given."""
    if not osp.isdir(folder):
        return []
    return sorted(
        n
        for n in os.listdir(folder)
        if not n.startswith('.')
        and osp.isfile(osp.join(folder, n))
        and (ending is None or n.lower().endswith(ending.lower()))
    )


def _refuse_unlisted(root: str, folder: str, listed: set, what: str) -> None:
    for name in _names(osp.join(root, folder)):
        path = osp.join(root, folder, name)
        if path not in listed:
            raise DecathlonConvertError(
                f'{folder}/{name} in {root} is not one of the {what} cases dataset.json lists: '
                f'list it in dataset.json, or move it out of {folder}/'
            )


def _channel_files_in(root: str, folder: str, ending: str) -> Dict[tuple, str]:
    """``{(case, channel): path}`` of every visible file in ``root/folder``.

    Raises:
        DecathlonConvertError: a file not named ``CASE_XXXX<ending>`` (any case).
    """
    found = {}
    for name in _names(osp.join(root, folder)):
        parsed = channel_file(name) if name.lower().endswith(ending.lower()) else None
        if parsed is None:
            raise DecathlonConvertError(
                f'{folder}/{name} in {root} is not named CASE_XXXX{ending} (XXXX the 4-digit '
                'channel): rename it, or move it out'
            )
        found[parsed] = osp.join(root, folder, name)
    return found


def _refuse_stray_channels(
    root: str, folder: str, files: Dict[tuple, str], cases: set, channels: int, ending: str
) -> None:
    """Refuse an image file of no case (no label) or of a channel ``channel_names`` lacks."""
    for (case, channel), path in sorted(files.items()):
        name = osp.basename(path)
        if case not in cases:
            raise DecathlonConvertError(
                f"{folder}/{name} in {root} has no label labelsTr/{case}{ending} (nnU-Net's "
                'training cases are the labels): add the label, or move the image out'
            )
        if channel >= channels:
            raise DecathlonConvertError(
                f'{folder}/{name} in {root} is channel {channel} but channel_names names '
                f'{channels} channel(s): add the channel to channel_names, or move the file out'
            )


def _case_channels(
    root: str, folder: str, files: Dict[tuple, str], case: str, channels: int, ending: str
) -> tuple:
    for channel in range(channels):
        if (case, channel) not in files:
            raise DecathlonConvertError(
                f'case {case} has no channel {channel} file {folder}/{case}_{channel:04d}{ending} '
                f'in {root} (channel_names names {channels} channel(s)): add it, or remove the '
                "case's other files"
            )
    return tuple(files[(case, channel)] for channel in range(channels))
