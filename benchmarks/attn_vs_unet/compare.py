"""Cost of the attention gates: AttentionUNet-S5-D16 against UNet-S5-D16, same heads.

Both models are built from the real configs (SyncBN -> BN) and measured in one
process with their steps interleaved (A B A B ...). A time ratio is the median
of the ratios of neighbouring steps, pair by pair, so drift and a burst of load
from another process move single pairs, not the quoted figure. The
fast-training options (AMP, channels_last, gradient checkpointing) are measured
on AttentionUNet in the same interleaved loop.
"""

import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial

import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config

from attn_unet.engine.preflight import backbone_downsample_rate

from .complexity import quiet_counter
from .model_loading import build_segmentor, load_config
from .tool_errors import ToolError

__all__ = [
    'ATTN_CONFIG',
    'MODES',
    'OPTIONS',
    'TARGETS',
    'UNET_CONFIG',
    'VariantResult',
    'compare_models',
    'format_table',
    'parse_sizes',
    'time_steps',
]

ATTN_CONFIG = 'configs/attn_unet/attn-unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'
UNET_CONFIG = 'configs/unet/unet-s5-d16_fcn_4xb4-160k_cityscapes-512x1024.py'
OPTIONS = ('amp', 'channels_last', 'with_cp')
MODES = ('train', 'infer')
TARGETS = dict(train=1.10, infer=1.08, peak=1.10)
MEMORY_METHODS = dict(
    cuda='peak memory = torch.cuda.max_memory_allocated() increase over one train step '
    "+ the model's weights and SGD momentum (grads, activations, workspaces included)",
    cpu='peak memory = bytes of parameters + gradients + SGD momentum + unique tensor '
    'storages saved for backward at the end of the forward pass '
    '(torch.autograd.graph.saved_tensors_hooks); allocator overhead and transient '
    'buffers are not counted',
)


@dataclass
class VariantResult:
    """Measurements of one model variant at one input size (times in s, memory in bytes).

    ``batch`` is the number of images in each timed step.
    """

    size: tuple[int, int]
    name: str
    reference: str | None
    params: int
    flops: int
    train_times: list[float] = field(default_factory=list)
    infer_times: list[float] = field(default_factory=list)
    peak_bytes: int = 0
    batch: int = 1

    @property
    def train(self) -> float | None:
        """Median train-step time, None when train steps were not timed."""
        return statistics.median(self.train_times) if self.train_times else None

    @property
    def infer(self) -> float | None:
        """Median inference time, None when inference was not timed."""
        return statistics.median(self.infer_times) if self.infer_times else None

    def time_ratio(self, reference: 'VariantResult', mode: str) -> tuple[float, float, float]:
        """(median, min, max) of this variant's times over the reference's, pair by pair.

        Times with the same index were taken in the same round of the
        interleaved loop. Raises ValueError when ``mode`` was not timed.
        """
        mine, theirs = getattr(self, f'{mode}_times'), getattr(reference, f'{mode}_times')
        if not mine or len(mine) != len(theirs):
            raise ValueError(f'{mode} times of {self.name} and {reference.name} do not pair up')
        ratios = [a / b for a, b in zip(mine, theirs)]
        return statistics.median(ratios), min(ratios), max(ratios)


class _Bench:
    """One model variant with its optimiser and the options it runs with."""

    def __init__(
        self,
        name: str,
        cfg: Config,
        device: torch.device,
        options: Sequence[str],
        reference: str | None,
    ):
        self.name, self.reference, self.device = name, reference, device
        self.amp = 'amp' in options
        self.channels_last = 'channels_last' in options
        torch.manual_seed(0)
        self.model = build_segmentor(cfg).to(device)
        if self.channels_last:
            self.model = self.model.to(memory_format=torch.channels_last)
        self.optimizer = torch.optim.SGD(
            self.model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4
        )
        fp16 = self.amp and device.type == 'cuda'
        self.scaler = torch.amp.GradScaler('cuda') if fp16 else None
        self.amp_dtype = torch.float16 if fp16 else torch.bfloat16

    def _autocast(self):
        if not self.amp:
            return nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    def _inputs(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.channels_last:
            return inputs.contiguous(memory_format=torch.channels_last)
        return inputs

    def train_step(self, inputs: torch.Tensor, samples: list) -> None:
        """Forward, loss, backward and SGD step on inputs (B, 3, H, W)."""
        self.model.train()
        with self._autocast():
            losses = self.model.loss(self._inputs(inputs), samples)
            loss, _ = self.model.parse_losses(losses)
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)

    def infer(self, inputs: torch.Tensor, metas: list) -> None:
        """Eval-mode segmentation logits (B, C, H, W) under no_grad."""
        self.model.eval()
        with torch.no_grad(), self._autocast():
            self.model.encode_decode(self._inputs(inputs), metas)

    def peak_bytes(self, inputs: torch.Tensor, samples: list) -> int:
        """Peak memory of one train step, by the device's method (MEMORY_METHODS)."""
        if self.device.type == 'cuda':
            # Other variants' weights stay resident: count this model's own
            # weights and momentum plus what its step allocates on top.
            torch.cuda.synchronize(self.device)
            before = torch.cuda.memory_allocated(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self.train_step(inputs, samples)
            torch.cuda.synchronize(self.device)
            state = [
                t for s in self.optimizer.state.values() for t in s.values() if torch.is_tensor(t)
            ]
            static = sum(t.numel() * t.element_size() for t in [*self.model.parameters(), *state])
            return torch.cuda.max_memory_allocated(self.device) - before + static
        return self._cpu_peak_bytes(inputs, samples)

    def _cpu_peak_bytes(self, inputs: torch.Tensor, samples: list) -> int:
        params = [p for p in self.model.parameters() if p.requires_grad]
        param_ptrs = {p.untyped_storage().data_ptr() for p in params}
        saved: dict[int, int] = {}

        def pack(tensor: torch.Tensor) -> torch.Tensor:
            storage = tensor.untyped_storage()
            if storage.data_ptr() not in param_ptrs:
                saved[storage.data_ptr()] = storage.nbytes()
            return tensor

        self.model.train()
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            with self._autocast():
                loss, _ = self.model.parse_losses(self.model.loss(self._inputs(inputs), samples))
        loss.backward()
        self.optimizer.zero_grad(set_to_none=True)
        param_bytes = sum(p.numel() * p.element_size() for p in params)
        return 3 * param_bytes + sum(saved.values())  # weights, grads, momentum


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """'128x256,256x512' -> [(128, 256), (256, 512)]; ToolError if malformed."""
    sizes = []
    for item in text.split(','):
        try:
            height, width = (int(v) for v in item.strip().lower().split('x'))
        except ValueError:
            raise ToolError(
                f'--sizes item {item!r} is not HxW: pass e.g. 128x256,256x512'
            ) from None
        sizes.append((height, width))
    return sizes


def variant_config(config: str, base_channels: int | None, with_cp: bool = False) -> Config:
    """Config with SyncBN -> BN, optional narrower backbone/heads and checkpointing."""
    cfg = load_config(config)
    backbone = cfg.model.backbone
    if base_channels is not None:
        scale = base_channels / backbone.base_channels
        backbone.base_channels = base_channels
        for head in ('decode_head', 'auxiliary_head'):
            if cfg.model.get(head):
                cfg.model[head].in_channels = max(int(cfg.model[head].in_channels * scale), 1)
                cfg.model[head].channels = max(int(cfg.model[head].channels * scale), 1)
    backbone.with_cp = with_cp
    cfg.model.train_cfg = dict()
    return cfg


def _count(model: torch.nn.Module, shape: tuple[int, int], device: torch.device) -> tuple:
    """(params, FLOPs of one (1, 3, H, W) image through backbone + decode head)."""
    model.eval()
    inputs = torch.zeros(1, 3, *shape, device=device)
    with torch.no_grad(), quiet_counter():
        info = get_model_complexity_info(model, inputs=inputs, show_table=False, show_arch=False)
    return info['params'], info['flops']


def _synthetic(batch: int, shape: tuple[int, int], num_classes: int, device: torch.device):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample

    generator = torch.Generator().manual_seed(0)
    inputs = torch.randn(batch, 3, *shape, generator=generator).to(device)
    labels = torch.randint(0, num_classes, (batch, 1, *shape), generator=generator).to(device)
    meta = dict(img_shape=shape, ori_shape=shape, pad_shape=shape)
    samples = [SegDataSample(gt_sem_seg=PixelData(data=label), metainfo=meta) for label in labels]
    return inputs, samples, [dict(meta) for _ in range(batch)]


def _timed(device: torch.device, fn: Callable[[], None]) -> float:
    """Seconds that fn() takes, with the device synchronised around it."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    fn()
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    return time.perf_counter() - start


def _device(device: str) -> torch.device:
    """``torch.device(device)``; ToolError when it names CUDA on a machine without it."""
    dev = torch.device(device)
    if dev.type == 'cuda' and not torch.cuda.is_available():
        raise ToolError(f'device {device} requested but CUDA is not available: use --device cpu')
    return dev


def _check_divisible(model_cfg: Config, sizes: Sequence[tuple[int, int]]) -> None:
    """ToolError unless every (H, W) divides by the backbone's downsample rate."""
    rate = backbone_downsample_rate(model_cfg)
    for height, width in sizes:
        if height % rate or width % rate:
            raise ToolError(f'size {height}x{width}: H and W must be divisible by {rate}')


def _step(bench: _Bench, mode: str, inputs, samples, metas) -> Callable[[], None]:
    """The zero-argument train or inference step of ``mode`` on the bench's model."""
    if mode == 'train':
        return partial(bench.train_step, inputs, samples)
    return partial(bench.infer, inputs, metas)


def compare_models(
    sizes: Sequence[tuple[int, int]],
    batch: int = 2,
    repeats: int = 5,
    warmup: int = 2,
    device: str = 'cpu',
    base_channels: int | None = None,
    options: Sequence[str] = OPTIONS,
    attn_config: str = ATTN_CONFIG,
    unet_config: str = UNET_CONFIG,
    modes: Sequence[str] = MODES,
    log: Callable[[str], None] = lambda _: None,
) -> list[VariantResult]:
    """Measure UNet, AttentionUNet and AttentionUNet + each option at each size.

    Args:
        sizes: input (H, W) list; each must be divisible by 16 (by the
            backbone's downsample rate).
        batch: images per train/inference step.
        repeats: timed steps per variant; times are the median.
        warmup: untimed steps per variant first.
        device: 'cpu', 'cuda' or 'cuda:N'.
        base_channels: override of the backbone width (64 in the configs),
            heads scaled alike; for quick runs.
        options: subset of OPTIONS, one extra AttentionUNet row each.
        attn_config, unet_config: config files.
        modes: what to time, a non-empty subset of MODES; peak memory is
            measured with 'train'.
        log: progress callback.

    Returns:
        Results per size: UNet, AttentionUNet, then the option rows.
    """
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise ToolError(f'unknown option(s) {unknown}: choose from {", ".join(OPTIONS)}')
    if not modes or set(modes) - set(MODES):
        raise ToolError(f'modes {list(modes)}: choose one or both of {", ".join(MODES)}')
    if repeats < 1 or warmup < 0 or batch < 1:
        raise ToolError('--repeats and --batch must be >= 1 and --warmup >= 0')
    dev = _device(device)
    specs = [('UNet', unet_config, (), None), ('AttentionUNet', attn_config, (), 'UNet')]
    specs += [(f'AttentionUNet+{opt}', attn_config, (opt,), 'AttentionUNet') for opt in options]
    cfgs = {
        name: variant_config(path, base_channels, 'with_cp' in opts)
        for name, path, opts, _ in specs
    }
    _check_divisible(cfgs['UNet'].model, sizes)
    num_classes = cfgs['UNet'].model.decode_head.num_classes
    benches = [_Bench(name, cfgs[name], dev, opts, ref) for name, _, opts, ref in specs]
    counts = {}
    results = []
    for shape in sizes:
        log(f'size {shape[0]}x{shape[1]}: counting, warming up, timing')
        inputs, samples, metas = _synthetic(batch, shape, num_classes, dev)
        for bench in benches[:2]:
            counts[bench.name] = _count(bench.model, shape, dev)
        size_results = [
            VariantResult(
                shape,
                b.name,
                b.reference,
                *counts.get(b.name, counts['AttentionUNet']),
                batch=batch,
            )
            for b in benches
        ]
        for mode in (m for m in MODES if m in modes):
            steps = [_step(bench, mode, inputs, samples, metas) for bench in benches]
            for _ in range(warmup):
                for step in steps:
                    step()
            for _ in range(repeats):
                for step, result in zip(steps, size_results):
                    getattr(result, f'{mode}_times').append(_timed(dev, step))
        if 'train' in modes:
            for bench, result in zip(benches, size_results):
                result.peak_bytes = bench.peak_bytes(inputs, samples)
        results += size_results
    return results


def time_steps(
    config: str,
    shape: tuple[int, int],
    steps: int,
    mode: str = 'infer',
    batch: int = 1,
    device: str = 'cpu',
    base_channels: int | None = None,
) -> list[float]:
    """Seconds of each of ``steps`` train or inference steps of one config, no warm-up.

    For timing whole processes from outside (``/usr/bin/time``, hyperfine):
    the same model, inputs and steps as :func:`compare_models`, one model per
    process.

    Args:
        config: config file.
        shape: input (H, W), divisible by the backbone's downsample rate.
        steps: number of steps (0 builds the model only).
        mode: 'train' or 'infer'.
        batch, device, base_channels: as in :func:`compare_models`.
    """
    if mode not in MODES:
        raise ToolError(f'mode {mode!r}: choose one of {", ".join(MODES)}')
    if steps < 0 or batch < 1:
        raise ToolError('--steps must be >= 0 and --batch >= 1')
    cfg = variant_config(config, base_channels)
    _check_divisible(cfg.model, [shape])
    dev = _device(device)
    bench = _Bench('model', cfg, dev, (), None)
    inputs, samples, metas = _synthetic(batch, shape, cfg.model.decode_head.num_classes, dev)
    step = _step(bench, mode, inputs, samples, metas)
    return [_timed(dev, step) for _ in range(steps)]


COLUMNS = (
    'size',
    'model',
    'vs',
    'params (M)',
    'params x',
    'GFLOPs',
    'FLOPs x',
    'train ms',
    'train img/s',
    'train x',
    'train x range',
    'infer ms',
    'infer x',
    'infer x range',
    'peak MB',
    'peak x',
    'targets',
)


def _verdict(result: VariantResult, ratios: dict) -> str:
    if result.name != 'AttentionUNet':
        return '-'
    failed = [
        f'{key} {ratios[key]:.2f}x>{limit:.2f}x'
        for key, limit in TARGETS.items()
        if ratios.get(key) is not None and ratios[key] > limit
    ]
    return 'PASS' if not failed else 'FAIL: ' + ', '.join(failed)


def _time_cells(result: VariantResult, reference: VariantResult, mode: str) -> tuple:
    """(ms, median ratio, 'min-max' ratio range) strings and the median ratio (or None)."""
    if getattr(result, mode) is None:
        return '-', '-', '-', None
    median, low, high = result.time_ratio(reference, mode)
    return f'{getattr(result, mode) * 1e3:.1f}', f'{median:.3f}', f'{low:.2f}-{high:.2f}', median


def table_rows(results: Sequence[VariantResult]) -> list[list[str]]:
    """One list of COLUMNS strings per result; ratios against each row's reference."""
    by_key = {(r.size, r.name): r for r in results}
    rows = []
    for r in results:
        ref = by_key.get((r.size, r.reference), r)
        *train_cells, train_ratio = _time_cells(r, ref, 'train')
        *infer_cells, infer_ratio = _time_cells(r, ref, 'infer')
        peak_ratio = r.peak_bytes / ref.peak_bytes if ref.peak_bytes else None
        ratios = dict(train=train_ratio, infer=infer_ratio, peak=peak_ratio)
        rows.append(
            [
                f'{r.size[0]}x{r.size[1]}',
                r.name,
                r.reference or '-',
                f'{r.params / 1e6:.3f}',
                f'{r.params / ref.params:.3f}',
                f'{r.flops / 1e9:.2f}',
                f'{r.flops / ref.flops:.3f}',
                train_cells[0],
                f'{r.batch / r.train:.2f}' if r.train else '-',
                *train_cells[1:],
                *infer_cells,
                f'{r.peak_bytes / 2**20:.1f}' if r.peak_bytes else '-',
                f'{peak_ratio:.3f}' if peak_ratio is not None else '-',
                _verdict(r, ratios),
            ]
        )
    return rows


def format_table(
    results: Sequence[VariantResult], device: str, header: str = '', markdown: bool = False
) -> str:
    """The comparison table: '|'-separated columns, a header and a footer of methods."""
    rows = [list(COLUMNS)] + table_rows(results)
    kind = 'cuda' if device.startswith('cuda') else 'cpu'
    notes = [
        'x = ratio to the row in "vs" (AttentionUNet vs UNet; option rows vs plain '
        'AttentionUNet); targets for AttentionUNet: '
        + ', '.join(f'{k} <= {v:.2f}x' for k, v in TARGETS.items()),
        'train = median time of forward + loss + backward + SGD step; infer = median eval '
        'forward (encode_decode) under no_grad; both interleaved across models; '
        'x = median of the pair-by-pair time ratios of one round, range = their min-max',
        'GFLOPs = one 1x3xHxW image through backbone + decode head (mmengine counter; '
        'gate element-wise ops not counted); params include the auxiliary head',
        MEMORY_METHODS[kind],
    ]
    if markdown:
        lines = ['| ' + ' | '.join(rows[0]) + ' |', '|' + '---|' * len(COLUMNS)]
        lines += ['| ' + ' | '.join(row) + ' |' for row in rows[1:]]
        notes_text = '\n'.join(f'- {note}' for note in notes)
        return (f'{header}\n\n' if header else '') + '\n'.join(lines) + '\n\n' + notes_text
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [' | '.join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, '-+-'.join('-' * w for w in widths))
    return (
        ((header + '\n') if header else '')
        + '\n'.join(lines)
        + '\n'
        + '\n'.join(f'* {note}' for note in notes)
    )
