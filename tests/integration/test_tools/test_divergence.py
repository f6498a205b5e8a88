"""A diverging run stops in one line naming the iteration; the last finite checkpoint stays.

An absurd learning rate (AdamW, lr 1e10) makes BatchNorm's running variance infinite in
iteration 2 and the loss nan from iteration 3; before the guard the run trained to the
end, exited 0 and saved checkpoints of nan weights.
"""

import re

import pytest
import torch

from tests.helpers.mini_runs import MINI_ATTN_CONFIG, tiny_options
from tests.helpers.tools import REPO, assert_one_line_error, run_tool_in_process

DIVERGING = ['optim_wrapper.optimizer.lr=1e10', 'default_hooks.checkpoint.interval=1']


def _without_the_guard(folder):
    path = folder / 'no_guard.py'
    path.write_text(
        f"_base_ = ['{REPO / MINI_ATTN_CONFIG}']\n"
        "custom_hooks = [dict(type='LabelIdGuardHook'), dict(type='ExactResumeHook')]\n"
    )
    return path


@pytest.mark.parametrize(
    'guard, stopped_by',
    [
        # The hook checks the loss every iteration; the weights only every 50 iterations, so
        # the runner's check before the save of iteration 2 is the one that sees them.
        ('default', 'so iter_2.pth is not written'),
        # Weights checked every iteration: the hook stops the run before the checkpoint hook.
        ('every iteration', 'no longer finite (backbone.'),
        # Without the hook the runner still refuses to write iter_2.pth.
        ('off', 'so iter_2.pth is not written'),
    ],
)
def test_diverging_run_stops_at_the_iteration_keeping_the_finite_checkpoint(
    tiny_data, tmp_path, capsys, monkeypatch, guard, stopped_by
):
    work_dir = tmp_path / 'work'
    config = _without_the_guard(tmp_path) if guard == 'off' else MINI_ATTN_CONFIG
    extra = ['custom_hooks.0.weights_interval=1'] if guard == 'every iteration' else []
    run = run_tool_in_process(
        'tools/train.py', config, '--work-dir', work_dir,
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
    assert ('custom_hooks has no DivergenceGuardHook' in run.stdout + run.stderr) == (
        guard == 'off'
    )
