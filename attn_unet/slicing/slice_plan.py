"""How volumes become slices for one dataset: the plan a converter fits and a predictor repeats.

A :class:`SlicePlan` holds every number of the preprocessing (:mod:`.volume_slices`): the
view (which world axis the slices are cut across, and the canonical voxel order that
follows from it), each channel's normalisation, the 2.5D context, the dataset's label
values with the class each becomes (and the value nnU-Net's ``ignore`` label has, read as
255 and never predicted), and the slice axes that may be mirrored in training and test-time
augmentation. The Decathlon / nnU-Net converter fits it from the
training set's fingerprint and writes it into ``conversion.json`` (``volume_slices``);
:class:`~attn_unet.datasets.volume_slice_dataset.VolumeSliceDataset` copies it into every
checkpoint's ``meta['dataset_meta']``, and the predictor rebuilds it from there.
"""

from dataclasses import asdict, dataclass, field
from typing import Tuple

import numpy as np

__all__ = ['IGNORE_ID', 'NORMS', 'VIEWS', 'SlicePlan']

# view -> canonical voxel order; the slice axis is the last, slice z = volume[:, :, z].T:
# axial rows anterior->posterior, columns patient right->left (as radiologists read them);
# coronal and sagittal rows superior->inferior.
VIEWS = {'axial': 'LPS', 'coronal': 'LIP', 'sagittal': 'PIL'}
NORMS = ('ct', 'zscore', 'none')
IMAGE_SUFFIX = '.tiff'
IGNORE_ID = 255  # the class id of unlabelled pixels: mmseg's ignore_index, excluded from loss


@dataclass(frozen=True)
class SlicePlan:
    """What cuts a volume into network inputs, and maps labels to classes and back.

    Args:
        view: ``'axial'``, ``'coronal'`` or ``'sagittal'`` (:data:`VIEWS`).
        channels: Per input channel (modality), in order: ``name``, ``norm`` (``'ct'``,
            ``'zscore'`` or ``'none'``) and, for ``'ct'``, ``clip`` ``[low, high]``,
            ``mean`` and ``std`` of the training foreground.
        label_values: The dataset's label value of each class id (``label_values[0]`` is 0,
            the background).
        classes: The class names, in class-id order.
        context: K, slices per channel stacked as input channels (odd).
        slice_gap: Distance in slices between stacked neighbours.
        mirror_axes: The slice axes (0: rows, 1: columns) a mirror may flip without turning
            one class into another; ``()`` in a record without them (no mirroring).
        ignore_value: The label value of nnU-Net's ``ignore`` label, or None. Its voxels
            become :data:`IGNORE_ID` (left out of the loss and the metric); it is no class.
    """

    view: str
    channels: Tuple[dict, ...]
    label_values: Tuple[int, ...]
    classes: Tuple[str, ...]
    context: int = 1
    slice_gap: int = 1
    image_suffix: str = field(default=IMAGE_SUFFIX)
    mirror_axes: Tuple[int, ...] = ()
    ignore_value: int | None = None

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f'view must be one of {", ".join(VIEWS)}, got {self.view!r}')
        if not isinstance(self.context, int) or self.context < 1 or self.context % 2 == 0:
            raise ValueError(f'context must be an odd whole number >= 1, got {self.context!r}')
        if not isinstance(self.slice_gap, int) or self.slice_gap < 1:
            raise ValueError(f'slice_gap must be a whole number >= 1, got {self.slice_gap!r}')
        if not self.channels or any(c.get('norm') not in NORMS for c in self.channels):
            raise ValueError(f'every channel needs a norm of {NORMS}, got {self.channels!r}')
        if len(self.label_values) != len(self.classes) or self.label_values[:1] != (0,):
            raise ValueError('label_values must start with 0 and name one value per class')
        axes = tuple(int(a) for a in self.mirror_axes)
        if axes != tuple(sorted(set(axes) & {0, 1})) or len(axes) != len(self.mirror_axes):
            raise ValueError(f'mirror_axes must be sorted axes of (0, 1), got {self.mirror_axes!r}')
        object.__setattr__(self, 'mirror_axes', axes)
        if self.ignore_value is not None:
            if int(self.ignore_value) <= max(self.label_values):
                raise ValueError(
                    f'ignore_value {self.ignore_value} must lie above every class value '
                    f'{list(self.label_values)} (nnU-Net: the ignore label is the highest)'
                )
            object.__setattr__(self, 'ignore_value', int(self.ignore_value))
        if len(self.classes) > IGNORE_ID:
            raise ValueError(f'at most {IGNORE_ID} classes fit beside the ignore id {IGNORE_ID}')
        object.__setattr__(self, 'channels', tuple(dict(c) for c in self.channels))
        object.__setattr__(self, 'label_values', tuple(int(v) for v in self.label_values))
        object.__setattr__(self, 'classes', tuple(str(c) for c in self.classes))

    @property
    def orientation(self) -> str:
        """The canonical voxel order (axis codes) every volume is put into before slicing."""
        return VIEWS[self.view]

    @property
    def in_channels(self) -> int:
        """Input channels of the network: channels x K."""
        return len(self.channels) * self.context

    def to_record(self) -> dict:
        """The plan as ``conversion.json`` and checkpoints hold it (JSON types only)."""
        record = asdict(self)
        record.update(
            channels=[dict(c) for c in self.channels],
            label_values=list(self.label_values),
            classes=list(self.classes),
            mirror_axes=list(self.mirror_axes),
            orientation=self.orientation,
            in_channels=self.in_channels,
        )
        return record

    @classmethod
    def from_record(cls, record: dict) -> 'SlicePlan':
        """The plan of a record written by :meth:`to_record` (extra keys are ignored).

        Raises:
            ValueError: a key is missing or a value is out of range.
        """
        try:
            return cls(
                view=record['view'],
                channels=tuple(record['channels']),
                label_values=tuple(record['label_values']),
                classes=tuple(record['classes']),
                context=record.get('context', 1),
                slice_gap=record.get('slice_gap', 1),
                image_suffix=record.get('image_suffix', IMAGE_SUFFIX),
                mirror_axes=tuple(record.get('mirror_axes', ())),
                ignore_value=record.get('ignore_value'),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f'not a slice plan record ({exc!r} missing or malformed)') from exc

    def class_ids(self, label: np.ndarray) -> np.ndarray:
        """Dataset label values -> class ids, uint8, same shape; the ignore value -> 255.

        Raises:
            ValueError: a value the plan does not name.
        """
        lookup = {value: i for i, value in enumerate(self.label_values)}
        if self.ignore_value is not None:
            lookup[self.ignore_value] = IGNORE_ID
        values = np.unique(label)
        unknown = [v for v in values.tolist() if v not in lookup]
        if unknown:
            raise ValueError(f'label value {unknown[0]:g} is not one of {sorted(lookup)}')
        ids = np.zeros(label.shape, np.uint8)
        for value in values.tolist():
            ids[label == value] = lookup[value]
        return ids

    def label_values_of(self, ids: np.ndarray) -> np.ndarray:
        """Class ids -> the dataset's own label values (uint8, or uint16 above 255).

        The ignore value is never written: it is no class, so no id maps to it.
        """
        dtype = np.uint8 if max(self.label_values) <= 255 else np.uint16
        return np.asarray(self.label_values, dtype=dtype)[np.asarray(ids, dtype=np.intp)]
