import pytest
from attn_vs_unet import (
    COLUMNS,
    VariantResult,
    format_table,
    table_rows,
)


def _result(name, reference, train, infer, peak, params=100, flops=1000):
    return VariantResult(
        (64, 128), name, reference, params, flops, [train, train * 3, train], [infer], peak, 4
    )


def test_ratios_and_verdicts():
    results = [
        _result('UNet', None, 1.0, 1.0, 100),
        _result('AttentionUNet', 'UNet', 1.05, 1.2, 105, params=102),
        _result('AttentionUNet+with_cp', 'AttentionUNet', 2.1, 1.2, 52.5),
    ]
    rows = {row[1]: dict(zip(COLUMNS, row)) for row in table_rows(results)}
    assert rows['AttentionUNet']['train x'] == '1.050'  # median of 1.05, 3.15, 1.05
    assert rows['AttentionUNet']['params x'] == '1.020'
    assert rows['AttentionUNet']['train img/s'] == '3.81'  # 4 images / 1.05 s
    assert rows['AttentionUNet']['targets'] == 'FAIL: infer 1.20x>1.08x'
    assert rows['AttentionUNet+with_cp']['train x'] == '2.000'
    assert rows['AttentionUNet+with_cp']['peak x'] == '0.500'
    assert rows['UNet']['targets'] == '-'
    results[1].infer_times = [1.05]
    assert table_rows(results)[1][-1] == 'PASS'


def test_time_ratio_is_pairwise_so_one_slow_round_does_not_move_it():
    unet = VariantResult((64, 128), 'UNet', None, 100, 1000, [1.0, 2.0, 10.0], [1.0, 1.0, 1.0])
    attn = VariantResult(
        (64, 128), 'AttentionUNet', 'UNet', 100, 1000, [1.05, 2.1, 1.0], [1.0, 1.0, 1.0]
    )
    # Ratio of medians would be 1.05 / 2.0; the load spike hit UNet's third step only.
    assert attn.time_ratio(unet, 'train') == pytest.approx((1.05, 0.1, 1.05))
    row = dict(zip(COLUMNS, table_rows([unet, attn])[1]))
    assert row['train x'] == '1.050' and row['train x range'] == '0.10-1.05'


def test_untimed_mode_shows_dashes_and_no_verdict_on_it():
    unet = VariantResult((64, 128), 'UNet', None, 100, 1000, [], [1.0, 2.0])
    attn = VariantResult((64, 128), 'AttentionUNet', 'UNet', 100, 1000, [], [1.2, 2.4])
    row = dict(zip(COLUMNS, table_rows([unet, attn])[1]))
    assert row['train ms'] == row['train img/s'] == row['train x'] == row['peak x'] == '-'
    assert row['targets'] == 'FAIL: infer 1.20x>1.08x'
    with pytest.raises(ValueError, match='do not pair up'):
        attn.time_ratio(unet, 'train')


@pytest.mark.parametrize('markdown', [False, True])
def test_format_table_layout(markdown):
    results = [_result('UNet', None, 1.0, 1.0, 100), _result('AttentionUNet', 'UNet', 1, 1, 100)]
    text = format_table(results, 'cpu', 'head', markdown)
    lines = [line for line in text.splitlines() if line.count('|') >= len(COLUMNS) - 1]
    header = [cell.strip() for cell in lines[0].strip('|').split('|')]
    assert header == list(COLUMNS) and len(lines) == 3 + markdown  # header, (md rule), 2 rows
    assert 'saved_tensors_hooks' in text
