"""``model_memory_format``: a model's weights and its preprocessed inputs in one memory format.

``channels_last`` lets oneDNN pick faster convolution kernels on CPU; converting
only the weights would leave every batch in the default layout, so the data
preprocessor's output is converted too, by a forward hook.
"""

import torch
import torch.nn as nn

__all__ = ['MEMORY_FORMATS', 'apply_memory_format']

MEMORY_FORMATS = {'channels_last': torch.channels_last, 'contiguous': torch.contiguous_format}


def apply_memory_format(model: nn.Module, name: str) -> nn.Module:
    """Put ``model``'s weights and its preprocessed inputs in memory format ``name``.

    Args:
        model: a segmentor; if it has a ``data_preprocessor``, the batch it
            returns (``inputs`` of shape (N, C, H, W)) is converted too.
        name: ``'channels_last'`` or ``'contiguous'``.

    Returns:
        ``model``, converted in place.
    """
    if name not in MEMORY_FORMATS:
        raise ValueError(f'model_memory_format must be one of {list(MEMORY_FORMATS)}, got {name!r}')
    memory_format = MEMORY_FORMATS[name]
    model.to(memory_format=memory_format)
    preprocessor = getattr(model, 'data_preprocessor', None)
    if isinstance(preprocessor, nn.Module):
        preprocessor.register_forward_hook(_inputs_to(memory_format))
    return model


def _inputs_to(memory_format: torch.memory_format):
    """A forward hook converting a preprocessor's ``inputs`` (N, C, H, W) to ``memory_format``."""

    def hook(module: nn.Module, args, output):
        inputs = output.get('inputs') if isinstance(output, dict) else None
        if torch.is_tensor(inputs) and inputs.dim() == 4:
            output['inputs'] = inputs.contiguous(memory_format=memory_format)
        return output

    return hook
