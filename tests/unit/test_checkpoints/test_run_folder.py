"""A run's folder read one way: its checkpoints by step, the newest, what a resume tries first."""

import os

import pytest

from attn_unet.checkpoints import (
    checkpoint_step,
    newest_checkpoint,
    pointed_checkpoint,
    resume_candidates,
    run_checkpoints,
)


def _run(folder, names, pointer=None):
    for name in names:
        (folder / name).write_bytes(b'weights')
    if pointer is not None:
        (folder / 'last_checkpoint').write_text(f'{folder / pointer}\n')
    return str(folder)


@pytest.mark.parametrize(
    'name, step',
    [('iter_10.pth', 10), ('epoch_3.pth', 3), ('best_mIoU_iter_4.pth', 4), ('model.pth', -1)],
)
def test_the_step_is_read_from_the_name(name, step):
    assert checkpoint_step(f'/run/{name}') == step


def test_checkpoints_sort_by_step_not_by_name(tmp_path):
    folder = _run(tmp_path, ['iter_10.pth', 'iter_2.pth', 'best_a.pth', 'notes.pth'])
    names = [os.path.basename(p) for p in run_checkpoints(folder)]
    assert names == ['best_a.pth', 'iter_2.pth', 'iter_10.pth']
    assert [os.path.basename(p) for p in run_checkpoints(folder, best=False)] == [
        'iter_2.pth',
        'iter_10.pth',
    ]


def test_the_pointer_names_the_newest_while_its_file_exists(tmp_path):
    folder = _run(tmp_path, ['iter_2.pth', 'iter_4.pth'], pointer='iter_2.pth')
    assert pointed_checkpoint(folder) == str(tmp_path / 'iter_2.pth')  # stripped of its newline
    assert newest_checkpoint(folder) == str(tmp_path / 'iter_2.pth')
    os.remove(tmp_path / 'iter_2.pth')
    assert newest_checkpoint(folder) == str(tmp_path / 'iter_4.pth')


def test_a_resume_tries_the_pointer_then_the_highest_steps(tmp_path):
    folder = _run(tmp_path, ['iter_2.pth', 'iter_4.pth', 'iter_6.pth', 'best_x.pth'], 'iter_4.pth')
    assert [os.path.basename(p) for p in resume_candidates(folder)] == [
        'iter_4.pth',
        'iter_6.pth',
        'iter_2.pth',
    ]
    (tmp_path / 'last_checkpoint').write_text('')
    assert pointed_checkpoint(folder) is None and len(resume_candidates(folder)) == 3
