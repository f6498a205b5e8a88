"""What a killed run left is removed by the next run; a live run's staging and user files stay."""

import os

import pytest

from attn_unet.fileio import (
    StagedFolder,
    StagingBusyError,
    atomic_write,
    parse_partial_name,
    remove_leftovers,
)
from tests.helpers.held_staging import writer_process
from tests.helpers.small_disks import read_only_folder, small_disk

DEAD_PID = 4194304 + 7  # above Linux's largest pid: never a running process


@pytest.mark.parametrize(
    'name, final, pid',
    [
        ('.case7.partial.nii.gz', 'case7.nii.gz', None),
        ('.case7.partial-412.nii.gz', 'case7.nii.gz', 412),
        ('.iter_4.pth.partial', 'iter_4.pth', None),
        ('.set.partial-412-k2x9_a', 'set', 412),
        ('.set.partial-k2x9_abc', 'set', None),
        ('.preds.partial', 'preds', None),
        ('case7.nii.gz', None, None),
        ('.hidden', None, None),
        ('.x.partialy.png', None, None),
    ],
)
def test_a_partial_name_says_its_final_name_and_pid(name, final, pid):
    parsed = parse_partial_name(name)
    assert (parsed and parsed.final) == final
    assert (parsed and parsed.pid) == pid


def _touch(folder, name, folder_kind=False):
    path = folder / name
    if folder_kind:
        path.mkdir()
        (path / 'slice.png').write_bytes(b'x')
    else:
        path.write_bytes(b'half')
    return path


def test_only_unheld_staging_of_the_tools_outputs_is_removed(tmp_path):
    dead = [
        _touch(tmp_path, '.case7.partial.nii.gz'),
        _touch(tmp_path, f'.case8.partial-{DEAD_PID}.nii.gz'),
        _touch(tmp_path, f'.case8.partial-{DEAD_PID}.json'),
    ]
    kept = [
        _touch(tmp_path, 'case7.nii.gz'),  # a finished output
        _touch(tmp_path, '.case7.nii.gz'),  # hidden, but not a name the tools make
        _touch(
            tmp_path, '.notes.partial.txt'
        ),  # a partial name of something this tool never writes
        _touch(tmp_path, f'.case9.partial-{os.getpid()}.nii.gz'),  # a live pid: this process
    ]
    os.symlink(dead[0], tmp_path / '.case6.partial.nii.gz')  # never followed, never removed
    lines = []
    removed = remove_leftovers(
        str(tmp_path), lambda final: final.endswith(('.nii.gz', '.json')), log=lines.append
    )
    assert sorted(removed) == sorted(map(str, dead))
    assert all(p.exists() for p in kept) and (tmp_path / '.case6.partial.nii.gz').is_symlink()
    assert (
        len(lines) == 1
        and 'removed 3 unfinished file(s) that a killed earlier run left' in lines[0]
    )
    assert remove_leftovers(str(tmp_path), lambda final: True, log=lines.append) == [
        str(tmp_path / '.notes.partial.txt')
    ]


def test_a_live_writers_file_stays_and_a_killed_ones_goes(tmp_path):
    target = str(tmp_path / 'img0001.nii.gz')

    def write(ready):
        with atomic_write(target, unique=True):
            ready()

    with writer_process(write) as writer:
        partial = tmp_path / f'.img0001.partial-{writer.pid}.nii.gz'
        assert partial.is_file()
        assert remove_leftovers(str(tmp_path), lambda final: True) == []
        assert partial.is_file()
        writer.kill()
        assert partial.is_file()  # kill -9: no cleanup ran
        assert remove_leftovers(str(tmp_path), lambda final: True) == [str(partial)]
    assert os.listdir(tmp_path) == []


def test_a_held_partial_of_another_machine_stays(tmp_path):
    """A pid that is not running here may be a live run on another machine: its lock decides."""
    held = tmp_path / f'.case3.partial-{DEAD_PID}.nii.gz'

    def write(ready):
        with atomic_write(str(tmp_path / 'case3.nii.gz'), unique=True) as partial:
            os.rename(partial, held)  # as if written under another machine's pid
            ready()

    with writer_process(write):
        assert remove_leftovers(str(tmp_path), lambda final: True) == []
        assert held.is_file()
    assert remove_leftovers(str(tmp_path), lambda final: True) == [str(held)]


def test_a_partial_name_a_live_process_writes_is_not_taken_over(tmp_path):
    target = str(tmp_path / 'case3.nii.gz')

    def write(ready):
        with atomic_write(target) as partial:
            with open(partial, 'wb') as f:
                f.write(b'the live run')
            ready()

    with writer_process(write):
        with pytest.raises(StagingBusyError, match='another running process is writing'):
            with atomic_write(target):
                pass
        assert (tmp_path / '.case3.partial.nii.gz').read_bytes() == b'the live run'


def test_a_converters_killed_staging_folder_goes_and_a_live_one_stays(tmp_path, capsys):
    out = tmp_path / 'synapse'

    def stage(ready):
        StagedFolder(str(out), unique=True).prepare()
        ready()

    with writer_process(stage) as live:
        with writer_process(stage) as killed:
            killed.kill()
        staged = sorted(p.name for p in tmp_path.iterdir())
        assert [n.split('-')[1] for n in staged] == sorted([str(live.pid), str(killed.pid)])
        mine = StagedFolder(str(out), unique=True)
        mine.prepare()
        left = sorted(p.name for p in tmp_path.iterdir() if str(killed.pid) in p.name)
        assert left == [], "the killed run's staging is removed"
        assert any(str(live.pid) in p.name for p in tmp_path.iterdir())
        assert 'removed 1 unfinished file(s)' in capsys.readouterr().err
        mine.discard()


def test_a_busy_shared_stage_is_refused_not_cleared(tmp_path):
    def stage(ready):
        StagedFolder(str(tmp_path / 'preds')).prepare()
        ready()

    with writer_process(stage):
        (tmp_path / '.preds.partial' / 'a.png').write_bytes(b'written by the live run')
        with pytest.raises(StagingBusyError, match='another run is writing into'):
            StagedFolder(str(tmp_path / 'preds')).prepare()
        assert (tmp_path / '.preds.partial' / 'a.png').is_file()


def test_errors_name_the_path_the_caller_gave_not_the_hidden_one(tmp_path):
    with read_only_folder(tmp_path / 'ro') as read_only:
        target = str(read_only / 'metrics.json')
        with pytest.raises(OSError) as info:
            with atomic_write(target) as partial:
                open(partial, 'w').close()
        assert info.value.filename == target
        with pytest.raises(OSError) as info:
            StagedFolder(str(read_only / 'preds')).prepare()
        assert info.value.filename == str(read_only / 'preds')


def test_a_full_disk_unnamed_by_the_writer_names_the_file(tmp_path):
    import gzip

    with small_disk(tmp_path / 'disk', 16) as disk:
        target = str(disk / 'case7.nii.gz')
        with pytest.raises(OSError) as info:
            with atomic_write(target) as partial:
                with gzip.open(partial, 'wb', compresslevel=0) as f:
                    f.write(os.urandom(64 * 1024))
        assert info.value.errno == 28 and info.value.filename == target
        assert os.listdir(disk) == []  # no partial file left
