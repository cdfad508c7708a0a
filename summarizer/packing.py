"""Prepacked oneDNN weights for the model's Linear layers on CPU.

A draft's decoder step multiplies a handful of rows (one per sequence in the batch) by every
weight matrix of the model. PyTorch's default CPU path for such short, wide products reaches a
third to a half of what the same cores do on a long input, while oneDNN with the weight reordered
once into its blocked layout keeps close to full speed (docs/benchmarks.md has the figures). The
reorder happens once at load time and replaces the dense weight (which stays alive only where it
is shared, as an LM head tied to the input embeddings is), and gives the same results up to float
rounding, which the benchmark checks by comparing greedy token ids.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def available() -> bool:
    """Whether this torch build has the oneDNN linear kernels used here."""
    import torch

    ops = torch.ops.mkldnn
    return bool(
        torch.backends.mkldnn.is_available()
        and hasattr(ops, "_reorder_linear_weight")
        and hasattr(ops, "_linear_pointwise")
    )


def _packed_linear_class() -> type:
    import torch

    class PackedLinear(torch.nn.Module):
        """An inference-only stand-in for nn.Linear (or GPT-2's Conv1D) holding a prepacked weight.

        `weight` stays as a storage-less placeholder with the original shape and dtype, because
        some model code reads `layer.weight.dtype` (T5's feed-forward does) without computing
        with it.
        """

        def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None, shown: torch.Tensor) -> None:
            super().__init__()
            self.out_features, self.in_features = weight.shape
            self.packed = torch.ops.mkldnn._reorder_linear_weight(weight.detach().contiguous(), None)
            self.bias = None if bias is None else bias.detach().clone()
            self.weight = torch.empty(shown.shape, dtype=shown.dtype, device="meta")

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.ops.mkldnn._linear_pointwise(x.contiguous(), self.packed, self.bias, "none", [], "")

        def extra_repr(self) -> str:
            return f"in_features={self.in_features}, out_features={self.out_features}, packed=oneDNN"

    return PackedLinear


def _weight_out_in(module: Any) -> Any:
    """The module's weight as (out_features, in_features), or None if it is not a layer packed here."""
    import torch
    from transformers.pytorch_utils import Conv1D

    if type(module) is torch.nn.Linear:
        weight = module.weight
    elif type(module) is Conv1D:  # GPT-2 family: y = x @ W + b with W stored as (in, out)
        weight = module.weight.t()
    else:
        return None
    if weight.device.type != "cpu" or weight.dtype != torch.float32:
        return None
    return weight


def pack_linears(model: Any) -> int:
    """Replace every float32 CPU nn.Linear (and Conv1D) in `model` by its packed form; returns how many.

    Leaves the model untouched (returns 0) where packing cannot help or is not available: other
    devices, other dtypes, a torch without oneDNN.
    """
    import torch

    if not available():
        return 0
    packed_class = _packed_linear_class()
    targets = [
        (name, module, weight)
        for name, module in model.named_modules()
        if (weight := _weight_out_in(module)) is not None
    ]
    with torch.no_grad():
        for name, module, weight in targets:
            parent_name, _, child = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, child, packed_class(weight, module.bias, module.weight))
    if targets:
        log.info("summarizer: packed %d linear layers for oneDNN", len(targets))
    return len(targets)
