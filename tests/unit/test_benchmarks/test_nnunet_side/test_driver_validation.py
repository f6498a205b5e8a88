"""The driver's validation prediction, with nnU-Net's predictor faked (nnunetv2 is optional)."""

import sys
import types
from pathlib import Path

from nnunet_side.driver import predict_validation


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
    network = types.SimpleNamespace(eval=lambda: None)
    plans_manager = configuration_manager = None
    dataset_json = {'channel_names': {'0': 'CT'}}

    def __init__(self, output_folder):
        self.output_folder = str(output_folder)

    def set_deep_supervision_enabled(self, enabled):
        self.deep_supervision = enabled

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
