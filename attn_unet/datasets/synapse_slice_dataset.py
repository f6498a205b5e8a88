"""mmseg's Synapse slices, carrying how they were cut from the CT volumes.

:class:`SynapseSliceDataset` is mmseg's ``SynapseDataset`` plus one entry in its
``metainfo``: ``ct_slices``, read from the ``conversion.json`` the Synapse
converter leaves in ``data_root`` (:mod:`.conversion_record`): ``context`` K,
``slice_gap``, ``hu_window``, ``image_suffix`` and the volumes' ``orientation``.
mmengine's runner stores ``train_dataloader.dataset.metainfo`` in every
checkpoint as ``meta['dataset_meta']``, so a checkpoint says how to rebuild its
input slices from a new NIfTI scan. A set converted before the record existed
has no ``ct_slices``: mmseg's 2D JPEG slices (K = 1).
"""

from mmseg.datasets import SynapseDataset

from attn_unet.registry import DATASETS

from .conversion_record import read_ct_slices

__all__ = ['SynapseSliceDataset']


@DATASETS.register_module()
class SynapseSliceDataset(SynapseDataset):
    """mmseg's ``SynapseDataset`` with ``metainfo['ct_slices']`` from the conversion record.

    Takes every argument of ``SynapseDataset`` (``img_suffix`` ``'.jpg'`` for
    2D slices, ``'.tiff'`` for K > 1; ``seg_map_suffix`` ``'.png'``).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ct_slices = read_ct_slices(self.data_root)
        if ct_slices is not None:
            self._metainfo['ct_slices'] = ct_slices
