"""The HU and label volumes of one case while its anatomy is painted on them."""

from dataclasses import dataclass

import numpy as np

__all__ = ['Canvas']


@dataclass
class Canvas:
    """One case being painted: HU and label volumes in display frame (Z, rows, cols).

    Rows run anterior -> posterior, columns patient right -> left (radiological
    view), slice 0 is the most superior. ``y``/``x`` hold each pixel's position
    in mm from the body centre (posterior and patient-left positive).

    Attributes:
        hu: ``(Z, H, W)`` float32 Hounsfield units.
        label: ``(Z, H, W)`` uint8 BTCV ids.
        t: ``(Z, 1, 1)`` each slice's height in [0, 1] (0: top of the liver dome).
        y: ``(1, H, 1)`` each row's position in mm, posterior positive.
        x: ``(1, 1, W)`` each column's position in mm, patient-left positive.
        spacing: In-plane voxel size in mm.
        slice_mm: Slice thickness in mm.
    """

    hu: np.ndarray
    label: np.ndarray
    t: np.ndarray
    y: np.ndarray
    x: np.ndarray
    spacing: float
    slice_mm: float

    def paint(self, mask: np.ndarray, hu: float, label: int | None = None) -> None:
        """Set ``hu`` (and ``label`` unless None) where ``mask (Z, H, W)`` is True."""
        self.hu[mask] = hu
        if label is not None:
            self.label[mask] = label
