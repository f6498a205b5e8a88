"""demo/synapse_demo.sh (the Synapse quick start) end to end on a tiny phantom; its folders."""

import json
import re
import shutil

import pytest
from mmengine.config import Config

from tests.helpers.tools import assert_one_line_error, file_hashes, run_tool

ORGANS = ('aorta', 'gallbladder', 'left_kidney', 'right_kidney', 'liver', 'pancreas', 'spleen',
          'stomach')  # fmt: skip
TINY = {
    'NUM_TRAIN': '2',
    'NUM_VAL': '1',
    'SLICES': '6',
    'SIZE': '64x64',
    'CROP': '64',
    'BATCH': '2',
    'ITERS': '2',
    'SEED': '3',
}


def _demo(work_dir, **env):
    return run_tool('bash', 'demo/synapse_demo.sh', work_dir, env=env, timeout=1800)


def _assert_organ_table(output: str) -> None:
    for organ in ORGANS:
        row = re.search(rf'^{organ} +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)$', output, re.M)
        assert row, output[-3000:]
        assert all(0.0 <= float(v) <= 100.0 for v in row.groups()[:2])


@pytest.mark.slow  # 25-45 s: a whole demo run; keeps the default suite under 15 min
def test_demo_generates_converts_trains_both_and_prints_organ_table(tmp_path):
    work_dir = tmp_path / 'work'
    env = {
        **TINY,
        'DEMO_DIR': str(tmp_path / 'demo'),
        # two options for one run, one for the other: each reaches only its own run
        'ATTN_OPTIONS': ' '.join(
            ['model.backbone.gate_cfg.joint_norm=False', 'model.backbone.gate_cfg.inter_ratio=1.0']
        ),
        'UNET_OPTIONS': 'model.backbone.norm_eval=True',
    }
    result = _demo(work_dir, **env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    _assert_organ_table(output)
    # its own folders under DEMO_DIR, and nothing else there (no staging left)
    assert sorted(p.name for p in (tmp_path / 'demo').iterdir()) == [
        'synapse_phantom',
        'synapse_phantom_raw',
    ]
    assert (tmp_path / 'demo/synapse_phantom/img_dir/val/case0001_slice005.jpg').is_file()
    for name in ('attn_unet', 'unet'):
        assert (work_dir / name / 'last_checkpoint').read_text().endswith('iter_2.pth')
        metrics = json.loads((work_dir / name / 'metrics.json').read_text())['metrics']
        assert {f'transunet/DSC.{organ}' for organ in ORGANS} <= set(metrics)
        dumped = Config.fromfile(next((work_dir / name).glob('*.py')))
        assert dumped.randomness.seed == 3
        assert dumped.model.backbone.type == ('AttentionUNet' if name == 'attn_unet' else 'UNet')
        # the default pair: the authors' fused deep supervision on both networks
        assert dumped.model.decode_head.type == 'FusedDSVHead'
        backbone = dumped.model.backbone
        if name == 'attn_unet':
            assert (backbone.gate_cfg.joint_norm, backbone.gate_cfg.inter_ratio) == (False, 1.0)
            assert not backbone.get('norm_eval', False)
        else:
            assert 'gate_cfg' not in backbone and backbone.norm_eval is True


@pytest.mark.slow  # 25-45 s: a whole demo run; keeps the default suite under 15 min
def test_context_3_converts_a_given_raw_set_and_trains_the_2_5d_pair(phantom_raw, tmp_path):
    raw = shutil.copytree(phantom_raw, tmp_path / 'my_raw')
    before = file_hashes(raw)
    data = tmp_path / 'my_data_k3'  # a new folder: converted into
    work_dir = tmp_path / 'work'
    result = _demo(work_dir, **TINY, CONTEXT='3', RAW=str(raw), DATA=str(data))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    _assert_organ_table(output)
    assert file_hashes(raw) == before  # a given RAW is only read
    assert json.loads((data / 'conversion.json').read_text())['ct_slices']['context'] == 3
    for name in ('attn_unet', 'unet'):
        dumped = Config.fromfile(next((work_dir / name).glob('*.py')))
        assert '_synapse-2.5d-k3-phantom-160x160' in dumped.filename
        assert dumped.model.backbone.in_channels == 3
        assert dumped.train_dataloader.dataset.img_suffix == '.tiff'


@pytest.mark.parametrize(
    'make_raw, needles',
    [
        # the real download's RawData/ one level too high: img/ and label/ lie in Training/
        (
            lambda raw: (raw / 'Training/img').mkdir(parents=True),
            ['RAW={raw} holds no img/ and label/ folders', 'RAW is never written'],
        ),
        (lambda raw: None, ['RAW={raw} not found', 'unset RAW']),
    ],
    ids=['no-img', 'absent'],
)
def test_a_given_raw_folder_that_is_no_raw_set_is_refused_and_never_written(
    tmp_path, make_raw, needles
):
    raw = tmp_path / 'RawData'
    make_raw(raw)
    before = file_hashes(raw) if raw.exists() else None
    result = _demo(
        tmp_path / 'work', **TINY, RAW=str(raw), DATA=str(tmp_path / 'data'),
        DEMO_DIR=str(tmp_path / 'demo'),
    )  # fmt: skip
    assert_one_line_error(result, *(n.format(raw=raw) for n in needles))
    assert (file_hashes(raw) if raw.exists() else None) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == (['RawData'] if before is not None else [])


def test_an_unknown_context_is_refused(tmp_path):
    result = _demo(tmp_path / 'work', **TINY, CONTEXT='4', DEMO_DIR=str(tmp_path / 'demo'))
    assert_one_line_error(result, 'CONTEXT=4 has no config pair: use 1 (2D slices), 3 or 5')
    assert not list(tmp_path.iterdir())


def test_a_given_converted_set_is_used_as_it_is_and_never_written(phantom_converted, tmp_path):
    data = shutil.copytree(phantom_converted, tmp_path / 'my_data')  # 2D slices
    before = file_hashes(data)
    work_dir = tmp_path / 'work'
    result = _demo(work_dir, **TINY, CONTEXT='3', DATA=str(data), DEMO_DIR=str(tmp_path / 'demo'))
    assert result.returncode == 2
    assert f'using the converted set in DATA={data} as it is' in result.stdout
    log = (work_dir / 'attn_unet' / 'train.log').read_text()
    assert f'error: {data} holds 1-slice inputs' in log  # the 2.5D pair refuses 2D slices
    assert file_hashes(data) == before
    assert not (tmp_path / 'demo').exists()  # no phantom generated: nothing to convert
