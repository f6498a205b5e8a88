"""One pipeline per split: the config's top-level copy and its dataloaders' copies agree.

An mmseg config defines ``train_pipeline`` / ``test_pipeline`` once and hands them to the
dataloaders; parsing copies them, so ``--cfg-options
test_dataloader.dataset.pipeline.1.scale=(96,96)`` changes the loader's copy only. The test
loop then runs at 96 while the config dumped beside the results keeps ``test_pipeline`` at
the old scale, and ``mmseg.apis.inference_model`` (``tools/image_demo.py``, the attention
tools), which reads ``cfg.test_pipeline``, segments with the new checkpoint at the old
scale. The same holds for ``train_pipeline`` and the val loader.

:func:`reconcile_pipelines` compares the config before and after the overrides: the copies
that were one pipeline in the config as written (``test_pipeline`` and the val and test
loaders' pipelines; ``train_pipeline`` and the train loader's) take the override of any of
them. Overrides that give two copies different values keep them apart, and
``test_pipeline`` (``train_pipeline``) follows the test (train) loader; where that is
ambiguous the overrides are refused.
"""

import copy
import os.path as osp
from typing import List

from mmengine.config import Config

from attn_unet.datasets.dataset_cfgs import split_dataset_cfgs
from attn_unet.errors import ConfigValueError

__all__ = [
    'PIPELINE_GROUPS',
    'pipeline_copies_disagree',
    'reconcile_pipelines',
    'reconcile_with_config_file',
]

# top-level name -> the dataloader splits that receive it, the one it describes first
PIPELINE_GROUPS = (('train_pipeline', ('train',)), ('test_pipeline', ('test', 'val')))


class _Copy:
    """One copy of a pipeline: ``container[key]``, named ``label`` for messages."""

    def __init__(self, label: str, container, key: str) -> None:
        self.label, self.container, self.key = label, container, key

    @property
    def value(self):
        return self.container.get(self.key)

    def set(self, value) -> None:
        self.container[self.key] = copy.deepcopy(value)


def _copies(cfg, name: str, splits) -> List[_Copy]:
    """The top-level copy, then each leaf dataset's pipeline of ``splits``, in order."""
    copies = [_Copy(name, cfg, name)]
    for split in splits:
        leaves = [leaf for leaf in split_dataset_cfgs(cfg, split) if 'pipeline' in leaf]
        for i, leaf in enumerate(leaves):
            where = f'{split}_dataloader.dataset' + (f' (dataset {i})' if len(leaves) > 1 else '')
            copies.append(_Copy(f'{where}.pipeline', leaf, 'pipeline'))
    return copies


def pipeline_copies_disagree(cfg) -> bool:
    """Whether a loader's pipeline differs from the top-level copy it was given."""
    for name, splits in PIPELINE_GROUPS:
        if cfg.get(name) is None:
            continue
        copies = _copies(cfg, name, splits)
        if any(c.value != copies[0].value for c in copies[1:]):
            return True
    return False


def reconcile_pipelines(cfg, written) -> None:
    """Give every copy of a pipeline the override of any one of them (in place).

    Args:
        cfg: the config after the overrides were merged.
        written: the same config before them (as its file defines it).

    Raises:
        ConfigValueError: overrides that leave ``test_pipeline`` (``train_pipeline``)
            and the test (train) loader's pipeline different, with no way to tell
            which one is meant.
    """
    for name, splits in PIPELINE_GROUPS:
        original = written.get(name)
        if original is None or cfg.get(name) is None:
            continue
        now, before = _copies(cfg, name, splits), _copies(written, name, splits)
        if [c.label for c in now] != [c.label for c in before]:
            continue  # the overrides changed the datasets' structure; nothing to pair
        group = [new for new, old in zip(now, before) if old.value == original]
        changed = [c for c in group if c.value != original]
        if not changed:
            continue
        values = []
        for c in changed:
            if c.value not in values:
                values.append(c.value)
        if len(values) == 1:
            for c in group:
                c.set(values[0])
            continue
        _follow_primary(group, changed, splits[0])


def reconcile_with_config_file(cfg) -> None:
    """Reconcile pipeline copies that ``--cfg-options`` merged elsewhere left apart.

    This repository's tools reconcile as they merge (``attn_unet.apis.load_config``);
    mmseg's own ``tools/train.py`` merges itself, so its config is compared with the
    file it came from.
    """
    filename = getattr(cfg, 'filename', None)
    if not pipeline_copies_disagree(cfg) or not filename or not osp.isfile(filename):
        return
    reconcile_pipelines(cfg, Config.fromfile(filename))


def _follow_primary(group: List[_Copy], changed: List[_Copy], primary_split: str) -> None:
    """Several different overrides: the top-level copy must describe the primary loader."""
    top = group[0]
    primary = next((c for c in group if c.label.startswith(f'{primary_split}_dataloader')), None)
    if top not in changed and primary in changed:
        top.set(primary.value)
        return
    if top in changed and (primary is None or primary.value == top.value):
        return
    labels = ', '.join(c.label for c in changed)
    raise ConfigValueError(
        f'--cfg-options give {labels} different values, so {top.label} and the '
        f"{primary_split} loader's pipeline would disagree (inference_model reads "
        f"{top.label}, the {primary_split} loop its loader's): override one of them, or give "
        f'{top.label} and {primary.label if primary else "it"} the same value'
    )
