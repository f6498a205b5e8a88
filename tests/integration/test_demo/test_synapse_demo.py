"""demo/synapse_demo.sh (the Synapse quick start) end to end on a tiny phantom."""

import json
import re

from mmengine.config import Config

from tests.helpers.tools import run_tool

ORGANS = ('aorta', 'gallbladder', 'left_kidney', 'right_kidney', 'liver', 'pancreas', 'spleen',
          'stomach')  # fmt: skip


def test_demo_generates_converts_trains_both_and_prints_organ_table(tmp_path):
    work_dir = tmp_path / 'work'
    env = {
        'RAW': str(tmp_path / 'raw'),
        'DATA': str(tmp_path / 'synapse'),
        'NUM_TRAIN': '2',
        'NUM_VAL': '1',
        'SLICES': '6',
        'SIZE': '64x64',
        'CROP': '64',
        'BATCH': '2',
        'ITERS': '2',
        'SEED': '3',
        # two options for one run, one for the other: each reaches only its own run
        'ATTN_OPTIONS': ' '.join(
            ['model.backbone.gate_cfg.joint_norm=False', 'model.backbone.gate_cfg.inter_ratio=1.0']
        ),
        'UNET_OPTIONS': 'model.backbone.norm_eval=True',
    }
    result = run_tool('bash', 'demo/synapse_demo.sh', work_dir, env=env, timeout=1800)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    for organ in ORGANS:
        row = re.search(rf'^{organ} +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)$', output, re.M)
        assert row, output[-3000:]
        assert all(0.0 <= float(v) <= 100.0 for v in row.groups()[:2])
    assert (tmp_path / 'synapse/img_dir/val/case0001_slice005.jpg').is_file()
    for name in ('attn_unet', 'unet'):
        assert (work_dir / name / 'last_checkpoint').read_text().endswith('iter_2.pth')
        metrics = json.loads((work_dir / name / 'metrics.json').read_text())['metrics']
        assert {f'DSC.{organ}' for organ in ORGANS} <= set(metrics)
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
