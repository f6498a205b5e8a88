"""The layout entry of Synapse: the slices ``tools/dataset_converters/synapse.py`` writes.

Its extra check holds the config against the converter's record (K slices per input,
``.jpg`` or ``.tiff``): :func:`~attn_unet.datasets.ct_slices_check.check_ct_slices`.
"""

from ..ct_slices_check import check_ct_slices
from .entry import LayoutEntry, register_layout

__all__ = ['SYNAPSE']


def _check_recorded_slices(dataset_cfg: dict, model_cfg: dict | None) -> None:
    img_suffix = dataset_cfg.get('img_suffix') or SYNAPSE.img_suffix
    check_ct_slices(dataset_cfg.get('data_root'), img_suffix, model_cfg)


SYNAPSE = register_layout(
    LayoutEntry(
        dataset_type='SynapseDataset',
        name='Synapse',
        img_suffix='.jpg',
        seg_suffix='.png',
        img_files='caseXXXX_sliceYYY{img_suffix}',
        seg_files='.png label',
        converter='python3 tools/dataset_converters/synapse.py RAW_DIR --save-path',
        no_root='convert the raw Synapse volumes with {convert} (or generate a phantom: '
        'python3 demo/generate_synapse_phantom.py RAW_DIR), or set data_root in the config',
        no_images='run {convert}',
        items='slices',
        unlabelled='rerun {convert}',
        suffix_from_config=True,
        checks=(_check_recorded_slices,),
    )
)
