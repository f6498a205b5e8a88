"""tools/test.py --tta builds mmseg's TestTimeAug from the test pipeline and the trained mirrors."""

from mmengine.dataset import Compose

from attn_unet.apis.test_tta import mirror_tta_pipeline

TEST_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(32, 32), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]


def test_views_are_the_plain_image_and_one_mirror_per_trained_axis():
    pipeline = mirror_tta_pipeline(TEST_PIPELINE, (0, 1))
    assert pipeline[0] == TEST_PIPELINE[0] and pipeline[1]['type'] == 'TestTimeAug'
    views, *rest = pipeline[1]['transforms']
    assert views == [
        dict(type='RandomFlip', prob=0.0),
        dict(type='RandomFlip', prob=1.0, direction='vertical'),
        dict(type='RandomFlip', prob=1.0, direction='horizontal'),
    ]
    assert rest == [[step] for step in TEST_PIPELINE[1:]]  # the labels load after the flip


def test_the_pipeline_runs_and_mirrors_the_image_only(tmp_path):
    import numpy as np
    from mmengine.registry import init_default_scope
    from PIL import Image

    import attn_unet  # noqa: F401  (registers the transforms)

    init_default_scope('mmseg')

    image = np.arange(8 * 8 * 3, dtype=np.uint8).reshape(8, 8, 3)
    label = np.arange(64, dtype=np.uint8).reshape(8, 8) % 4
    Image.fromarray(image).save(tmp_path / 'i.png')
    Image.fromarray(label).save(tmp_path / 'l.png')
    steps = [TEST_PIPELINE[0], TEST_PIPELINE[2], dict(type='PackSegInputs')]
    pipeline = Compose(mirror_tta_pipeline(steps, (1,)))
    out = pipeline(dict(img_path=str(tmp_path / 'i.png'), seg_map_path=str(tmp_path / 'l.png'),
                        reduce_zero_label=False, seg_fields=[]))  # fmt: skip
    plain, mirrored = out['inputs']
    assert (mirrored.numpy() == plain.numpy()[:, :, ::-1]).all()
    assert out['data_samples'][1].metainfo['flip_direction'] == 'horizontal'
    for sample in out['data_samples']:  # the reference is never flipped
        assert (sample.gt_sem_seg.data.numpy()[0] == label).all()
