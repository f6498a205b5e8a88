"""nnU-Net v2's ``2d`` configuration trained on one fold for a wall-clock budget, then validated.

Runs in nnU-Net's own Python (``benchmarks/nnunet_comparison.py`` starts it), after
``nnUNetv2_plan_and_preprocess``; ``nnUNet_raw``, ``nnUNet_preprocessed`` and
``nnUNet_results`` come from the environment. It builds ``nnUNetTrainer`` directly (no
trainer look-up by name, which imports every trainer module, timm and torchvision among
them) as nnU-Net's defaults make it: plans, network, loss, augmentation, optimiser.

Only the length changes. nnU-Net trains 1000 epochs of 250 iterations; here the first
iterations are timed on real batches and the schedule is cut to what fits the budget:
``epochs x iterations`` with at least 10 epochs, so its poly learning rate decays to the
end as it would over 1000 (one validation iteration per epoch, for its pseudo-Dice log).
Then the fold's validation cases are predicted as ``perform_actual_validation`` predicts them
(sliding window, Gaussian weighting, mirroring) into ``fold_F/validation/``.
A fold whose training finished (``checkpoint_final.pth`` and ``budget_training.json``) is
loaded, not trained again.

Usage (nnU-Net's Python)::

    python benchmarks/nnunet_side/driver.py --dataset Dataset990_Phantom --fold 0 \
        --budget-s 900 --device cpu --seed 0 --out result.json
"""

import argparse
import json
import math
import os
import random
import time
from importlib.metadata import version
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description="nnU-Net's 2d configuration on a budget")
    parser.add_argument('--dataset', required=True, help='DatasetNNN_Name in nnUNet_preprocessed')
    parser.add_argument('--fold', type=int, default=0)
    parser.add_argument('--budget-s', type=float, required=True, help='training seconds')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--calibration-iters', type=int, default=3)
    parser.add_argument('--min-epochs', type=int, default=10)
    parser.add_argument('--out', required=True, help='result JSON')
    return parser.parse_args()


def budget_trainer(base, budget_s: float, calibration: int, min_epochs: int, started: float):
    """``base`` (nnUNetTrainer) whose schedule is fitted to ``budget_s`` once training starts."""
    from nnunetv2.training.lr_scheduler.polylr import PolyLRScheduler

    class BudgetTrainer(base):
        def on_train_start(self):
            super().on_train_start()
            tick = time.perf_counter()
            for _ in range(calibration):
                self.train_step(next(self.dataloader_train))
            per_iteration = (time.perf_counter() - tick) / calibration
            left = budget_s - (time.perf_counter() - started)
            per_epoch_cost = 1 + 1 / 3  # one validation batch ~ a third of a training step
            total = max(min_epochs, int(left / per_iteration / per_epoch_cost))
            self.num_iterations_per_epoch = max(1, min(250, total // min_epochs))
            self.num_epochs = max(1, total // self.num_iterations_per_epoch)
            self.num_val_iterations_per_epoch = 1
            self.lr_scheduler = PolyLRScheduler(self.optimizer, self.initial_lr, self.num_epochs)
            self.budget = dict(
                calibration_iterations=calibration,
                seconds_per_iteration=per_iteration,
                epochs=self.num_epochs,
                iterations_per_epoch=self.num_iterations_per_epoch,
                iterations=calibration + self.num_epochs * self.num_iterations_per_epoch,
            )
            self.print_to_log_file(f'budget {budget_s:.0f} s: {self.budget}')

    return BudgetTrainer


def predict_validation(trainer, dataset: str, device) -> Path:
    """The fold's validation cases predicted as ``perform_actual_validation`` predicts them
    (sliding window, step 0.5, Gaussian weights, mirroring), in this process: nnU-Net's
    multiprocess export stalled on a loaded 2-core machine."""
    from nnunetv2.inference.predict_from_raw_data import nnUNetPredictor

    trainer.set_deep_supervision_enabled(False)
    trainer.network.eval()
    predictor = nnUNetPredictor(tile_step_size=0.5, use_gaussian=True, use_mirroring=True,
                                perform_everything_on_device=device.type == 'cuda',
                                device=device, verbose=False, allow_tqdm=False)  # fmt: skip
    mirror_axes = trainer.inference_allowed_mirroring_axes
    weights = [{k: v.clone() for k, v in trainer.network.state_dict().items()}]  # one member
    predictor.manual_initialization(trainer.network, trainer.plans_manager,
                                    trainer.configuration_manager, weights, trainer.dataset_json,
                                    'nnUNetTrainer', mirror_axes)  # fmt: skip
    _, val_keys = trainer.do_split()
    images = Path(os.environ['nnUNet_raw']) / dataset / 'imagesTr'
    channels = len(trainer.dataset_json['channel_names'])
    inputs = [[str(images / f'{k}_{c:04d}.nii.gz') for c in range(channels)] for k in val_keys]
    out = Path(trainer.output_folder) / 'validation'
    out.mkdir(parents=True, exist_ok=True)  # the sequential path writes into it unmade
    predictor.predict_from_files_sequential(inputs, str(out), False, True, None)
    return out


def train_once(trainer, started: float) -> dict:
    """Train, or load the fold's final checkpoint where an earlier run of this driver finished
    training (its record beside it), so a failure after training does not cost the budget again.

    Returns:
        the training's record: seconds, the budget's schedule, final LR, pseudo-Dice per epoch.
    """
    folder = Path(trainer.output_folder)
    record, final = folder / 'budget_training.json', folder / 'checkpoint_final.pth'
    if record.is_file() and final.is_file():
        trainer.load_checkpoint(str(final))
        return json.loads(record.read_text())
    trainer.run_training()
    training = dict(
        train_seconds=time.perf_counter() - started,
        **trainer.budget,
        final_lr=trainer.optimizer.param_groups[0]['lr'],
        pseudo_dice=[
            None if math.isnan(d) else d  # JSON has no NaN
            for d in map(float, trainer.logger.get_value('mean_fg_dice', None))  # per epoch
        ],
    )
    record.write_text(json.dumps(training, indent=1) + '\n')
    return training


def main():
    args = parse_args()
    import numpy as np
    import torch
    from nnunetv2.training.nnUNetTrainer.nnUNetTrainer import nnUNetTrainer

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    folder = Path(os.environ['nnUNet_preprocessed']) / args.dataset
    plans = json.loads((folder / 'nnUNetPlans.json').read_text())
    plans['continue_training'] = False  # what nnUNetv2_train passes (2.8); older ones ignore it
    dataset_json = json.loads((folder / 'dataset.json').read_text())
    started = time.perf_counter()
    cls = budget_trainer(nnUNetTrainer, args.budget_s, args.calibration_iters, args.min_epochs,
                         started)  # fmt: skip
    trainer = cls(plans, '2d', args.fold, dataset_json, device=torch.device(args.device))
    training = train_once(trainer, started)
    tick = time.perf_counter()
    predictions = predict_validation(trainer, args.dataset, torch.device(args.device))
    validation_seconds = time.perf_counter() - tick
    config = plans['configurations']['2d']
    result = dict(
        validation_seconds=validation_seconds,
        budget_s=args.budget_s,
        predictions=str(predictions),
        batch_size=config['batch_size'],
        patch_size=config['patch_size'],
        features_per_stage=config['architecture']['arch_kwargs']['features_per_stage'],
        versions=dict(nnunetv2=version('nnunetv2'), torch=torch.__version__),
        device=args.device,
        seed=args.seed,
        **training,
    )
    Path(args.out).write_text(json.dumps(result, indent=1) + '\n')


if __name__ == '__main__':
    main()
