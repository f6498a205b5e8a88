"""The small hand-over (uint8 labels, one shared buffer a batch) changes nothing a run computes."""

import json

from mmengine.config import Config

from tests.helpers.mini_runs import probe_config, tiny_options
from tests.helpers.tools import run_tool

# mmseg's own path: int64 labels, its preprocessor, one shared-memory segment per tensor
MMSEG_HAND_OVER = [
    'train_dataloader.dataset.pipeline.6.type=PackSegInputs',
    'model.data_preprocessor.type=SegDataPreProcessor',
    'train_dataloader.collate_fn.type=pseudo_collate',
]


def _train(config, work_dir, options) -> list:
    result = run_tool('tools/train.py', config, '--work-dir', work_dir, '--cfg-options', *options)
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in (work_dir / 'losses.jsonl').read_text().splitlines()]


def test_a_loader_worker_run_trains_as_mmsegs_hand_over_does(tiny_data, tmp_path):
    config = probe_config(tmp_path, ['LossRecordProbeHook'])
    options = [
        *tiny_options(tiny_data, iters=3),
        'randomness.seed=0',
        'train_dataloader.num_workers=1',  # the batch crosses from a worker
    ]
    compact = _train(config, tmp_path / 'compact', options)
    mmseg = _train(config, tmp_path / 'mmseg', [*options, *MMSEG_HAND_OVER])
    for run, names in (
        (
            'compact',
            ('PackCompactSegInputs', 'shared_batch_collate', 'CompactLabelSegDataPreProcessor'),
        ),
        ('mmseg', ('PackSegInputs', 'pseudo_collate', 'SegDataPreProcessor')),
    ):
        dumped = Config.fromfile(tmp_path / run / 'probe_config.py')  # what the run used
        assert (dumped.train_dataloader.dataset.pipeline[6]['type'],
                dumped.train_dataloader.collate_fn['type'],
                dumped.model.data_preprocessor['type']) == names  # fmt: skip
    assert [r['iter'] for r in compact] == [1, 2, 3]
    assert compact == mmseg  # every loss and accuracy, to the last bit


def test_uint8_labels_for_mmsegs_preprocessor_are_refused_before_training(tiny_data, tmp_path):
    work_dir = tmp_path / 'refused'
    result = run_tool('tools/train.py', probe_config(tmp_path, []), '--work-dir', work_dir,
                      '--cfg-options', *tiny_options(tiny_data),
                      'model.data_preprocessor.type=SegDataPreProcessor')  # fmt: skip
    assert result.returncode == 2, result.stderr[-3000:]
    assert 'Traceback' not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith('error: ')]
    assert 'PackCompactSegInputs' in line and 'CompactLabelSegDataPreProcessor' in line
    assert not work_dir.exists() or not any(work_dir.iterdir())  # nothing written
