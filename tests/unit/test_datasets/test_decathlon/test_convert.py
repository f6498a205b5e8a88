"""convert_decathlon: every case cut in one voxel order, losslessly, with its folds and configs."""

import ast
import json

import nibabel as nib
import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from attn_unet.datasets import check_dataset_cfg
from attn_unet.datasets.decathlon import ConvertOptions, convert_decathlon
from attn_unet.errors import DatasetLayoutError
from attn_unet.slicing.volume_slices import decode_image
from demo.synthetic import generate_decathlon_phantom
from demo.synthetic.pancreas_phantom.case import render_pancreas_case, stored_as
from tests.helpers.data_fixtures import DECATHLON_TRAIN
from tests.helpers.tools import REPO

DEPTH, SIDE = 28, 128  # the phantom's slices: 28 axial slices of 128 x 128


def _record(root) -> dict:
    return json.loads((root / 'conversion.json').read_text())


def _slices(root, case: str, suffix: str) -> np.ndarray:
    """A case's converted inputs (``.tiff``) or labels (``.png``), stacked in slice order."""
    folder = 'img_dir' if suffix == '.tiff' else 'ann_dir'
    paths = sorted((root / folder).glob(f'{case}_slice*{suffix}'))
    if suffix == '.tiff':
        return np.stack([decode_image(p.read_bytes()) for p in paths])
    return np.stack([np.asarray(Image.open(p)) for p in paths])


def test_every_case_is_sliced_and_every_fold_listed(decathlon_converted):
    record = _record(decathlon_converted)
    cases = record['volume_slices']['cases']
    assert sorted(cases) == [f'pancreas_{i:03d}' for i in range(1, DECATHLON_TRAIN + 1)]
    for case, grid in cases.items():
        assert grid['shape'] == [DEPTH, SIDE, SIDE]
        assert grid['spacing'] == pytest.approx([190 / 48, 1.875, 1.875])
        assert len(list((decathlon_converted / 'img_dir').glob(f'{case}_slice*.tiff'))) == DEPTH
    folds = record['splits']['folds']
    assert sorted(c for f in folds for c in f['val']) == sorted(cases)
    for index, fold in enumerate(folds):
        listed = (decathlon_converted / 'splits' / f'fold{index}_val.txt').read_text().split()
        assert listed == [f'{c}_slice{z:03d}' for c in fold['val'] for z in range(DEPTH)]
    on_disk = {
        str(p.relative_to(decathlon_converted))
        for p in decathlon_converted.rglob('*')
        if p.is_file() and p.name != 'conversion.json'
    }
    assert set(record['files']) == on_disk
    assert record['dataset']['test'] == ['pancreas_006']
    assert record['fingerprint']['stored_orientations'] == {'LPS': 2, 'SAR': 2, 'PRS': 1}


def test_the_record_says_why_and_the_ct_window_is_the_foregrounds(
    decathlon_raw, decathlon_converted
):
    record = _record(decathlon_converted)
    ct = record['volume_slices']['channels'][0]
    foreground = []
    for case in record['dataset']['training']:
        label = np.asarray(nib.load(decathlon_raw / 'labelsTr' / f'{case}.nii.gz').dataobj)
        image = np.asarray(nib.load(decathlon_raw / 'imagesTr' / f'{case}.nii.gz').dataobj)
        foreground.append(image[label > 0])  # fewer than 10,000 per case: every voxel is used
    foreground = np.concatenate(foreground).astype(np.float64)
    assert ct['clip'] == pytest.approx(np.percentile(foreground, [0.5, 99.5]))
    assert (ct['mean'], ct['std']) == pytest.approx((foreground.mean(), foreground.std()))
    assert record['volume_slices']['view'] == 'axial'
    assert (
        'coarsest' in record['reasons']['view'] and 'percentiles' in record['reasons']['channels']
    )
    cancer = record['fingerprint']['class_voxels']['cancer']
    assert cancer['cases'] == DECATHLON_TRAIN - 1  # case 5 has no tumour


def test_one_anatomy_stored_in_three_voxel_orders_gives_the_same_slices(tmp_path):
    """Every case is reoriented to one voxel order before slicing, whatever its own."""
    hu, label, affine, _ = render_pancreas_case(np.random.default_rng(7))
    raw = tmp_path / 'raw'
    for folder in ('imagesTr', 'labelsTr'):
        (raw / folder).mkdir(parents=True)
    cases = {'c_prs': 'PRS', 'c_sar': 'SAR', 'c_ila': 'ILA'}
    for case, order in cases.items():
        for folder, volume in (('imagesTr', hu), ('labelsTr', label)):
            data, stored_affine = stored_as(volume, affine, order)
            nib.save(nib.Nifti1Image(data, stored_affine), raw / folder / f'{case}.nii.gz')
    training = [dict(image=f'./imagesTr/{c}.nii.gz', label=f'./labelsTr/{c}.nii.gz') for c in cases]
    meta = dict(labels={'0': 'background', '1': 'pancreas', '2': 'cancer'},
                modality={'0': 'CT'}, training=training)  # fmt: skip
    (raw / 'dataset.json').write_text(json.dumps(meta))
    out = tmp_path / 'out'
    convert_decathlon(raw, out, ConvertOptions(num_folds=3, preset='cpu'), progress=False)
    reference = _slices(out, 'c_prs', '.tiff'), _slices(out, 'c_prs', '.png')
    for case in ('c_sar', 'c_ila'):
        np.testing.assert_array_equal(_slices(out, case, '.tiff'), reference[0])
        np.testing.assert_array_equal(_slices(out, case, '.png'), reference[1])
    # axial, as read: PRS voxel axis 0 runs posterior (the rows), axis 1 to the right (the
    # columns run leftward), axis 2 superior (the slices)
    expected = np.transpose(label, (2, 0, 1))[:, :, ::-1]
    np.testing.assert_array_equal(reference[1], expected)


def test_a_4d_decathlon_image_and_nnunets_channel_files_give_the_same_inputs(nnunet_raw, tmp_path):
    msd = generate_decathlon_phantom(
        tmp_path / 'msd', 3, 1, 'msd', channels=2, seed=2, progress=False
    )
    options = ConvertOptions(num_folds=3, preset='cpu')
    convert_decathlon(msd, tmp_path / 'from_msd', options, progress=False)
    convert_decathlon(nnunet_raw, tmp_path / 'from_nnunet', options, progress=False)
    plan = _record(tmp_path / 'from_nnunet')['volume_slices']
    assert [c['norm'] for c in plan['channels']] == ['ct', 'zscore'] and plan['in_channels'] == 2
    for i in (1, 2, 3):
        inputs = _slices(tmp_path / 'from_nnunet', f'PANC_{i:03d}', '.tiff')
        assert inputs.shape == (DEPTH, SIDE, SIDE, 2) and inputs.dtype == np.float32
        np.testing.assert_array_equal(
            inputs, _slices(tmp_path / 'from_msd', f'pancreas_{i:03d}', '.tiff')
        )
        t2 = inputs[..., 1]
        assert abs(t2.mean()) < 1e-3 and t2.std() == pytest.approx(1.0, abs=1e-3)  # per case


def test_the_written_configs_fit_the_data_and_build(decathlon_converted):
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    from attn_unet.engine.preflight import check_input_sizes

    record = _record(decathlon_converted)
    assert [c.split('/')[1].split('_')[0] for c in record['configs']] == [
        'attn-unet-s4-d8',
        'unet-s4-d8',
    ]
    for config in record['configs']:
        assert config.endswith(f'_task99-pancreasphantom-fold0-{SIDE}x{SIDE}.py')
        # the bases through the package scope, never a path into this checkout
        text = (decathlon_converted / config).read_text()
        bases = ast.literal_eval(text.split('_base_ = ', 1)[1].split(']', 1)[0] + ']')
        assert len(bases) == 4 and all(b.startswith('attn_unet::_base_/') for b in bases)
        assert str(REPO) not in text
        cfg = Config.fromfile(decathlon_converted / config)
        init_default_scope('mmseg')
        check_input_sizes(cfg)
        for split in ('train', 'val', 'test'):
            check_dataset_cfg(cfg[f'{split}_dataloader'].dataset, cfg.model)
        model = MODELS.build(cfg.model)
        first_conv = next(p for p in model.backbone.parameters() if p.dim() == 4)
        assert first_conv.shape[1] == 1  # one input channel: CT
        assert model.decode_head.num_classes == 3
        # AttentionUNet's gates re-project their skip (the authors' W), UNet has none
        gates = [m for m in model.backbone.modules() if type(m).__name__ == 'AttentionGate']
        assert len(gates) == (3 if config.startswith('configs/attn-unet') else 0)
        assert all(type(g.out_transform).__name__ == 'ConvModule' for g in gates)
        assert cfg.train_dataloader.dataset.metainfo.classes == ('background', 'pancreas', 'cancer')
        assert cfg.crop_size == (SIDE, SIDE)
        assert cfg.val_evaluator.type == 'VolumeMetric' and cfg.val_evaluator.empty == 'nnunet'
        wrong = cfg.model.copy()
        wrong.backbone.in_channels = 3
        with pytest.raises(
            DatasetLayoutError, match='holds 1-channel .tiff inputs of 3 classes'
        ) as info:
            check_dataset_cfg(cfg.train_dataloader.dataset, wrong)
        assert 'model.backbone.in_channels 3' in str(info.value)
        assert str(decathlon_converted / 'configs') in str(info.value)
