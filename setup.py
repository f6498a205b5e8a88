"""attn-unet: Attention U-Net for mmsegmentation 1.2.2."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_requirements(name: str) -> list[str]:
    """Requirement lines of requirements/<name>.txt, comments dropped."""
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [line.split('#')[0].strip() for line in lines if line.split('#')[0].strip()]


def read_version() -> str:
    text = (HERE / 'attn_unet' / 'version.py').read_text()
    return re.search(r"__version__ = '([^']+)'", text).group(1)


setup(
    name='attn-unet',
    version=read_version(),
    description='Attention U-Net (Oktay et al. 2018) for mmsegmentation 1.2.2',
    long_description=(HERE / 'README.md').read_text(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.10',
    packages=find_packages(include=('attn_unet', 'attn_unet.*')),
    install_requires=read_requirements('runtime'),
    extras_require={
        # mmcv is left to the user: a compiled mmcv that is already installed is used
        # untouched; [lite] adds mmcv-lite, which is all a UNet/FCN model needs.
        'lite': read_requirements('lite'),
        # ONNX export (tools/deployment/export_onnx.py) and the onnxruntime backend.
        'deploy': read_requirements('deploy'),
        # DICOM series in and DICOM Segmentation out (tools/predict.py): pydicom, highdicom
        # and pydicom's decoder plugins for compressed series.
        'dicom': read_requirements('dicom'),
        # nnU-Net v2 for benchmarks/nnunet_comparison.py, in an environment of its own: its
        # torchvision needs a torch of its own build (docs/en/benchmarks.md).
        'nnunet': read_requirements('nnunet'),
        'tests': read_requirements('tests'),
    },
    include_package_data=True,
    zip_safe=False,
)
