"""An endless sampler that draws a share of its slices for their foreground, as nnU-Net does.

nnU-Net v2 draws a third of each batch's patches around a voxel of a foreground class chosen
uniformly among the classes present (``oversample_foreground_percent = 0.33``). A set of
slices sampled uniformly shows a small structure rarely: in the Decathlon phantom's fold 0,
20 of 252 training slices hold tumour, about 21 pixels each, so 600 iterations of batch 4
show the network a tumour pixel in fewer than one batch in ten. This sampler draws each index,
with probability ``foreground_fraction``, as a uniformly chosen slice among those holding a
uniformly chosen foreground class, and otherwise uniformly among all slices.
"""

from typing import Iterator, List

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from mmengine.registry import DATA_SAMPLERS
from PIL import Image
from torch.utils.data import Sampler

from attn_unet.errors import ConfigValueError

__all__ = ['ForegroundOversamplingSampler', 'slices_by_class']


def slices_by_class(dataset, num_classes: int) -> List[np.ndarray]:
    """``[indices of the slices holding class c for c in 1..num_classes-1]``, each (M_c,),
    read from every slice's label map once."""
    holding: List[List[int]] = [[] for _ in range(num_classes - 1)]
    for index in range(len(dataset)):
        ids = np.unique(np.asarray(Image.open(dataset.get_data_info(index)['seg_map_path'])))
        for class_id in ids[(ids > 0) & (ids < num_classes)]:
            holding[int(class_id) - 1].append(index)
    return [np.asarray(indices, dtype=np.int64) for indices in holding]


@DATA_SAMPLERS.register_module()
class ForegroundOversamplingSampler(Sampler):
    """Endless indices, ``foreground_fraction`` of them drawn for a foreground class.

    Args:
        dataset: a segmentation dataset whose ``get_data_info(i)['seg_map_path']`` are label
            maps of class ids (``VolumeSliceDataset``); its ``metainfo['classes']`` name class 0
            the background.
        foreground_fraction: probability that a draw picks a foreground class (uniformly among
            those some slice holds) and then a slice holding it. Default: 1/3, nnU-Net's.
        seed: the random seed, the same on every rank (None: a synchronised random one); each
            rank draws its own stream from it.
        shuffle: accepted so that a config can swap ``InfiniteSampler(shuffle=True)`` for this
            one by its type alone; the draws are random, so only True is allowed.

    Raises:
        ConfigValueError: a ``foreground_fraction`` outside [0, 1], or ``shuffle=False`` (one
            line through the tools, exit code 2).
    """

    def __init__(
        self,
        dataset,
        foreground_fraction: float = 1 / 3,
        seed: int | None = None,
        shuffle: bool = True,
    ):
        if not shuffle:
            raise ConfigValueError(
                'ForegroundOversamplingSampler draws at random: drop shuffle=False, or use '
                'InfiniteSampler for a fixed order'
            )
        if isinstance(foreground_fraction, bool) or not 0 <= foreground_fraction <= 1:
            raise ConfigValueError(
                'ForegroundOversamplingSampler: foreground_fraction must be in [0, 1], '
                f'got {foreground_fraction!r}: set train_dataloader.sampler.foreground_fraction '
                'to one, e.g. 0.33'
            )
        self.dataset = dataset
        self.size = len(dataset)
        self.foreground_fraction = float(foreground_fraction)
        self.rank, self.world_size = get_dist_info()
        self.seed = sync_random_seed() if seed is None else seed
        num_classes = len(dataset.metainfo['classes'])
        self.by_class = [s for s in slices_by_class(dataset, num_classes) if len(s)]

    def __iter__(self) -> Iterator[int]:
        rng = np.random.default_rng([self.seed, self.rank])
        while True:
            if self.by_class and rng.random() < self.foreground_fraction:
                holding = self.by_class[rng.integers(len(self.by_class))]
                yield int(holding[rng.integers(len(holding))])
            else:
                yield int(rng.integers(self.size))

    def __len__(self) -> int:
        return self.size

    def set_epoch(self, epoch: int) -> None:
        """Not used: the stream is endless (mmengine calls it on every sampler)."""
