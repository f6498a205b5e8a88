"""benchmarks/augmentation_ab.py: every run's result, named by arm, network and seed, in --out.

The harness is on the path through tests/conftest.py, as the benchmark scripts see it.
"""

import json


def test_out_holds_every_run_with_its_arm_network_and_seed(tmp_path, monkeypatch, capsys):
    import augmentation_ab
    import decathlon_runs

    def train_and_test(config, folder, seed, settings):
        # what decathlon_runs.train_and_test returns: the seed is in it already
        return {'metrics': {'nnunet/mDSC': 50.0 + seed, 'nnunet/DSC.pancreas': 80.0},
                'train_seconds': 1.0, 'seed': seed, 'config': str(config)}  # fmt: skip

    monkeypatch.setattr(decathlon_runs, 'generate_phantom', lambda out, seed: out)
    monkeypatch.setattr(decathlon_runs, 'convert', lambda raw, out, fold, arm: out)
    monkeypatch.setattr(decathlon_runs, 'config_of', lambda converted, net: converted / net)
    monkeypatch.setattr(decathlon_runs, 'train_and_test', train_and_test)
    out = tmp_path / 'ab.json'
    augmentation_ab.main(['--work-dir', str(tmp_path), '--seeds', '0,1', '--out', str(out)])
    rows = json.loads(out.read_text())
    assert sorted((r['arm'], r['network'], r['seed']) for r in rows) == sorted(
        (a, n, s) for a in ('nnunet', 'light') for n in ('attn-unet', 'unet') for s in (0, 1)
    )
    assert all(r['metrics']['nnunet/mDSC'] == 50.0 + r['seed'] for r in rows)
    assert '| light | nnunet/mDSC | 50.0 | 51.0 | 50.5 +- 0.7 |' in capsys.readouterr().out
