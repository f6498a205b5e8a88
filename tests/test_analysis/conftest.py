import pytest

from tests.test_tools_analysis.tiny_setup import (
    write_checkpoint,
    write_cityscapes,
    write_image,
    write_tiny_config,
)


@pytest.fixture(scope='session')
def tiny(tmp_path_factory):
    """Tiny AttentionUNet/UNet configs, checkpoints, an image and a fake Cityscapes val set."""
    root = tmp_path_factory.mktemp('tiny')
    data_root = str(root / 'cityscapes')
    files = dict(
        root=root,
        data_root=data_root,
        labels=write_cityscapes(data_root),
        image=write_image(str(root / 'demo.png')),
    )
    for kind, attention in (('attn', True), ('unet', False)):
        config = write_tiny_config(str(root), attention, data_root)
        files[f'{kind}_config'] = config
        files[f'{kind}_ckpt'] = write_checkpoint(config, str(root / f'{kind}.pth'))
    return files
