"""A checkpoint file read once and checked, and its weights held to a model.

:func:`load_checkpoint_file` loads a file once with torch's safe loader and turns every
failure into one line (a folder, a damaged file, a whole pickled model, non-finite weights);
:func:`check_state_dict_fits` refuses weights that do not fit the model. Training (a resume,
``load_from``), testing and inference (:func:`attn_unet.apis.load_segmentor`) all read
checkpoints so. Writing one whole is :mod:`attn_unet.fileio`'s (see
``AttnUNetRunner.save_checkpoint``).
"""

import os.path as osp
import re
import sys
from typing import Dict, List, Mapping, Tuple

import torch
import torch.nn as nn

from attn_unet.errors import CheckpointError

from .finite_weights import first_non_finite
from .run_folder import newest_checkpoint

__all__ = ['check_state_dict_fits', 'load_checkpoint_file', 'model_state_dict']

# Keys a UNet checkpoint lacks when it initialises an AttentionUNet (the documented path):
# the gates start fresh, everything else must fit.
FRESH_WHEN_FROM_UNET = 'backbone.attention_gates.'
BN_COUNTER = 'num_batches_tracked'
TRAINING_STATE_KEYS = ('state_dict', 'optimizer', 'meta')
_SHOWN_KEYS = 3
_TERMINAL_CODES = re.compile(r'\x1b\[[0-9;]*[A-Za-z]')
# torch's weights-only loader names the class it refused: "Unsupported global: GLOBAL a.b.C"
_REFUSED_GLOBAL = re.compile(r'GLOBAL ([\w.]+)')


def _reason(exc: BaseException) -> str:
    return ' '.join(_TERMINAL_CODES.sub('', str(exc)).split())[:120] or type(exc).__name__


def _is_module_class(dotted_name: str) -> bool:
    """Whether ``a.b.C`` names an ``nn.Module`` class of a module already imported."""
    module_name, _, attr = dotted_name.rpartition('.')
    value = getattr(sys.modules.get(module_name), attr, None)
    return isinstance(value, type) and issubclass(value, nn.Module)


def _unreadable(path: str, purpose: str, exc: BaseException) -> CheckpointError:
    refused = _REFUSED_GLOBAL.search(str(exc))
    if refused and _is_module_class(refused.group(1)):
        return CheckpointError(
            f'{purpose} checkpoint {path} is a whole pickled model ({refused.group(1)}, as '
            'torch.save(model) writes), not a checkpoint: save its weights with '
            'torch.save(model.state_dict(), path), or use a checkpoint written by tools/train.py'
        )
    if refused:
        return CheckpointError(
            f'{purpose} checkpoint {path} holds a pickled {refused.group(1)} object, which the '
            'safe loader does not read: save only tensors (model.state_dict()), or use a '
            'checkpoint written by tools/train.py'
        )
    return CheckpointError(
        f'{purpose} checkpoint {path} is corrupt or truncated ({_reason(exc)}): use another '
        'checkpoint, e.g. an earlier iter_*.pth, or re-download it'
    )


def _folder_hint(folder: str) -> str:
    newest = newest_checkpoint(folder)
    return f', e.g. {newest}' if newest else ''


def load_checkpoint_file(path: str, purpose: str = 'test', need_training_state: bool = False):
    """Read a checkpoint once, refusing what cannot be used for ``purpose``.

    Args:
        path: checkpoint file.
        purpose: what it is loaded for (``'test'``, ``'load_from'``,
            ``'resume'``), named in the messages.
        need_training_state: also require the optimizer state and meta a
            resume needs.

    Returns:
        The loaded dict: a training checkpoint, or for ``test`` and
        ``load_from`` also a bare ``model.state_dict()`` (as mmseg accepts).

    Raises:
        CheckpointError: one line naming the file and the fix: missing, a folder,
            damaged, a whole pickled model, not a training checkpoint, or holding
            non-finite weights.
    """
    if osp.isdir(path):
        raise CheckpointError(
            f'{purpose} checkpoint {path} is a folder, not a file: pass the .pth file in it'
            f'{_folder_hint(path)}'
        )
    if not osp.isfile(path):
        raise CheckpointError(
            f'{purpose} checkpoint {path} does not exist: pass the path of a saved .pth file'
        )
    try:
        checkpoint = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as exc:  # torch raises several types for damaged files
        raise _unreadable(path, purpose, exc) from exc
    if not isinstance(checkpoint, Mapping):
        raise CheckpointError(f'{purpose} checkpoint {path} is not a checkpoint dict')
    is_raw_state_dict = bool(checkpoint) and all(torch.is_tensor(v) for v in checkpoint.values())
    required = TRAINING_STATE_KEYS if need_training_state else ('state_dict',)
    missing = [key for key in required if key not in checkpoint]
    if missing and not (is_raw_state_dict and not need_training_state):
        raise CheckpointError(
            f'{purpose} checkpoint {path} lacks {", ".join(missing)}: it was not saved by '
            'a training run; use a checkpoint written by tools/train.py'
        )
    bad = first_non_finite(model_state_dict(checkpoint))
    if bad:
        raise CheckpointError(
            f'{purpose} checkpoint {path} holds non-finite weights ({bad[0]} holds {bad[1]}): '
            'the run that saved it diverged; use an earlier checkpoint of that run'
        )
    return checkpoint


def model_state_dict(checkpoint: Mapping) -> Mapping:
    """The weights of a training checkpoint or a bare state dict, ``module.`` prefix removed."""
    state_dict = checkpoint.get('state_dict', checkpoint)
    return {re.sub(r'^module\.', '', key): value for key, value in state_dict.items()}


def _shape(value) -> Tuple[int, ...]:
    return tuple(value.shape) if torch.is_tensor(value) else ()


def _listed(keys: List[str]) -> str:
    more = f' and {len(keys) - _SHOWN_KEYS} more' if len(keys) > _SHOWN_KEYS else ''
    return ', '.join(keys[:_SHOWN_KEYS]) + more


def check_state_dict_fits(
    model: nn.Module, state_dict: Mapping, source: str, allow_fresh_gates: bool = True
) -> None:
    """Refuse weights that do not fit ``model`` (missing, unexpected, mis-shaped keys).

    The one tolerated gap is the documented UNet -> AttentionUNet start: a
    checkpoint without any ``backbone.attention_gates.*`` key leaves exactly
    those fresh (with ``allow_fresh_gates``; a resume needs every key).
    BatchNorm's ``num_batches_tracked`` counters may be missing too.

    Args:
        model: the segmentor (unwrapped).
        state_dict: the weights to load, keys as in ``model.state_dict()``
            (a ``module.`` prefix is removed).
        source: what the weights come from, for the message (e.g. the path).
        allow_fresh_gates: tolerate missing attention-gate keys.

    Raises:
        CheckpointError: one line naming the first few bad keys.
    """
    state_dict = model_state_dict(state_dict)
    expected: Dict[str, torch.Tensor] = model.state_dict()
    # BN's step counters are not weights; checkpoints of older torch versions lack them.
    missing = [key for key in expected if key not in state_dict and not key.endswith(BN_COUNTER)]
    if allow_fresh_gates and not any(k.startswith(FRESH_WHEN_FROM_UNET) for k in state_dict):
        missing = [key for key in missing if not key.startswith(FRESH_WHEN_FROM_UNET)]
    unexpected = [key for key in state_dict if key not in expected]
    misshaped = [
        f'{key} {_shape(state_dict[key])} vs {_shape(value)}'
        for key, value in expected.items()
        if key in state_dict and _shape(state_dict[key]) != _shape(value)
    ]
    problems = [
        f'{len(keys)} {what} ({_listed(keys)})'
        for what, keys in (
            ('missing', missing),
            ('unexpected', unexpected),
            ('mis-shaped, checkpoint vs model', misshaped),
        )
        if keys
    ]
    if problems:
        raise CheckpointError(
            f'checkpoint {source} does not fit the model: {"; ".join(problems)}; '
            'use a checkpoint trained with this config, or the config it was trained with'
        )
