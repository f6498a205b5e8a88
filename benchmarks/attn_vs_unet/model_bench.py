"""One model variant set up to train and infer as the engine runs it.

Mixed precision is the engine's :class:`~attn_unet.engine.AutoAmpOptimWrapper`
(fp16 with loss scaling on CUDA, bf16 on CPU) and channels-last is the
models' :func:`~attn_unet.models.utils.apply_memory_format`, so an option row times
what ``--amp`` / ``model_memory_format`` give a training run.
"""

from collections.abc import Callable, Sequence
from functools import partial

import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper

from attn_unet.apis import build_segmentor
from attn_unet.engine import AutoAmpOptimWrapper
from attn_unet.models.utils import apply_memory_format

__all__ = ['ModelBench']


class ModelBench:
    """A model variant with its SGD optimiser wrapper and the options it runs with.

    Args:
        name: row name, e.g. 'AttentionUNet+amp'.
        cfg: the variant's config (see ``variant_config``).
        device: where the model runs.
        options: subset of ('amp', 'channels_last'); 'with_cp' lives in cfg.
        reference: name of the row the ratios are taken against, or None.
    """

    def __init__(
        self,
        name: str,
        cfg: Config,
        device: torch.device,
        options: Sequence[str],
        reference: str | None,
    ):
        self.name, self.reference, self.device = name, reference, device
        self.memory_format = torch.channels_last if 'channels_last' in options else None
        torch.manual_seed(0)
        self.model = build_segmentor(cfg).to(device)
        if self.memory_format is not None:
            apply_memory_format(self.model, 'channels_last')
        optimizer = torch.optim.SGD(
            self.model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4
        )
        wrapper = AutoAmpOptimWrapper if 'amp' in options else OptimWrapper
        self.optim_wrapper = wrapper(optimizer=optimizer)

    def _inputs(self, inputs: torch.Tensor) -> torch.Tensor:
        """inputs (B, 3, H, W) in the memory format the engine's preprocessor hands over."""
        if self.memory_format is None:
            return inputs
        return inputs.contiguous(memory_format=self.memory_format)

    def train_step(self, inputs: torch.Tensor, samples: list) -> None:
        """Forward, loss, backward and SGD step on inputs (B, 3, H, W)."""
        self.model.train()
        with self.optim_wrapper.optim_context(self.model):
            losses = self.model.loss(self._inputs(inputs), samples)
            loss, _ = self.model.parse_losses(losses)
        self.optim_wrapper.update_params(loss)

    def infer(self, inputs: torch.Tensor, metas: list) -> None:
        """Eval-mode segmentation logits (B, C, H, W) under no_grad."""
        self.model.eval()
        with torch.no_grad(), self.optim_wrapper.optim_context(self.model):
            self.model.encode_decode(self._inputs(inputs), metas)

    def step(self, mode: str, inputs, samples, metas) -> Callable[[], None]:
        """The zero-argument train or inference step of ``mode``."""
        if mode == 'train':
            return partial(self.train_step, inputs, samples)
        return partial(self.infer, inputs, metas)

    def peak_bytes(self, inputs: torch.Tensor, samples: list) -> int:
        """Peak memory of one train step, by the device's method (``MEMORY_METHODS``)."""
        if self.device.type == 'cuda':
            # Other variants' weights stay resident: count this model's own
            # weights and momentum plus what its step allocates on top.
            torch.cuda.synchronize(self.device)
            before = torch.cuda.memory_allocated(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self.train_step(inputs, samples)
            torch.cuda.synchronize(self.device)
            optimizer_state = self.optim_wrapper.optimizer.state.values()
            state = [t for s in optimizer_state for t in s.values() if torch.is_tensor(t)]
            static = sum(t.numel() * t.element_size() for t in [*self.model.parameters(), *state])
            return torch.cuda.max_memory_allocated(self.device) - before + static
        return self._cpu_peak_bytes(inputs, samples)

    def _cpu_peak_bytes(self, inputs: torch.Tensor, samples: list) -> int:
        params = [p for p in self.model.parameters() if p.requires_grad]
        param_ptrs = {p.untyped_storage().data_ptr() for p in params}
        saved: dict[int, int] = {}

        def pack(tensor: torch.Tensor) -> torch.Tensor:
            storage = tensor.untyped_storage()
            if storage.data_ptr() not in param_ptrs:
                saved[storage.data_ptr()] = storage.nbytes()
            return tensor

        self.model.train()
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            with self.optim_wrapper.optim_context(self.model):
                losses = self.model.loss(self._inputs(inputs), samples)
                loss, _ = self.model.parse_losses(losses)
        loss.backward()
        self.optim_wrapper.zero_grad(set_to_none=True)
        param_bytes = sum(p.numel() * p.element_size() for p in params)
        return 3 * param_bytes + sum(saved.values())  # weights, grads, momentum
