"""The driver's training record and validation prediction, nnU-Net faked (nnunetv2 is optional)."""

import json
import sys
import types
from pathlib import Path

import numpy as np
from nnunet_side.driver import predict_validation, train_once


class FakePredictor:
    """Writes into the output folder without making it, as nnU-Net 2.8's sequential path does."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def manual_initialization(self, *args):
        self.mirror_axes = args[-1]

    def predict_from_files_sequential(self, inputs, output_folder, *args):
        (Path(output_folder) / 'predict_from_raw_data_args.json').write_text('{}')
        for case in inputs:
            name = Path(case[0]).name.replace('_0000.nii.gz', '.nii.gz')
            (Path(output_folder) / name).write_text('')


class FakeTrainer:
    inference_allowed_mirroring_axes = (0, 1)
    network = types.SimpleNamespace(eval=lambda: None, state_dict=lambda: {})
    budget = {'epochs': 10, 'iterations_per_epoch': 2}
    optimizer = types.SimpleNamespace(param_groups=[{'lr': 0.001}])
    logger = types.SimpleNamespace(
        get_value=lambda key, step: {'mean_fg_dice': [0.1, 0.2, np.float32('nan')]}[key]
    )
    plans_manager = configuration_manager = None
    dataset_json = {'channel_names': {'0': 'CT'}}

    def __init__(self, output_folder):
        self.output_folder = str(output_folder)
        Path(output_folder).mkdir(parents=True, exist_ok=True)
        self.trained = self.loaded = None

    def set_deep_supervision_enabled(self, enabled):
        self.deep_supervision = enabled

    def run_training(self):
        self.trained = True
        (Path(self.output_folder) / 'checkpoint_final.pth').write_text('weights')

    def load_checkpoint(self, path):
        self.loaded = path

    def do_split(self):
        return ['case_a'], ['case_b', 'case_c']


def test_validation_predictions_land_in_a_folder_the_driver_makes(tmp_path, monkeypatch):
    module = types.ModuleType('nnunetv2.inference.predict_from_raw_data')
    module.nnUNetPredictor = FakePredictor
    monkeypatch.setitem(sys.modules, 'nnunetv2.inference.predict_from_raw_data', module)
    monkeypatch.setenv('nnUNet_raw', str(tmp_path / 'raw'))
    trainer = FakeTrainer(tmp_path / 'fold_0')

    out = predict_validation(trainer, 'Dataset990_Phantom', types.SimpleNamespace(type='cpu'))

    assert out == tmp_path / 'fold_0' / 'validation'
    assert sorted(p.name for p in out.glob('*.nii.gz')) == ['case_b.nii.gz', 'case_c.nii.gz']
    assert trainer.deep_supervision is False


def test_a_finished_training_is_loaded_not_repeated(tmp_path):
    first = FakeTrainer(tmp_path / 'fold_0')
    record = train_once(first, started=0.0)
    assert first.trained and first.loaded is None
    assert record['pseudo_dice'] == [0.1, 0.2, None] and record['epochs'] == 10  # NaN: None
    assert json.loads((tmp_path / 'fold_0' / 'budget_training.json').read_text()) == record

    again = FakeTrainer(tmp_path / 'fold_0')
    assert train_once(again, started=0.0) == record
    assert again.trained is None and again.loaded.endswith('checkpoint_final.pth')


def test_a_checkpoint_without_its_record_is_trained_again(tmp_path):
    (tmp_path / 'fold_0').mkdir()
    (tmp_path / 'fold_0' / 'checkpoint_final.pth').write_text('from a run that did not finish')
    trainer = FakeTrainer(tmp_path / 'fold_0')
    train_once(trainer, started=0.0)
    assert trainer.trained and trainer.loaded is None
