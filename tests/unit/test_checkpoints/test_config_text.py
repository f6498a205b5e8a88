"""A checkpoint's recorded config is read from its syntax, never run."""

from attn_unet.checkpoints import checkpoint_config

TEXT = """crop_size = (
    64,
    64,
)
train_pipeline = [
    dict(type='LoadImageFromFile', imdecode_backend='tifffile'),
    dict(type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']),
]
lr = -0.5
palette = {'a': [1, 2]}
hook = __import__('os').system('echo ran')
work = dict(**base)
"""


def test_literal_assignments_are_read_and_calls_are_not_run(capfd):
    values = checkpoint_config(dict(cfg=TEXT))
    assert values['crop_size'] == (64, 64) and values['lr'] == -0.5
    assert values['train_pipeline'][1] == dict(
        type='RandomFlip', prob=0.5, direction=['horizontal', 'vertical']
    )
    assert values['palette'] == {'a': [1, 2]}
    assert 'hook' not in values and 'work' not in values  # not literals: left out, not run
    assert 'ran' not in capfd.readouterr().out


def test_meta_without_a_config_reads_as_none():
    assert checkpoint_config({}) is None and checkpoint_config(None) is None
    assert checkpoint_config(dict(cfg='x = (')) is None
