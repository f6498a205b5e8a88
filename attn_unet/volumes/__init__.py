"""Every scan in and every label volume out: NIfTI files, cases of channel files, DICOM series.

The one door the converters, the metrics and the predictor read volumes through, so training
and prediction cannot read a file differently (nnU-Net v2's ``imageio`` contract: what the
read learnt of a file goes back to the writer). :func:`open_nifti` opens a NIfTI file with
every check once (readable, an affine that spans a volume, whole, its non-finite voxels
counted in the same pass); :func:`open_case` a case of one 4D file or ``CASE_XXXX`` channel
files on one grid; :func:`~.dicom.open_series` a CT or MR series placed on its grid.
:class:`VoxelOrder` moves voxels into a named order and back; :mod:`.grid` says when two
volumes share a grid; :mod:`.components` keeps a class's largest connected piece;
:mod:`.non_finite` is the one policy for NaN and inf voxels;
:func:`write_like` writes a label volume over a volume's grid and :func:`~.dicom.write_dicom_seg`
a DICOM SEG over a series. Imports nothing of the package but :mod:`attn_unet.errors` and
:mod:`attn_unet.fileio`; nibabel and pydicom are imported when a file is read.
"""

from .cases import CHANNEL_FILE, Case, CaseFiles, channel_file, group_channel_files, open_case
from .components import CONNECTIVITY, keep_largest_components, largest_component
from .grid import GRID_TOLERANCE_MM, affine_distance, grid_mismatch
from .nifti import (
    NIFTI_ENDINGS,
    NiftiVolume,
    is_nifti_path,
    nifti_stem,
    open_nifti,
    read_header,
    spatial_shape,
    write_like,
)
from .nifti_whole import WholeFile, check_whole
from .non_finite import AIR_HU, check_non_finite, fill_non_finite, fill_value, fill_words
from .voxel_order import VoxelOrder, axis_codes, check_axis_codes, voxel_spacing
from .wording import damaged, short_reason

__all__ = [
    'AIR_HU',
    'CHANNEL_FILE',
    'CONNECTIVITY',
    'GRID_TOLERANCE_MM',
    'NIFTI_ENDINGS',
    'Case',
    'CaseFiles',
    'NiftiVolume',
    'VoxelOrder',
    'WholeFile',
    'affine_distance',
    'axis_codes',
    'channel_file',
    'check_axis_codes',
    'check_non_finite',
    'check_whole',
    'damaged',
    'fill_non_finite',
    'fill_value',
    'fill_words',
    'grid_mismatch',
    'group_channel_files',
    'is_nifti_path',
    'keep_largest_components',
    'largest_component',
    'nifti_stem',
    'open_case',
    'open_nifti',
    'read_header',
    'short_reason',
    'spatial_shape',
    'voxel_spacing',
    'write_like',
]
