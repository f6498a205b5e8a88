"""The slicing of a checkpoint trained on a set the Decathlon / nnU-Net converter prepared.

Such a checkpoint carries the converter's slice plan (``meta['dataset_meta']['volume_slices']``,
:class:`~attn_unet.slicing.slice_plan.SlicePlan`). A case (one file or its channel files,
:func:`attn_unet.volumes.group_channel_files`; or a DICOM series of the plan's one modality)
is cut into the network's inputs by the converter's own code
(:func:`~attn_unet.slicing.case_slices.input_images`: the plan's voxel order,
normalisation, context and file encoding), and the predicted slices are put back on the
case's own grid (:func:`~attn_unet.slicing.case_slices.on_scan_grid`) with the dataset's
own label values.
"""

from typing import Callable, Iterator, List, Sequence

import numpy as np

from attn_unet.errors import ToolError
from attn_unet.slicing.case_slices import input_images, input_stacks, on_scan_grid
from attn_unet.slicing.slice_plan import SlicePlan
from attn_unet.volumes import CaseFiles, VoxelOrder, axis_codes, group_channel_files

__all__ = ['RECORD_KEY', 'PlanSlicing']

RECORD_KEY = 'volume_slices'


class PlanSlicing:
    """A converter's slice plan, as the pipeline uses it.

    Args:
        plan: the plan the checkpoint carries.
        round_trip: pass each input through the float32 TIFF the converter wrote, as the
            training loader read it (lossless, so False gives the same arrays without
            tifffile: the torch-free runtime's choice).
    """

    name = 'Decathlon / nnU-Net'
    read_dtype = np.float32  # the converter reads nibabel's float32
    reads_images = False
    label_ids = 'dataset'

    def __init__(self, plan: SlicePlan, round_trip: bool = True) -> None:
        self.plan = plan
        self.round_trip = round_trip
        self.modalities = tuple(c['name'] for c in plan.channels)
        self.classes: List[str] = list(plan.classes)

    @classmethod
    def from_record(cls, record: dict, round_trip: bool = True) -> 'PlanSlicing':
        return cls(SlicePlan.from_record(record), round_trip)

    @property
    def dicom_modalities(self) -> tuple:
        """A series is one channel: CT for a CT-normalised channel, MR for any other; none for
        a model of several channels."""
        if len(self.plan.channels) != 1:
            return ()
        return ('CT',) if self.plan.channels[0]['norm'] == 'ct' else ('MR',)

    def check_options(self, options) -> None:
        if options.orientation:
            raise ToolError(
                '--orientation is for checkpoints that do not record their voxel order; this '
                "one puts every scan into its recorded order from the scan's own affine: drop it"
            )
        if options.label_ids != 'synapse':
            raise ToolError(
                f'--label-ids {options.label_ids} maps the Synapse organs; this checkpoint '
                "writes its dataset's own label values: drop --label-ids"
            )

    def check_model(self, model, options) -> None:
        """The classes are the plan's (the model's dataset_meta holds the same)."""

    def cases(self, files: Sequence[str]) -> List[CaseFiles]:
        return group_channel_files(files, self.modalities)

    def slice_images(self, channels: np.ndarray, affine: np.ndarray) -> tuple[Iterator, int]:
        order = VoxelOrder.of(affine, self.plan.orientation)
        depth = order.along_target(channels.shape[1:4])[2]
        images = input_images if self.round_trip else input_stacks
        return images(self.plan, channels, affine), int(depth)

    def to_volume(self, slices: np.ndarray, affine: np.ndarray) -> np.ndarray:
        return on_scan_grid(self.plan, slices, affine)

    def label_values(self, ids: np.ndarray) -> np.ndarray:
        return self.plan.label_values_of(ids)

    def class_values(self) -> dict:
        return dict(zip(self.plan.classes, self.plan.label_values))

    def image_ids(self) -> Callable | None:
        return None

    def preprocessing(self, affine: np.ndarray) -> dict:
        return dict(self.plan.to_record(), scan_orientation=axis_codes(affine))
