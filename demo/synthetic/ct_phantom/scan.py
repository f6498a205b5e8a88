"""What every phantom scan shares: the volume it covers and its reference Hounsfield units."""

__all__ = ['ABDOMEN_LENGTH_MM', 'AIR_HU', 'FAT_HU', 'FIELD_OF_VIEW_MM', 'PARENCHYMA_HU']

FIELD_OF_VIEW_MM = 360.0  # in-plane, across the width of a slice
ABDOMEN_LENGTH_MM = 190.0  # head to foot, from the liver dome to below the kidneys
AIR_HU = -1000.0
FAT_HU = -95.0
# Enhancement shared by the pancreas and the bowel wall (portal venous phase):
# the look-alikes have the pancreas' mean HU, so intensity alone cannot find it.
PARENCHYMA_HU = 95.0
