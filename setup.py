"""attn-unet: Attention U-Net for mmsegmentation 1.2.2."""

import re
import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent
# What mim and the `attn_unet::` config scope read from an installed package, as mmseg
# ships them in mmseg/.mim/: the configs (their _base_ files included), the tools, the index.
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def read_requirements(name: str) -> list[str]:
    """Requirement lines of requirements/<name>.txt, comments dropped."""
    lines = (HERE / 'requirements' / f'{name}.txt').read_text().splitlines()
    return [line.split('#')[0].strip() for line in lines if line.split('#')[0].strip()]


def read_version() -> str:
    text = (HERE / 'attn_unet' / 'version.py').read_text()
    return re.search(r"__version__ = '([^']+)'", text).group(1)


class BuildPyWithMim(build_py):
    """build_py, then MIM_FILES copied into the build's attn_unet/.mim/ (a wheel, an sdist's
    build). An editable install copies nothing: attn_unet.compat.config_scope reads the
    checkout's configs/ beside the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, 'editable_mode', False):
            return
        mim = Path(self.build_lib) / 'attn_unet' / '.mim'
        shutil.rmtree(mim, ignore_errors=True)  # nothing left from an earlier build
        mim.mkdir(parents=True)
        junk = shutil.ignore_patterns('__pycache__', '*.pyc')
        for name in MIM_FILES:
            source = HERE / name
            if source.is_dir():
                shutil.copytree(source, mim / name, ignore=junk)
            else:
                shutil.copyfile(source, mim / name)


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
    cmdclass={'build_py': BuildPyWithMim},
    zip_safe=False,
)
