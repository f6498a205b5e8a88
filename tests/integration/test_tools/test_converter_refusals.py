"""The converters refuse what predict refuses, run as users run them: exit 2, one line, nothing.

NaN voxels in a training image, an affine whose voxels span no volume, and a label drawn on
another grid than its image stop ``tools/dataset_converters/{synapse,decathlon}.py`` (real
processes) before anything is written, in one line naming the case. With
``--allow-non-finite`` the NaN voxels are read as predict reads them (air in CT) and
``conversion.json`` records them; no NaN reaches a written slice.
"""

import json
import shutil

import nibabel as nib
import numpy as np
import pytest
import tifffile

from tests.helpers.tools import assert_one_line_error, run_tool

TOOLS = {
    'synapse': 'tools/dataset_converters/synapse.py',
    'decathlon': 'tools/dataset_converters/decathlon.py',
}


@pytest.fixture(params=['synapse', 'decathlon'])
def raw(request, phantom_raw, decathlon_raw, tmp_path):
    """A private copy of a raw set, with the image and label file of the case to damage."""
    if request.param == 'synapse':
        root = shutil.copytree(phantom_raw, tmp_path / 'raw')
        case, image, label = '0006', root / 'img/img0006.nii.gz', root / 'label/label0006.nii.gz'
    else:
        root = shutil.copytree(decathlon_raw, tmp_path / 'Task99_PancreasPhantom')
        case = 'pancreas_003'
        image, label = root / f'imagesTr/{case}.nii.gz', root / f'labelsTr/{case}.nii.gz'
    return dict(kind=request.param, root=root, case=case, image=image, label=label)


def _convert(raw, *extra):
    out = raw['root'].parent / 'converted'
    args = ['--save-path', out, '--no-progress', *extra]
    if raw['kind'] == 'decathlon':
        args += ['--preset', 'cpu']
    return run_tool(TOOLS[raw['kind']], raw['root'], *args), out


def _resave(path, data=None, affine=None):
    image = nib.load(path)
    data = np.asarray(image.dataobj) if data is None else data
    nib.save(nib.Nifti1Image(data, image.affine if affine is None else affine), path)


def _nan_voxels(raw):
    data = np.asarray(nib.load(raw['image']).dataobj).astype(np.float32)
    data[2:4, 3:5, 1] = np.nan  # 4 voxels
    data[5, 5, 2] = np.inf
    _resave(raw['image'], data)
    return ('has 5 of', 'voxels that are not finite', '--allow-non-finite')


def _singular_affine(raw):
    image = nib.load(raw['image'])
    flat = nib.Nifti1Image(np.asarray(image.dataobj), None)
    flat.header.set_sform(np.diag([1.0, 0.0, 1.0, 1.0]), code=2)  # an axis of no extent
    nib.save(flat, raw['image'])
    return ('has a singular affine', 'fix the qform/sform')


def _label_off_grid(raw):
    shifted = nib.load(raw['label']).affine.copy()
    shifted[0, 3] += 5.0  # drawn 5 mm off
    _resave(raw['label'], affine=shifted)
    return ('different affines (up to 5 mm apart)', 'resample the label')


@pytest.mark.parametrize('damage', [_nan_voxels, _singular_affine, _label_off_grid])
def test_a_bad_case_stops_the_converter_before_anything_is_written(raw, damage):
    words = damage(raw)
    before = sorted(p.name for p in raw['root'].parent.iterdir())
    run, out = _convert(raw)
    assert_one_line_error(run, f'case {raw["case"]}', *words)
    assert not out.exists()
    assert sorted(p.name for p in raw['root'].parent.iterdir()) == before  # no staging left


def test_allowed_nan_voxels_are_read_as_air_and_recorded(raw):
    _nan_voxels(raw)
    run, out = _convert(raw, '--allow-non-finite')
    assert run.returncode == 0, run.stderr[-2000:]
    assert '5 voxels that are not finite in 1 case(s) were read as air' in run.stderr
    record = json.loads((out / 'conversion.json').read_text())['non_finite']
    assert record['voxels'] == {raw['case']: 5}
    if raw['kind'] == 'decathlon':  # float TIFF inputs could carry a NaN: none does
        assert record['read_as'] == {'CT': -1024.0}
        slices = sorted((out / 'img_dir').glob(f'{raw["case"]}_slice*.tiff'))
        assert slices and all(np.isfinite(tifffile.imread(p)).all() for p in slices)
    else:
        assert record['read_as'] == -1024.0
