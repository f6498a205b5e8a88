"""Which series of an input folder to segment, and the name each prediction gets.

The candidates are the image series of the modality the checkpoint reads (CT for a Synapse
or a CT-planned model, MR for a model of one MR channel). A folder that holds one such
series stands for it. One that holds several (a thin and a thick reconstruction, a contrast
phase, a repeat, several MR sequences) is refused with the list of series (UID,
description, slice count), unless ``--series UID`` names the ones to segment or
``--all-series`` asks for each of them, one output each. Outputs are named after the folder
the series' files are in, plus the SeriesNumber (or the UID) where two chosen series share
that folder name.
"""

import os.path as osp
from collections import Counter
from typing import Dict, List, Sequence

from attn_unet.errors import ToolError
from attn_unet.volumes.dicom import SeriesFiles

__all__ = ['choose_series', 'series_stems']


def choose_series(
    found: Dict[str, List[SeriesFiles]],
    series_uids: Sequence[str] = (),
    all_series: bool = False,
    modalities: Sequence[str] = ('CT',),
) -> List[SeriesFiles]:
    """The series to segment, of every input folder's series ``found[folder]``.

    Args:
        found: for each input folder, the series under it
            (:func:`attn_unet.volumes.dicom.read_series`).
        series_uids: ``--series``: exactly these (each must be a candidate found).
        all_series: ``--all-series``: every candidate.
        modalities: the image series that are candidates (``('CT',)``, ``('MR',)``).

    Raises:
        ToolError: a folder without a candidate; one with several and neither option; a
            ``--series`` UID that is not found, or a folder that holds none of them.
    """
    chosen, seen = [], set()
    kind = ' or '.join(modalities)
    candidates = {
        root: [s for s in all_ if s.is_image_of(modalities) and s.files]
        for root, all_ in found.items()
    }
    every = [s for series in candidates.values() for s in series]
    missing = [uid for uid in series_uids if uid not in {s.uid for s in every}]
    if missing:
        listed = '; '.join(s.describe() for s in every) or 'none'
        raise ToolError(
            f'--series {missing[0]} is not a {kind} series of the inputs (their {kind} series: '
            f'{listed}): pass one of those UIDs'
        )
    for root, series in candidates.items():
        if not series:
            raise ToolError(
                f'{root} holds no {kind} series ({_others(found[root])}): pass a folder of '
                f'{kind} slices, or a checkpoint that reads what it holds'
            )
        if series_uids:
            picked = [s for s in series if s.uid in series_uids]
            if not picked:
                raise ToolError(
                    f'{root} holds none of the --series given (its {kind} series: '
                    f'{"; ".join(s.describe() for s in series)}): add one of them, or leave '
                    'the folder out'
                )
        elif all_series or len(series) == 1:
            picked = series
        else:
            raise ToolError(
                f'{root} holds {len(series)} {kind} series: '
                f'{"; ".join(s.describe() for s in series)}: pass --series UID for the one to '
                'segment (repeat it for several), or --all-series for each'
            )
        chosen += [s for s in picked if (s.uid, s.folder) not in seen]  # a folder given twice
        seen.update((s.uid, s.folder) for s in picked)
    return chosen


def series_stems(chosen: Sequence[SeriesFiles]) -> List[str]:
    """The output stem of each series of ``chosen`` (same order): its folder's name, made
    unique among ``chosen`` by the SeriesNumber, or else the UID."""
    base = [osp.basename(s.folder) or 'series' for s in chosen]
    shared = Counter(base)
    stems = []
    for s, stem in zip(chosen, base):
        if shared[stem] > 1:
            numbers = [t.number for t, b in zip(chosen, base) if b == stem]
            unique_number = s.number is not None and numbers.count(s.number) == 1
            stem = f'{stem}_{s.number}' if unique_number else f'{stem}_{s.uid}'
        stems.append(stem)
    return stems


def _others(series: Sequence[SeriesFiles]) -> str:
    kinds = Counter(s.modality or 'unknown' for s in series if s.headers)
    localizers = sum(s.localizers for s in series)
    parts = [f'{n} {kind} series' for kind, n in sorted(kinds.items())]
    if localizers:
        parts.append(f'{localizers} localizer image(s)')
    return 'found: ' + (', '.join(parts) if parts else 'nothing readable')
