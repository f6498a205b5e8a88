"""The gates' coefficients in the training log: do the gates close and cut the skips?

Attention U-Net (Oktay et al. 2018, arXiv 1804.03999) multiplies each gated skip by
``alpha`` in [0, 1]. A gate whose ``alpha`` falls to 0 everywhere cuts its skip; one whose
``alpha`` sits at 1 everywhere does nothing. The backbone keeps the coefficients of its
last forward (``AttentionUNet.attention_maps``, detached), so reading them costs the
training loop nothing until the hook looks, once per logging interval: one line per
interval in the log and one scalar per stage and measure in the visualiser's scalars
(``vis_data/scalars.json`` with mmengine's ``LocalVisBackend``).
"""

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from attn_unet.registry import HOOKS

__all__ = ['GateStatisticsHook', 'gate_statistics']

CLOSED_BELOW = 0.1
OPEN_ABOVE = 0.9


def gate_statistics(attention_maps: dict[int, torch.Tensor]) -> dict[str, float]:
    """Mean, spread and saturation of each stage's coefficients.

    Args:
        attention_maps: ``{stage: alpha}``, alpha (N, 1, H_i, W_i) in [0, 1] (stage 0 is the
            finest), as ``AttentionUNet.attention_maps`` gives them.

    Returns:
        ``{f'gate{stage}_{measure}': value}`` for the measures ``mean``, ``std`` (over every
        pixel of the batch), ``closed`` (the fraction of pixels with alpha < 0.1) and ``open``
        (alpha > 0.9), in stage order. One host transfer for all of them.
    """
    names, values = [], []
    for stage in sorted(attention_maps):
        alpha = attention_maps[stage].float().flatten()
        names += [f'gate{stage}_{m}' for m in ('mean', 'std', 'closed', 'open')]
        values += [
            alpha.mean(),
            alpha.std(unbiased=False),
            (alpha < CLOSED_BELOW).float().mean(),
            (alpha > OPEN_ABOVE).float().mean(),
        ]
    if not values:
        return {}
    return dict(zip(names, torch.stack(values).tolist()))


@HOOKS.register_module()
class GateStatisticsHook(Hook):
    """Log the gates' coefficients of the last training batch every ``interval`` iterations.

    Models without gates (UNet, any backbone without ``attention_maps``) log nothing.

    Args:
        interval: iterations between two lines. Default: None, the logger hook's interval
            (``default_hooks.logger.interval``), so the line follows the loss line.
    """

    # after_train_iter above IterTimerHook's (NORMAL): its rare work lands in the iteration's
    # own time, never in the next iteration's data_time.
    priority = 'ABOVE_NORMAL'

    def __init__(self, interval: int | None = None):
        if interval is not None and (
            isinstance(interval, bool) or not isinstance(interval, int) or interval < 1
        ):
            raise ValueError(
                f'GateStatisticsHook: interval must be an int >= 1 or None, got {interval!r}'
            )
        self.interval = interval

    def before_train(self, runner) -> None:
        if self.interval is None:
            logger_hook = runner.cfg.get('default_hooks', {}).get('logger') or {}
            self.interval = int(logger_hook.get('interval', 10))

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if not self.every_n_train_iters(runner, self.interval):
            return
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        maps = getattr(getattr(model, 'backbone', None), 'attention_maps', None)
        if not maps:
            return
        stats = gate_statistics(maps)
        runner.visualizer.add_scalars(
            {f'train/{name}': value for name, value in stats.items()}, step=runner.iter + 1
        )
        stages = ', '.join(
            f'{stage}: {stats[f"gate{stage}_mean"]:.3f} +- {stats[f"gate{stage}_std"]:.3f} '
            f'(closed {100 * stats[f"gate{stage}_closed"]:.0f}%, '
            f'open {100 * stats[f"gate{stage}_open"]:.0f}%)'
            for stage in sorted(maps)
        )
        runner.logger.info(f'Iter(train) [{runner.iter + 1}] gate alpha by stage {stages}')
