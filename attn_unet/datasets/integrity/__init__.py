"""Check a dataset's files before training or evaluation, once, in parallel, cached.

mmseg only meets a bad file when the dataloader reaches it: a truncated PNG or
a label of the wrong size ends in a traceback that does not name the file, an
image deleted while its label stays is silently skipped, and label ids outside
the classes are silently dropped from the confusion counts (a lower mIoU, exit
code 0). :func:`check_data` lists every dataset a run will use the way mmseg's
dataset does (``load_data_list``, so any ``BaseSegDataset`` subclass and any
wrapper), then checks that

- every image has its label and every label its image (orphan labels are found
  by listing ``seg_map_path`` with the dataset's ``seg_map_suffix``);
- every file decodes (PNG chunks are CRC-checked, other formats decoded);
- image and label sizes match (image sizes from the headers, EXIF rotation
  applied as the loader applies it);
- labels are single-channel and their ids, after ``reduce_zero_label`` and the
  dataset's ``label_map``, are classes or the ignore index.

What is read from a file (its size, its label ids, or why it does not decode)
is cached by path, byte size and mtime under ``~/.cache/attn_unet/data_check``
(``$ATTN_UNET_CACHE_DIR`` or ``data_check.cache_dir``), so a second run only
stats the files. Config key (all optional)::

    data_check = dict(enabled=True, num_workers=None, cache_dir=None)

Modules: :mod:`.config_check` (every dataset of a config), :mod:`.dataset_check`
(one dataset), :mod:`.file_facts` (one file), :mod:`.facts_cache` (the cache),
:mod:`.options` (the ``data_check`` key), :mod:`.report` (problems, reports, the
error).
"""

from .config_check import (
    check_data,
    check_layouts,
)
from .dataset_check import check_dataset_files
from .file_facts import read_image_facts, read_label_facts
from .options import DATA_CHECK_DEFAULTS
from .report import (
    DatasetFilesReport,
    Problem,
    format_reports,
    raise_first_problem,
)

__all__ = [
    'DATA_CHECK_DEFAULTS',
    'DatasetFilesReport',
    'Problem',
    'check_data',
    'check_dataset_files',
    'check_layouts',
    'format_reports',
    'raise_first_problem',
    'read_image_facts',
    'read_label_facts',
]
