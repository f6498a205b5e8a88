import cv2
import numpy as np

from tests.helpers.tiny_setup import IMAGE_HW
from tests.helpers.tools import run_tool


def test_saves_mask_over_image(tiny, tmp_path):
    out = tmp_path / 'result.png'
    proc = run_tool(
        'tools/image_demo.py',
        tiny['image'],
        tiny['attn_config'],
        tiny['attn_ckpt'],
        '--out-file',
        out,
        '--opacity',
        '1',
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = cv2.imread(str(out))[..., ::-1]
    assert result.shape[:2] == IMAGE_HW
    # opacity 1 paints the mask only: every pixel is a Cityscapes palette colour
    from mmseg.utils import get_palette

    palette = {tuple(colour) for colour in get_palette('cityscapes')}
    assert {tuple(px) for px in np.unique(result.reshape(-1, 3), axis=0)} <= palette
