"""benchmarks/context_train_step.py builds the six 2.5D phantom models and prints their table."""

from tests.helpers.tools import run_tool

TOOL = 'benchmarks/context_train_step.py'


def test_the_table_has_every_network_and_context():
    result = run_tool(TOOL, '--size', '32', '--batch', '1', '--repeats', '1', '--warmup', '0')
    assert result.returncode == 0, result.stderr[-2000:]
    rows = [
        line for line in result.stdout.splitlines() if line.startswith('| ') and 'K |' not in line
    ]
    assert len(rows) == 6, result.stdout
    cells = [[c.strip() for c in row.strip('|').split('|')] for row in rows]
    assert [(c[0], c[1], c[2]) for c in cells] == [
        (network, str(k), str(3 if k == 1 else k))
        for network in ('AttentionUNet', 'UNet')
        for k in (1, 3, 5)
    ]
    for c in cells:
        if c[1] == '1':
            assert c[5].startswith('1.000') and c[7] == '1.000'  # each network's own reference
    params = {(c[0], c[1]): int(c[3].replace(',', '')) for c in cells}
    for network in ('AttentionUNet', 'UNet'):
        # only the first convolution sees the K channels: 9 weights per extra channel and filter
        assert params[(network, '3')] == params[(network, '1')]
        assert params[(network, '5')] - params[(network, '3')] == 2 * 9 * 16
