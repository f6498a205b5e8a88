"""Segment a NIfTI scan with an exported model using numpy, nibabel and onnxruntime only.

    python demo/onnx_plain.py MODEL.onnx SCAN.nii.gz OUT.nii.gz

Everything comes from the model's card (its metadata, docs/en/deploy.md). For a Synapse
model the converter's JPEG round trip is left out and OpenCV's resize is approximated, so a
few voxels may differ from tools/predict.py; for a Decathlon / nnU-Net plan the inputs are
the converter's own.
"""

import json
import sys

import nibabel as nib
import numpy as np
import onnxruntime as ort
from nibabel.orientations import apply_orientation, axcodes2ornt, io_orientation, ornt_transform


def resize(x, height, width):
    """(..., H, W) -> (..., height, width), bilinear, pixel centres aligned."""
    for axis, size in ((-2, height), (-1, width)):
        n = x.shape[axis]
        src = np.clip((np.arange(size) + 0.5) * n / size - 0.5, 0, n - 1)
        low = np.floor(src).astype(int)
        high, w = np.minimum(low + 1, n - 1), src - low
        shape = [1] * x.ndim
        shape[axis] = size
        w = w.reshape(shape)
        x = np.take(x, low, axis) * (1 - w) + np.take(x, high, axis) * w
    return x


def inputs_of(volume, card):
    """(C, X, Y, Z) in the model's voxel order -> the network's slices (Z, C', H, W)."""
    s = card['slicing']
    k, gap = s.get('context', 1), s.get('slice_gap', 1)
    if s['kind'] == 'plan':  # every channel normalised as planned, slice z = volume[:, :, z].T
        planes = []
        for v, c in zip(volume.astype(np.float64), s['channels']):
            if c['norm'] == 'ct':
                v = (np.clip(v, *c['clip']) - c['mean']) / max(c['std'], 1e-8)
            elif c['norm'] == 'zscore':
                v = (v - v.mean()) / max(v.std(), 1e-8)
            planes.append(np.transpose(v, (2, 1, 0)).astype(np.float32))
    else:  # Synapse: HU window to 0..255 (truncated), slices (Z, X, Y) with the last axis flipped
        low, high = s.get('hu_window', (-125.0, 275.0))
        v = np.clip(volume[0].astype(np.float64), low, high)
        planes = [np.flip(np.transpose(np.floor((v - low) / (high - low) * 255), (2, 0, 1)), 2)]
    depth, half = planes[0].shape[0], (k - 1) // 2
    out = []
    for z in range(depth):
        near = [min(max(z + j * gap, 0), depth - 1) for j in range(-half, half + 1)]
        stack = [p[i] for p in planes for i in near]
        out.append(stack * 3 if s['kind'] == 'synapse' and k == 1 else stack)  # grey as RGB
    return np.asarray(out, dtype=np.float32)


def segment(session, card, slices):
    """(Z, C, H, W) slices -> class ids (Z, H, W)."""
    z, c, h, w = slices.shape
    for step in card['test_pipeline']:  # mmcv's Resize with keep_ratio
        if step['type'] != 'Resize':
            raise SystemExit(f'the test pipeline has {step["type"]}: use tools/predict.py')
        long, short = max(step['scale']), min(step['scale'])
        factor = min(long / max(h, w), short / min(h, w)) if step['keep_ratio'] else None
        size = (int(h * factor + 0.5), int(w * factor + 0.5)) if factor else step['scale'][::-1]
        slices = np.clip(np.round(resize(slices, *size)), 0, 255)
    x = slices[:, ::-1] if card['reverse_channels'] and c == 3 else slices
    if card['mean'] is not None:
        x = (x - np.reshape(card['mean'], (1, -1, 1, 1))) / np.reshape(card['std'], (1, -1, 1, 1))
    rh, rw = x.shape[-2:]
    d = card['test_pad'].get('size_divisor') or 1
    x = np.pad(x, ((0, 0), (0, 0), (0, -rh % d), (0, -rw % d))).astype(np.float32)
    logits = np.concatenate(
        [session.run(None, {'inputs': x[i : i + 4]})[0] for i in range(0, z, 4)]
    )
    if card['align_corners']:
        raise SystemExit('the head resizes with align_corners=True: use tools/predict.py')
    logits = resize(logits[:, :, :rh, :rw], h, w)
    return logits.argmax(1) if logits.shape[1] > 1 else (logits[:, 0] > 0).astype(int)


def main(model_path, scan_path, out_path):
    session = ort.InferenceSession(model_path, providers=['CPUExecutionProvider'])
    card = {k: json.loads(v) for k, v in session.get_modelmeta().custom_metadata_map.items()}
    scan = nib.load(scan_path)
    data = np.asarray(scan.dataobj, dtype=np.float64)
    data = data[..., None] if data.ndim == 3 else data  # (X, Y, Z, C)
    target = card['slicing'].get('orientation')  # the training volumes' voxel order
    to_model = ornt_transform(io_orientation(scan.affine), axcodes2ornt(target)) if target else None
    if to_model is not None:
        data = apply_orientation(data, to_model)
    ids = segment(session, card, inputs_of(np.moveaxis(data, -1, 0), card))
    if card['slicing']['kind'] == 'plan':
        labels = np.transpose(ids, (2, 1, 0))
        labels = np.asarray(card['slicing']['label_values'])[labels]
    else:
        labels = np.transpose(np.flip(ids, 2), (1, 2, 0))
    if to_model is not None:
        back = ornt_transform(axcodes2ornt(target), io_orientation(scan.affine))
        labels = apply_orientation(labels, back)
    out = nib.Nifti1Image(labels.astype(np.uint16), scan.affine, scan.header)
    out.set_data_dtype(np.uint16)
    nib.save(out, out_path)


if __name__ == '__main__':
    main(*sys.argv[1:4])
