"""Slices of volumes converted by the Decathlon / nnU-Net converter, carrying how they were cut.

:class:`VolumeSliceDataset` is mmseg's ``BaseSegDataset`` over ``<case>_sliceZZZ.tiff``
inputs and ``.png`` class ids, plus one entry in its ``metainfo``: ``volume_slices``, read
from the ``conversion.json`` in ``data_root`` (:mod:`.conversion_record`): the slice plan
(:class:`~attn_unet.slicing.slice_plan.SlicePlan`: view, canonical voxel order, each channel's
normalisation, context K, label values) and every case's grid (shape and spacing in slice
order). mmengine's runner stores the dataset's metainfo in every checkpoint as
``meta['dataset_meta']``, so a checkpoint says how to rebuild its input from a new scan, and
:class:`~attn_unet.evaluation.VolumeMetric` finds each case's spacing for HD95 in mm. Without
``metainfo.classes`` in the config, the classes and palette are the record's.
"""

from mmseg.datasets import BaseSegDataset

from attn_unet.registry import DATASETS

from .conversion_record import read_volume_slices

__all__ = ['VolumeSliceDataset']


@DATASETS.register_module()
class VolumeSliceDataset(BaseSegDataset):
    """``BaseSegDataset`` of converted volume slices, ``metainfo['volume_slices']`` from the record.

    Args:
        img_suffix: Suffix of the inputs. Defaults to ``'.tiff'``.
        seg_map_suffix: Suffix of the label maps. Defaults to ``'.png'``.
        **kwargs: Every other ``BaseSegDataset`` argument (``data_root``, ``ann_file``,
            ``data_prefix``, ``metainfo``, ``pipeline``, ...).
    """

    def __init__(self, img_suffix: str = '.tiff', seg_map_suffix: str = '.png', **kwargs) -> None:
        record = read_volume_slices(kwargs.get('data_root'))
        metainfo = dict(kwargs.pop('metainfo', None) or {})
        if record is not None and not metainfo.get('classes'):
            metainfo['classes'] = tuple(record['classes'])
        super().__init__(
            img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, metainfo=metainfo, **kwargs
        )
        if record is not None:
            self._metainfo['volume_slices'] = record
