"""benchmarks/tta_effect.py: DSC with and without test-time mirroring, on a fold's val cases."""

import re

from tests.helpers.tools import assert_one_line_error, run_tool

TOOL = 'benchmarks/tta_effect.py'


def rows(stdout: str) -> dict:
    """``{setting: (axes, mean DSC, [DSC per class])}`` of the printed table."""
    table = {}
    for line in stdout.splitlines():
        match = re.match(r'\| (\S+) \| (\[[\d, ]*\]) \| (.*) \|$', line)
        if match:
            mean, *cells = (float(c) for c in match.group(3).split(' | '))
            table[match.group(1)] = (match.group(2), mean, cells)
    return table


def test_trained_mirrors_come_from_the_checkpoint_and_forced_ones_are_scored(decathlon_model):
    """The converter's light augmentation mirrors nothing: ``trained`` is no mirror at all,
    the same volumes as ``none``; a forced axis is scored as asked."""
    model = decathlon_model
    run = run_tool(TOOL, model['converted'], model['config'], model['checkpoint'],
                   '--axes', 'none', 'trained', '1')  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    val = model['record']['splits']['folds'][model['record']['splits']['fold']]['val']
    assert f'trained mirrors: no axis; {len(val)} validation cases of fold ' in run.stdout
    table = rows(run.stdout)
    assert list(table) == ['none', 'trained', '1']
    assert table['none'][0] == table['trained'][0] == '[]' and table['1'][0] == '[1]'
    assert repr(table['trained'][1:]) == repr(table['none'][1:])  # nan included
    assert len(table['none'][2]) == 2  # pancreas, cancer
    assert 'DSC pancreas | DSC cancer' in run.stdout


def test_bad_input_is_one_line(decathlon_model, tmp_path):
    model = decathlon_model
    for args, words in (
        ((tmp_path, model['config'], model['checkpoint']), ('holds no conversion.json',)),
        ((model['converted'], model['config'], model['checkpoint'], '--axes', '2'),
         ('--axes 2: pass none, trained',)),
        ((model['converted'], model['config'], model['checkpoint'], '--fold', '9'),
         ('--fold 9: this conversion has folds 0 to',)),
    ):  # fmt: skip
        assert_one_line_error(run_tool(TOOL, *args), *words)
