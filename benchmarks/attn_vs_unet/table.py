"""The comparison table: ratios to each row's reference, the speed targets and the methods."""

from collections.abc import Sequence

from bench_tables import markdown_table

from .result import VariantResult

__all__ = ['COLUMNS', 'MEMORY_METHODS', 'TARGETS', 'format_table', 'table_rows']

TARGETS = dict(train=1.10, infer=1.08, peak=1.10)
MEMORY_METHODS = dict(
    cuda='peak memory = torch.cuda.max_memory_allocated() increase over one train step '
    "+ the model's weights and SGD momentum (grads, activations, workspaces included)",
    cpu='peak memory = bytes of parameters + gradients + SGD momentum + unique tensor '
    'storages saved for backward at the end of the forward pass '
    '(torch.autograd.graph.saved_tensors_hooks); allocator overhead and transient '
    'buffers are not counted',
)

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
        notes_text = '\n'.join(f'- {note}' for note in notes)
        table = markdown_table(rows[0], rows[1:])
        return (f'{header}\n\n' if header else '') + table + '\n\n' + notes_text
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [' | '.join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, '-+-'.join('-' * w for w in widths))
    return (
        ((header + '\n') if header else '')
        + '\n'.join(lines)
        + '\n'
        + '\n'.join(f'* {note}' for note in notes)
    )
