"""The Synapse slicing: a CT volume cut as mmseg's Synapse converter cut the training volumes.

Every step of the slice preparation is the converter's, from
:mod:`attn_unet.slicing.ct_slices`: the volume put into the training volumes' voxel order
(recorded by the converter as axis codes, e.g. ``'PRS'``, or given as ``--orientation``;
mmseg's converter ignores the affine, so a model learns that order), window and scale, the
converter's axis order, the 2.5D neighbour stacks, and the very file encoding (a grey JPEG
for K = 1, decoded as the training loader decodes it). So a slice of a new scan reaches the
model bit for bit as a converted slice of the same scan reached it in training and in
``tools/test.py``. Each prediction goes back into the scan's own voxel order, so it overlays
the scan under the scan's own affine. This is also the slicing of a checkpoint that records
none (a 2D model): its images are segmented as they are.
"""

from typing import Callable, Iterator, List, Sequence

import numpy as np

from attn_unet.errors import ToolError
from attn_unet.slicing.ct_slices import (
    SYNAPSE_CLASSES,
    ScaledSlices,
    SliceSpec,
    as_loaded,
    encode_slice,
    from_synapse_slices,
    slice_image,
    synapse_to_btcv,
)
from attn_unet.volumes import CaseFiles, VoxelOrder, check_axis_codes, nifti_stem

__all__ = ['LABEL_IDS', 'SynapseSlicing']

LABEL_IDS = ('synapse', 'btcv')


class SynapseSlicing:
    """mmseg's Synapse slicing of CT volumes (and the images of a 2D model).

    Args:
        record: the checkpoint's ``ct_slices`` record (``context``, ``slice_gap``,
            ``hu_window``, ``orientation``), ``{}`` when it has none.
        options: :class:`~.options.PredictOptions` (``--orientation``, ``--label-ids``).
    """

    name = 'Synapse CT'
    modalities = ('CT',)
    read_dtype = np.float64  # the converter reads nibabel's float64
    reads_images = True
    dicom_modalities = ('CT',)

    def __init__(self, record: dict, options) -> None:
        self.spec = SliceSpec(
            **{k: record[k] for k in ('context', 'slice_gap', 'hu_window') if k in record}
        )
        self.training_axcodes = options.orientation or record.get('orientation')
        self.label_ids = options.label_ids
        self.classes: List[str] = []

    def check_options(self, options) -> None:
        if options.orientation:
            check_axis_codes(options.orientation, '--orientation')

    def check_model(self, model, options) -> None:
        self.classes = list(model.dataset_meta['classes'])
        if self.label_ids == 'btcv' and tuple(self.classes) != SYNAPSE_CLASSES:
            raise ToolError(
                f'--label-ids btcv maps the 9 Synapse classes, and the checkpoint has '
                f'{len(self.classes)} classes ({", ".join(self.classes[:4])}, ...): drop '
                '--label-ids'
            )

    def cases(self, files: Sequence[str]) -> List[CaseFiles]:
        """Each file a one-channel case of its own, named by its file."""
        return [CaseFiles(nifti_stem(path), (path,)) for path in sorted(set(files))]

    def _order(self, affine: np.ndarray) -> VoxelOrder:
        return VoxelOrder.of(affine, self.training_axcodes)

    def slice_images(self, channels: np.ndarray, affine: np.ndarray) -> tuple[Iterator, int]:
        """The loaded images ``(X', Y', C)`` uint8 of ``channels`` ``(1, X, Y, Z)`` in HU."""
        volume = self._order(affine).to_target(channels[0])
        slices = ScaledSlices(volume, self.spec)  # scaled slice by slice, not held whole

        def images():
            for z in range(len(slices)):
                file_bytes = encode_slice(slice_image(slices, z, self.spec), self.spec)
                yield as_loaded(file_bytes, self.spec)

        return images(), len(slices)

    def to_volume(self, slices: np.ndarray, affine: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(self._order(affine).to_stored(from_synapse_slices(slices)))

    def label_values(self, ids: np.ndarray) -> np.ndarray:
        return synapse_to_btcv(ids) if self.label_ids == 'btcv' else ids.astype(np.uint8)

    def class_values(self) -> dict:
        ids = np.arange(len(self.classes))
        return {name: int(v) for name, v in zip(self.classes, self.label_values(ids))}

    def image_ids(self) -> Callable | None:
        return synapse_to_btcv if self.label_ids == 'btcv' else None

    def preprocessing(self, affine: np.ndarray) -> dict:
        order = self._order(affine)
        return dict(
            **self.spec.to_dict(),
            image_suffix=self.spec.image_suffix,
            training_orientation=order.target,
            scan_orientation=order.stored,
        )
