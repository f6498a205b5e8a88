import json

import cv2
import pytest

from attn_unet.analysis import load_scalars, plot_curves, run_name
from attn_unet.errors import ToolError


def write_scalars(path, num_iters, val_every, seed):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, 'w') as f:
        for step in range(10, num_iters + 1, 10):
            f.write(json.dumps(dict(lr=0.01 / step, loss=seed + 1 / step, step=step)) + '\n')
            if step % val_every == 0:
                f.write(json.dumps(dict(aAcc=90.0, mIoU=40.0 + step / 10, step=step)) + '\n')
    return str(path)


def test_load_scalars_splits_train_and_val(tmp_path):
    curves = load_scalars(write_scalars(tmp_path / 'scalars.json', 40, 20, 0))
    assert curves['loss'][0] == [10, 20, 30, 40]
    assert curves['mIoU'] == ([20, 40], [42.0, 44.0])
    assert 'step' not in curves


def test_plot_curves_of_several_runs(tmp_path):
    logs = [
        write_scalars(tmp_path / f'work_dirs/run{i}/2024/vis_data/scalars.json', 50, 25, i)
        for i in range(3)
    ]
    out = str(tmp_path / 'fig.png')
    plotted = plot_curves(logs, ['loss', 'lr', 'mIoU'], out)
    assert len(plotted) == 9 and 'run1/2024: mIoU' in plotted
    assert cv2.imread(out).shape[0] > cv2.imread(out).shape[1]  # three stacked subplots
    assert run_name(logs[0]) == 'run0/2024'


@pytest.mark.parametrize(
    'keys, legend, message',
    [
        (['accuracy'], None, "'accuracy' is in none of the logs; available: aAcc, loss"),
        (['loss'], ['a', 'b', 'c'], 'one name per log'),
    ],
)
def test_plot_curves_bad_input(tmp_path, keys, legend, message):
    log = write_scalars(tmp_path / 'scalars.json', 20, 10, 0)
    with pytest.raises(ToolError, match=message):
        plot_curves([log], keys, str(tmp_path / 'x.png'), legend)


def test_load_scalars_rejects_non_json(tmp_path):
    (tmp_path / 'bad.json').write_text('{"loss": 1, "step": 1}\nnot json\n')
    with pytest.raises(ToolError, match='bad.json:2 is not JSON'):
        load_scalars(str(tmp_path / 'bad.json'))
