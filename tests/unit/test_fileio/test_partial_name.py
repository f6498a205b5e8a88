"""The hidden name a file or folder is written under: one rule, the format's suffix kept."""

import os

import pytest

from attn_unet.fileio import is_partial_name, partial_name


@pytest.mark.parametrize(
    'path, kwargs, expected',
    [
        ('work/iter_2.pth', {}, 'work/.iter_2.partial.pth'),
        ('out/case7.nii.gz', {}, 'out/.case7.partial.nii.gz'),
        ('out/CASE7.NII.GZ', {}, 'out/.CASE7.partial.NII.GZ'),
        ('out/img_01.png', {}, 'out/.img_01.partial.png'),
        ('model.onnx', {}, '.model.partial.onnx'),
        ('work/last_checkpoint', {}, 'work/.last_checkpoint.partial'),
        ('preds', dict(keep_suffix=False), '.preds.partial'),
        ('run/preds.v2', dict(keep_suffix=False), 'run/.preds.v2.partial'),
        ('cache/ab.json', dict(unique=True), f'cache/.ab.partial-{os.getpid()}.json'),
    ],
)
def test_a_hidden_sibling_that_keeps_the_format_suffix(path, kwargs, expected):
    name = partial_name(path, **kwargs)
    assert name == expected
    assert is_partial_name(os.path.basename(name))


@pytest.mark.parametrize('name', ['iter_2.pth', '.attn_unet.lock', 'partial.png', '.hidden'])
def test_other_names_are_not_partial(name):
    assert not is_partial_name(name)


def test_a_unique_name_off_the_main_thread_is_that_threads_own():
    import threading

    names = []
    threads = [threading.Thread(target=lambda: names.append(partial_name('c/a.json', unique=True)))
               for _ in range(3)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(names)) == 3
    assert all(n.startswith(f'c/.a.partial-{os.getpid()}-') and n.endswith('.json') for n in names)
