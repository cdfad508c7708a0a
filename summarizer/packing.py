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
        """An inference-only stand-in for nn.Linear holding a prepacked weight.

        `weight` stays as a storage-less placeholder with the original shape and dtype, because
        some model code reads `layer.weight.dtype` (T5's feed-forward does) without computing
        with it.
        """

        def __init__(self, linear: torch.nn.Linear) -> None:
            super().__init__()
            self.in_features = linear.in_features
            self.out_features = linear.out_features
            weight = linear.weight.detach()
            self.packed = torch.ops.mkldnn._reorder_linear_weight(weight, None)
            self.bias = None if linear.bias is None else linear.bias.detach().clone()
            self.weight = torch.empty(weight.shape, dtype=weight.dtype, device="meta")

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return torch.ops.mkldnn._linear_pointwise(x.contiguous(), self.packed, self.bias, "none", [], "")

        def extra_repr(self) -> str:
            return f"in_features={self.in_features}, out_features={self.out_features}, packed=oneDNN"

    return PackedLinear


def pack_linears(model: Any) -> int:
    """Replace every float32 CPU nn.Linear in `model` by its packed form; returns how many.

    Leaves the model untouched (returns 0) where packing cannot help or is not available: other
    devices, other dtypes, a torch without oneDNN.
    """
    import torch

    if not available():
        return 0
    packed_class = _packed_linear_class()
    targets = [
        (name, module)
        for name, module in model.named_modules()
        if type(module) is torch.nn.Linear
        and module.weight.device.type == "cpu"
        and module.weight.dtype == torch.float32
    ]
    with torch.no_grad():
        for name, module in targets:
            parent_name, _, child = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, child, packed_class(module))
    if targets:
        log.info("summarizer: packed %d linear layers for oneDNN", len(targets))
    return len(targets)
