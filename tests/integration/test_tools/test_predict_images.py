"""tools/predict.py on 2D images honours every option, as it does on volumes.

Images go through the segmentor the CT slices go through, with the model loaded once:
the labels are mmseg's own ``inference_model`` answer, ``--tta flip`` averages the
softmax with the mirror's (mmseg's answer on a mirrored copy of the file),
``--backend onnxruntime --onnx`` runs the ONNX model given (one of other weights
answers as those weights do), ``--save-attention`` writes every gated stage's
coefficients; what cannot apply is refused in one line.
"""

import numpy as np
import pytest
import torch
from PIL import Image

from tests.helpers.logit_references import log_probabilities
from tests.helpers.tools import assert_one_line_error, run_tool_in_process


@pytest.fixture(scope='module')
def images(tiny, tmp_path_factory):
    """demo.png (48x80) and a second image of another size, in one folder."""
    from tests.helpers.tiny_setup import write_image

    folder = tmp_path_factory.mktemp('images')
    Image.open(tiny['image']).save(folder / 'demo.png')
    write_image(str(folder / 'other.png'), hw=(40, 64), seed=9)
    return folder


@pytest.fixture(scope='module')
def mmseg_models(tiny):
    """mmseg's own ``init_model`` of the tiny AttentionUNet and UNet."""
    from mmseg.apis import init_model

    return {
        kind: init_model(tiny[f'{kind}_config'], tiny[f'{kind}_ckpt'], device='cpu')
        for kind in ('attn', 'unet')
    }


def _logits(model, path) -> np.ndarray:
    from mmseg.apis import inference_model

    return inference_model(model, str(path)).seg_logits.data.float()


def _predict(tiny, *args, capsys, monkeypatch):
    return run_tool_in_process(
        'tools/predict.py', tiny['attn_config'], tiny['attn_ckpt'], *args,
        capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip


def _labels(path) -> np.ndarray:
    return np.asarray(Image.open(path))


def test_labels_are_mmsegs_and_flip_tta_averages_with_the_mirror(
    tiny, images, mmseg_models, tmp_path, capsys, monkeypatch
):
    for name, extra in (('plain', ()), ('flip', ('--tta', 'flip'))):
        run = _predict(tiny, images, '--out-dir', tmp_path / name, '--batch-size', '2', *extra,
                       capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
    model = mmseg_models['attn']
    for stem in ('demo', 'other'):
        logits = _logits(model, images / f'{stem}.png')
        mirrored_file = tmp_path / f'{stem}_mirrored.png'
        Image.open(images / f'{stem}.png').transpose(Image.FLIP_LEFT_RIGHT).save(mirrored_file)
        mirrored = _logits(model, mirrored_file).flip(-1)
        flip = (logits.softmax(0) + mirrored.softmax(0)) / 2
        plain = _labels(tmp_path / 'plain' / f'{stem}.png')
        np.testing.assert_array_equal(plain, logits.argmax(0).numpy())
        np.testing.assert_array_equal(_labels(tmp_path / 'flip' / f'{stem}.png'),
                                      flip.argmax(0).numpy())  # fmt: skip
        assert (plain != _labels(tmp_path / 'flip' / f'{stem}.png')).any()  # the option acts


@pytest.mark.kernels
def test_the_onnx_model_given_is_the_one_that_runs(
    tiny, images, mmseg_models, tmp_path, capsys, monkeypatch
):
    from attn_unet.apis import export_onnx, load_segmentor
    from attn_unet.apis.predict.slice_segmentor import build_slice_segmentor
    from attn_unet.deployment import class_agreement, pixel_differences

    onnx = tmp_path / 'unet.onnx'  # other weights, another network: the UNet's
    export_onnx(tiny['unet_config'], tiny['unet_ckpt'], str(onnx), log=lambda line: None)
    backend = ('--backend', 'onnxruntime', '--onnx', onnx)
    run = _predict(tiny, images / 'demo.png', '--out-dir', tmp_path / 'ort', *backend,
                   capsys=capsys, monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    ort = _labels(tmp_path / 'ort' / 'demo.png')
    # the UNet's scores on torch and on onnxruntime, here, through predict's own segmentor
    scores = {}
    for name, backend in (('torch', {}), ('ort', dict(backend='onnxruntime', onnx=str(onnx)))):
        segmentor = build_slice_segmentor(load_segmentor(tiny['unet_config'], tiny['unet_ckpt']),
                                          **backend)  # fmt: skip
        scores[name] = log_probabilities(
            segmentor([segmentor.load(str(images / 'demo.png'))]).probs
        )
    unet = class_agreement(scores['torch'], torch.from_numpy(ort[None]).long(),
                           pixel_differences(scores['torch'], scores['ort']))  # fmt: skip
    assert unet.holds(max_near_ties=0.001), unet.describe()  # the UNet's classes, near ties aside
    attn = _logits(mmseg_models['attn'], images / 'demo.png').argmax(0).numpy()
    assert (ort != attn).mean() > 0.1


def test_attention_maps_are_written_per_gated_stage(
    tiny, images, mmseg_models, tmp_path, capsys, monkeypatch
):
    from mmseg.apis import inference_model

    from attn_unet.visualization import sample_attention

    run = _predict(tiny, images, '--save-attention', '--out-dir', tmp_path, capsys=capsys,
                   monkeypatch=monkeypatch)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    model = mmseg_models['attn']
    for stem, shape in (('demo', (48, 80)), ('other', (40, 64))):
        maps = np.load(tmp_path / f'{stem}_attention.npy')
        assert maps.shape == (2, *shape) and maps.dtype == np.float32
        with torch.no_grad():
            result = inference_model(model, str(images / f'{stem}.png'))
        expected = sample_attention(model.backbone.attention_maps, 0, result.metainfo)
        for stage in (0, 1):
            np.testing.assert_allclose(maps[stage], expected[stage][0], atol=1e-6)
        assert 0 <= maps.min() and maps.max() <= 1 and maps.std() > 0


@pytest.mark.parametrize(
    'extra, words',
    [
        (('--save-attention',), ('--save-attention', 'has no gated stage')),
        (('--save-attention', '--backend', 'onnxruntime', '--onnx', 'm.onnx'),
         ('--save-attention needs --backend pytorch',)),
    ],
    ids=['unet', 'onnxruntime'],
)  # fmt: skip
def test_what_cannot_apply_to_images_is_refused(tiny, images, tmp_path, capsys, monkeypatch,
                                                extra, words):  # fmt: skip
    run = run_tool_in_process(
        'tools/predict.py', tiny['unet_config'], tiny['unet_ckpt'], images, *extra,
        '--out-dir', tmp_path / 'out', capsys=capsys, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert_one_line_error(run, *words)
    assert not (tmp_path / 'out').exists()
