"""Generated datasets shared across the suite: mini Cityscapes, Synapse and Decathlon phantoms."""

import shutil

import pytest

from attn_unet.datasets.cityscapes_convert import convert_cityscapes
from demo.synthetic import generate_mini_cityscapes

NUM_TRAIN, NUM_VAL, HEIGHT, WIDTH = 4, 2, 64, 128


@pytest.fixture(scope='session')
def mini_root(tmp_path_factory):
    """A generated, unconverted mini Cityscapes; read-only for tests."""
    root = tmp_path_factory.mktemp('mini') / 'cityscapes'
    return generate_mini_cityscapes(root, NUM_TRAIN, NUM_VAL, HEIGHT, WIDTH, seed=3)


@pytest.fixture(scope='session')
def converted_root(mini_root, tmp_path_factory):
    """The mini set after conversion to train ids; read-only for tests."""
    root = tmp_path_factory.mktemp('converted') / 'cityscapes'
    shutil.copytree(mini_root, root)
    convert_cityscapes(root)
    return root


@pytest.fixture
def mini_copy(mini_root, tmp_path):
    """A private, writable copy of the unconverted mini set."""
    root = tmp_path / 'cityscapes'
    shutil.copytree(mini_root, root)
    return root


# Synapse: a tiny raw CT phantom (2 train + 1 val cases, 6 slices of 64x64) and its conversion.
PHANTOM_TRAIN, PHANTOM_VAL, PHANTOM_SLICES, PHANTOM_SIZE = 2, 1, 6, (64, 64)


@pytest.fixture(scope='session')
def phantom_raw(tmp_path_factory):
    """A raw Synapse-layout phantom; read-only for tests."""
    from demo.synthetic import generate_ct_phantom

    root = tmp_path_factory.mktemp('phantom') / 'raw'
    return generate_ct_phantom(
        root, PHANTOM_TRAIN, PHANTOM_VAL, PHANTOM_SLICES, PHANTOM_SIZE, seed=1, progress=False
    )


@pytest.fixture(scope='session')
def phantom_converted(phantom_raw, tmp_path_factory):
    """The tiny phantom after the Synapse converter (mmseg's 2D slices); read-only for tests."""
    from attn_unet.datasets.synapse_convert import convert_synapse

    root = tmp_path_factory.mktemp('phantom') / 'synapse'
    convert_synapse(phantom_raw, root, progress=False)
    return root


@pytest.fixture(scope='session')
def phantom_converted_k(phantom_raw, tmp_path_factory):
    """``phantom_converted_k(K)``: the tiny phantom converted with ``--context K``; read-only."""
    from attn_unet.datasets.synapse_convert import convert_synapse
    from attn_unet.slicing.ct_slices import SliceSpec

    converted = {}

    def convert(context: int):
        if context not in converted:
            root = tmp_path_factory.mktemp(f'phantom_k{context}') / 'synapse'
            convert_synapse(phantom_raw, root, progress=False, spec=SliceSpec(context=context))
            converted[context] = root
        return converted[context]

    return convert


@pytest.fixture
def phantom_copy(phantom_raw, tmp_path):
    """A private, writable copy of the raw phantom."""
    root = tmp_path / 'raw'
    shutil.copytree(phantom_raw, root)
    return root


# Decathlon / nnU-Net: tiny pancreas phantoms in both raw layouts (128 x 128 x 28 voxels each).
DECATHLON_TRAIN, DECATHLON_TEST = 5, 1


@pytest.fixture(scope='session')
def decathlon_raw(tmp_path_factory):
    """A raw Decathlon-layout phantom: 5 training cases (case 5 without tumour), 1 test case,
    stored in three voxel orders; read-only for tests."""
    from demo.synthetic import generate_decathlon_phantom

    root = tmp_path_factory.mktemp('decathlon') / 'Task99_PancreasPhantom'
    return generate_decathlon_phantom(
        root, DECATHLON_TRAIN, DECATHLON_TEST, seed=2, tumour_free_every=5, progress=False
    )


@pytest.fixture(scope='session')
def decathlon_converted(decathlon_raw, tmp_path_factory):
    """The Decathlon phantom after the converter (cpu preset, fold 0 of 5); read-only."""
    from attn_unet.datasets.decathlon import ConvertOptions, convert_decathlon

    root = tmp_path_factory.mktemp('decathlon_converted') / 'task99'
    convert_decathlon(decathlon_raw, root, ConvertOptions(preset='cpu'), progress=False)
    return root


@pytest.fixture(scope='session')
def nnunet_raw(tmp_path_factory):
    """A raw nnU-Net v2 phantom with two channels (CT, T2): 3 training cases, 1 test case."""
    from demo.synthetic import generate_decathlon_phantom

    root = tmp_path_factory.mktemp('nnunet') / 'Dataset099_PancreasPhantom'
    return generate_decathlon_phantom(root, 3, 1, 'nnunet', channels=2, seed=2, progress=False)


@pytest.fixture
def decathlon_copy(decathlon_raw, tmp_path):
    """A private, writable copy of the raw Decathlon phantom."""
    root = tmp_path / 'Task99_PancreasPhantom'
    shutil.copytree(decathlon_raw, root)
    return root
