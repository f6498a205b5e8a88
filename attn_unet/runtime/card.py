"""What an exported model carries so that it runs alone: its card, in the ONNX file's metadata.

An ONNX graph of a segmentor takes a preprocessed batch and returns logits
(:mod:`attn_unet.deployment`); what turns a scan into that batch, and the logits back into
label values on the scan's grid, is the card, written by ``tools/deployment/export_onnx.py``
into the model's ``metadata_props`` (one key each, values in JSON):

===================  =========================================================================
key                  meaning
===================  =========================================================================
in_channels ...      the graph's own keys (:data:`GRAPH_KEYS`): C, size divisor, the data
                     preprocessor's mean / std and channel reversal, classes, heads
slicing              how a volume becomes slices: ``{"kind": "synapse", ...}`` (mmseg's
                     Synapse slicing: HU window, voxel order, K, slice gap, JPEG or TIFF) or
                     ``{"kind": "plan", ...}`` (a converter's slice plan: voxel order, every
                     channel's normalisation, K, label values); ``null`` for a 2D model
test_pipeline        the test pipeline's steps after loading: ``[{"type": "Resize", "scale":
                     [w, h], "keep_ratio": true, "interpolation": "bilinear"}]`` or ``[]``
image_loading        how 2D images load: ``{"backend": "cv2", "color_type": "color"}``
test_pad             the preprocessor's test padding: ``{"size": [h, w] or null,
                     "size_divisor": n or null}``
align_corners        the decode head's, for resizing the logits back to the image
mirror_axes          slice axes training mirrored along (``--tta flip`` uses these)
mirror_sources       the training transforms that mirrored
intensity_range      per channel, what the training volumes held (``null``: not recorded)
card_version         1
===================  =========================================================================

:class:`ModelCard` reads and writes them; it imports nothing but the standard library.
"""

import json
from dataclasses import dataclass, field
from typing import List

__all__ = ['CARD_KEYS', 'CARD_VERSION', 'GRAPH_KEYS', 'ModelCard']

CARD_VERSION = 1
# The graph's keys, written by every export (attn_unet.deployment.onnx_export).
GRAPH_KEYS = (
    'in_channels',  # C of the input
    'size_divisor',  # H and W must be multiples of it (the backbone's downsample rate)
    'mean',  # per-channel mean subtracted by the data preprocessor, or null
    'std',  # per-channel std divided by, or null
    'reverse_channels',  # whether the preprocessor reverses the channel order first (BGR->RGB)
    'num_classes',
    'out_channels',  # num_classes, or 1 for a sigmoid binary head
    'threshold',  # probability threshold of a sigmoid binary head, or null
    'classes',  # class names, or null
    'export_shape',  # [N, C, H, W] the graph was traced at
)
CARD_KEYS = (
    'card_version',
    'slicing',
    'test_pipeline',
    'image_loading',
    'test_pad',
    'align_corners',
    'mirror_axes',
    'mirror_sources',
    'intensity_range',
)


@dataclass
class ModelCard:
    """Everything between a scan and the graph, and between the logits and the label values.

    Attributes: as the module's table says; ``graph`` holds the :data:`GRAPH_KEYS` values.
    """

    graph: dict
    slicing: dict | None
    test_pipeline: List[dict] = field(default_factory=list)
    image_loading: dict = field(default_factory=lambda: dict(backend='cv2', color_type='color'))
    test_pad: dict = field(default_factory=dict)
    align_corners: bool = False
    mirror_axes: List[int] = field(default_factory=list)
    mirror_sources: List[str] = field(default_factory=list)
    intensity_range: list | None = None
    card_version: int = CARD_VERSION

    def to_metadata(self) -> dict:
        """``{key: JSON text}`` of the card's keys (the graph's are written by the export)."""
        return {key: json.dumps(getattr(self, key)) for key in CARD_KEYS}

    @classmethod
    def from_metadata(cls, metadata: dict) -> 'ModelCard':
        """The card of a model's ``custom_metadata_map``.

        Raises:
            KeyError: a key is missing (the model was exported before cards, or elsewhere);
                its message names the missing keys.
        """
        missing = [k for k in GRAPH_KEYS + CARD_KEYS if k not in metadata]
        if missing:
            raise KeyError(', '.join(missing))
        values = {key: json.loads(metadata[key]) for key in CARD_KEYS}
        return cls(graph={key: json.loads(metadata[key]) for key in GRAPH_KEYS}, **values)
