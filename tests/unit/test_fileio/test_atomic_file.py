"""A file is written whole: under its partial name, flushed, renamed; a failure leaves nothing."""

import os

import pytest

from attn_unet.fileio import atomic_write, partial_name, publish_file, write_text_atomically


def test_publish_file_and_write_text_atomically(tmp_path):
    target = tmp_path / 'iter_2.pth'
    target.write_bytes(b'old')
    partial = partial_name(str(target))
    assert os.path.basename(partial) == '.iter_2.partial.pth'
    with open(partial, 'wb') as f:
        f.write(b'new')
    publish_file(partial, str(target))
    assert target.read_bytes() == b'new' and not os.path.exists(partial)
    pointer = tmp_path / 'last_checkpoint'
    write_text_atomically(str(pointer), 'a')
    write_text_atomically(str(pointer), 'b')
    assert pointer.read_text() == 'b'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['iter_2.pth', 'last_checkpoint']


def test_a_failed_write_leaves_the_old_file_and_no_partial(tmp_path):
    target = tmp_path / 'case7.nii.gz'
    target.write_bytes(b'old')
    with pytest.raises(KeyboardInterrupt), atomic_write(str(target)) as partial:
        assert partial.endswith('.case7.partial.nii.gz')
        with open(partial, 'wb') as f:
            f.write(b'half')
        raise KeyboardInterrupt
    assert target.read_bytes() == b'old'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['case7.nii.gz']


def test_text_is_utf8_and_a_unique_partial_is_published_too(tmp_path):
    target = tmp_path / 'facts.json'
    write_text_atomically(str(target), '{"name": "Bauchspeicheldrüse"}', unique=True)
    assert target.read_bytes().decode('utf-8') == '{"name": "Bauchspeicheldrüse"}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ['facts.json']
