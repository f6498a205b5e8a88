"""A diverging run stops in one line naming the iteration; the last finite checkpoint stays.

An absurd learning rate (AdamW, lr 1e10) makes BatchNorm's running variance infinite in
iteration 2 and the loss nan from iteration 3; before the guard the run trained to the
end, exited 0 and saved checkpoints of nan weights.
"""

import re

import pytest
import torch

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, tiny_options
from tests.helpers.tools import assert_one_line_error, run_tool_in_process

DIVERGING = ['optim_wrapper.optimizer.lr=1e10', 'default_hooks.checkpoint.interval=1']


@pytest.mark.parametrize(
    'extra, stopped_by',
    [
        ([], 'no longer finite (backbone.'),  # the hook, before the checkpoint hook
        # Without the hook the runner still refuses to write iter_2.pth.
        (['default_hooks.divergence_guard=None'], 'so iter_2.pth is not written'),
    ],
)
def test_diverging_run_stops_at_the_iteration_keeping_the_finite_checkpoint(
    tiny_data, tmp_path, capsys, monkeypatch, extra, stopped_by
):
    work_dir = tmp_path / 'work'
    run = run_tool_in_process(
        'tools/train.py', MINI_ATTN_CONFIG, '--work-dir', work_dir,
        '--cfg-options', *tiny_options(tiny_data, iters=4), *DIVERGING, *extra,
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert_one_line_error(
        run, 'training diverged at iteration 2', stopped_by, str(work_dir / 'iter_1.pth'),
        'learning rate',
    )  # fmt: skip
    assert sorted(p.name for p in work_dir.glob('*.pth')) == ['iter_1.pth']
    assert (work_dir / 'last_checkpoint').read_text() == str(work_dir / 'iter_1.pth')
    kept = torch.load(work_dir / 'iter_1.pth', map_location='cpu', weights_only=True)
    assert all(v.isfinite().all() for v in kept['state_dict'].values() if v.is_floating_point())
    assert not re.search(r'Iter\(train\) \[3/4\]', run.stdout + run.stderr), 'it trained on'
