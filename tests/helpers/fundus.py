"""A tiny synthetic DRIVE for the tests: 2 training + 1 test photograph of 64x64."""

from pathlib import Path

NUM_TRAIN, NUM_TEST, SIZE = 2, 1, 64


def make_fundus_zips(folder: Path) -> dict:
    """``{'training': training.zip, 'test': test.zip}`` of a tiny generated set in ``folder``."""
    from demo.synthetic import generate_fundus

    return generate_fundus(folder, NUM_TRAIN, NUM_TEST, SIZE, SIZE, seed=1)


def make_drive_phantom(folder: Path) -> Path:
    """The tiny set converted by mmseg's DRIVE converter into ``folder/DRIVE``."""
    from attn_unet.datasets.drive_convert import convert_drive

    zips = make_fundus_zips(folder / 'zips')
    convert_drive(zips['training'], zips['test'], folder / 'DRIVE')
    return folder / 'DRIVE'
