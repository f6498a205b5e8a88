"""Ensemble members: named on the command line or by a cross-validation folder, refused in one
line when they read other slices or mean other classes, their softmax averaged."""

import numpy as np
import pytest
from mmengine.config import Config

from attn_unet.apis.predict import (
    EnsembleSegmentor,
    Member,
    PlanSlicing,
    PredictOptions,
    SlicePrediction,
    SynapseSlicing,
    resolve_members,
    split_model_args,
)
from attn_unet.apis.predict.ensemble import check_members_agree, check_slicings_agree
from attn_unet.checkpoints import FoldModel, write_fold_models
from attn_unet.errors import ToolError

PLAN = dict(view='axial', channels=[dict(name='CT', norm='ct', clip=[-100, 200], mean=50, std=40)],
            label_values=[0, 1, 2], classes=['background', 'pancreas', 'cancer'])  # fmt: skip


def test_positional_arguments_split_into_checkpoints_and_inputs(tmp_path):
    assert split_model_args('c.py', ['a.pth', 'scan.nii.gz']) == (['a.pth'], ['scan.nii.gz'])
    assert split_model_args('c.py', ['a.pth', 'b.PTH', 'c.pth', 'scans/', 'x.nii']) == (
        ['a.pth', 'b.PTH', 'c.pth'], ['scans/', 'x.nii'])  # fmt: skip
    assert split_model_args('c.py', ['model.ckpt', 'scans/']) == (['model.ckpt'], ['scans/'])
    with pytest.raises(ToolError, match='no input to segment'):
        split_model_args('c.py', ['a.pth', 'b.pth'])
    cv = _cv_folder(tmp_path)
    assert split_model_args(str(cv), ['scans/']) == (None, ['scans/'])


def _cv_folder(tmp_path):
    folder = tmp_path / 'cv'
    for fold in (0, 2):
        (folder / f'fold_{fold}').mkdir(parents=True)
        (folder / f'fold_{fold}' / 'c.py').write_text('')
        (folder / f'fold_{fold}' / 'iter_6.pth').write_bytes(b'')
    models = [FoldModel(k, str(folder / f'fold_{k}' / 'c.py'),
                        str(folder / f'fold_{k}' / 'iter_6.pth')) for k in (2, 0)]  # fmt: skip
    write_fold_models(str(folder), models, dict(config='x.py'))
    return folder


def test_members_of_a_cross_validation_folder_are_its_folds_models(tmp_path):
    cv = _cv_folder(tmp_path)
    members, folder = resolve_members(str(cv), None)
    assert folder == str(cv)
    assert members == [Member(str(cv / f'fold_{k}' / 'c.py'), str(cv / f'fold_{k}' / 'iter_6.pth'),
                              k) for k in (0, 2)]  # fmt: skip
    (cv / 'fold_2' / 'iter_6.pth').unlink()
    with pytest.raises(ToolError, match='fold 2 of .* records .*iter_6.pth, which is gone'):
        resolve_members(str(cv), None)
    with pytest.raises(ToolError, match='is a folder, not a config file'):
        resolve_members(str(tmp_path), 'a.pth')
    with pytest.raises(ToolError, match='not a cross-validation folder'):
        resolve_members(str(tmp_path), None)
    with pytest.raises(ToolError, match='checkpoint a.pth is named twice'):
        resolve_members('c.py', ['a.pth', 'b.pth', 'a.pth'])
    assert resolve_members('c.py', 'a.pth') == ([Member('c.py', 'a.pth')], None)


@pytest.mark.parametrize(
    'change, words',
    [
        (dict(context=3), 'slice plan: context 1 vs 3'),
        (dict(view='coronal'), "slice plan: view 'axial' vs 'coronal'"),
        (dict(classes=['background', 'pancreas', 'tumour']), 'slice plan: classes'),
        (dict(label_values=[0, 1, 3]), 'slice plan: label_values'),
        (dict(channels=[dict(name='T2', norm='zscore')]), 'slice plan: channels'),
    ],
)
def test_members_cutting_other_slices_are_refused(change, words):
    members = [Member('c.py', 'a.pth'), Member('c.py', 'b.pth')]
    first = PlanSlicing.from_record(PLAN)
    check_slicings_agree([first, PlanSlicing.from_record(PLAN)], members)
    other = PlanSlicing.from_record(dict(PLAN, **change))
    with pytest.raises(ToolError, match=f'ensemble member b.pth differs from a.pth in its {words}'):
        check_slicings_agree([first, other], members)
    synapse = SynapseSlicing({}, PredictOptions(out_dir='x'))
    with pytest.raises(ToolError, match='slicing'):
        check_slicings_agree([first, synapse], members)


class _Model:
    def __init__(self, classes, in_channels):
        self.dataset_meta = dict(classes=classes)
        self.cfg = Config(dict(model=dict(backbone=dict(in_channels=in_channels))))


def test_members_meaning_other_classes_or_channels_are_refused():
    members = [Member('c.py', 'a.pth'), Member('c.py', 'b.pth', fold=1)]
    check_members_agree([_Model(['bg', 'a'], 3), _Model(['bg', 'a'], 3)], members)
    with pytest.raises(ToolError, match=r'fold 1 \(b.pth\) differs from a.pth in its classes'):
        check_members_agree([_Model(['bg', 'a'], 3), _Model(['bg', 'b'], 3)], members)
    with pytest.raises(ToolError, match='in its input channels .3 vs 1.'):
        check_members_agree([_Model(['bg', 'a'], 3), _Model(['bg', 'a'], 1)], members)


class _Segmentor:
    """Softmax of fixed logits, whatever the images."""

    def __init__(self, seed):
        logits = np.random.default_rng(seed).normal(size=(2, 3, 5, 4)).astype(np.float32)
        e = np.exp(logits)
        self.probs = e / e.sum(axis=1, keepdims=True)

    def __call__(self, images, attention=False):
        return SlicePrediction(self.probs.copy(), {})


def test_the_ensemble_averages_softmax_and_copies_of_one_model_give_it_bit_for_bit():
    one = _Segmentor(0)
    copies = EnsembleSegmentor([one] * 5)([None, None]).probs
    assert copies.dtype == np.float32
    np.testing.assert_array_equal(copies, one.probs)  # float64 sum, /5: exact
    two = EnsembleSegmentor([_Segmentor(0), _Segmentor(1)])([None, None]).probs
    np.testing.assert_allclose(two, (_Segmentor(0).probs + _Segmentor(1).probs) / 2, rtol=1e-6)
    with pytest.raises(ValueError, match='no attention maps'):
        EnsembleSegmentor([one, one])([None], attention=True)
