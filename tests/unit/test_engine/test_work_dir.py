"""A training run's claim on its work dir: refusals write nothing, --overwrite loses nothing."""

import os

import pytest

from attn_unet.checkpoints import run_checkpoints
from attn_unet.engine.work_dir import check_fresh_start, claim_work_dir
from attn_unet.errors import PreviousRunError, ToolError
from tests.helpers.tools import tree_listing


def _finished_run(work_dir, steps=(2, 4)):
    """The files a finished run leaves: checkpoints, last_checkpoint, a log folder, its config."""
    work_dir.mkdir(exist_ok=True)
    for step in steps:
        (work_dir / f'iter_{step}.pth').write_bytes(f'weights {step}'.encode())
    (work_dir / 'last_checkpoint').write_text(str(work_dir / f'iter_{steps[-1]}.pth'))
    (work_dir / '20240101_120000').mkdir()
    (work_dir / '20240101_120000' / '20240101_120000.log').write_text('log')
    (work_dir / 'my_config.py').write_text('# the run config')
    (work_dir / 'notes.txt').write_text('a user file')
    return work_dir


@pytest.mark.parametrize(
    'files, refused',
    [
        ([], False),
        (['notes.txt', 'pretrained.pth'], False),  # nothing a run writes
        (['iter_2.pth'], True),
        (['epoch_1.pth'], True),
        (['best_mIoU_iter_2.pth'], True),
        (['last_checkpoint'], True),
    ],
)
def test_fresh_start_refused_where_a_run_left_checkpoints(tmp_path, files, refused):
    for name in files:
        (tmp_path / name).write_text('x')
    if not refused:
        check_fresh_start(str(tmp_path), resume=False, overwrite=False)
        return
    with pytest.raises(PreviousRunError) as info:
        check_fresh_start(str(tmp_path), resume=False, overwrite=False)
    for word in (str(tmp_path), '--resume', '--overwrite', '--work-dir'):
        assert word in str(info.value)


def test_resume_or_overwrite_may_start_there_but_not_both(tmp_path):
    _finished_run(tmp_path)
    check_fresh_start(str(tmp_path), resume=True, overwrite=False)
    check_fresh_start(str(tmp_path), resume=False, overwrite=True)
    with pytest.raises(ToolError, match='contradict'):
        check_fresh_start(str(tmp_path), resume=True, overwrite=True)


def test_refusal_names_the_newest_checkpoint(tmp_path):
    _finished_run(tmp_path, steps=(2, 10))
    with pytest.raises(PreviousRunError, match=r'newest: .*iter_10\.pth'):
        check_fresh_start(str(tmp_path), resume=False, overwrite=False)
    assert [os.path.basename(p) for p in run_checkpoints(str(tmp_path))] == [
        'iter_2.pth',
        'iter_10.pth',
    ]


def test_refused_claim_creates_nothing(tmp_path):
    work_dir = _finished_run(tmp_path / 'work')
    before = tree_listing(work_dir)
    with pytest.raises(PreviousRunError):
        claim_work_dir(str(work_dir), resume=False, overwrite=False, config_copy='my_config.py')
    assert tree_listing(work_dir) == before, 'no lock file either'


def test_overwrite_moves_the_earlier_run_aside(tmp_path):
    work_dir = _finished_run(tmp_path / 'work')
    before = tree_listing(work_dir)
    lock, note = claim_work_dir(
        str(work_dir), resume=False, overwrite=True, config_copy='my_config.py'
    )
    try:
        (replaced,) = work_dir.glob('replaced_*')
        assert note and str(replaced) in note
        moved = sorted(p.name for p in replaced.iterdir())
        assert moved == sorted(
            ['20240101_120000', 'iter_2.pth', 'iter_4.pth', 'last_checkpoint', 'my_config.py']
        )
        after = tree_listing(work_dir)
        for name, digest in before.items():
            if name != 'last_checkpoint':
                assert after[f'{replaced.name}/{name}' if name != 'notes.txt' else name] == digest
        # the moved pointer names the moved checkpoint, not the path the new run reuses
        assert (replaced / 'last_checkpoint').read_text() == str(replaced / 'iter_4.pth')
        assert sorted(p.name for p in work_dir.iterdir()) == sorted(
            ['.attn_unet.lock', replaced.name, 'notes.txt']
        )
    finally:
        lock.release()
