"""Texts and knob sets that several summarizer and voice tests feed to the real models."""

from __future__ import annotations

from summarizer import prompts

ARTICLE = (
    "Data pruning changes how test error scales with data. "
    "With a good pruning metric the error can fall exponentially instead of as a power law. "
    "The authors test twelve pruning metrics on ImageNet. "
    "Most metrics fail at scale, which is the surprising part. "
    "A new self-supervised metric works as well as the best supervised ones. "
    "The paper ends with a call for foundation datasets."
)


PAPER_ABSTRACT = (
    "We introduce Sparse Ladder Attention, a method that lets transformers read documents of 64,000 tokens. "
    "On three long-document benchmarks it matches dense attention while using 40% less memory. "
    "The method needs no custom kernels and trains in 12 hours on 8 GPUs. "
    "We release code and checkpoints for researchers who work with long inputs."
)
POST_TEXT = (
    "Gradient checkpointing trades compute for memory. Instead of keeping every activation, the training loop "
    "stores a few and recomputes the rest during the backward pass. In our experiments the peak memory fell by "
    "half while each step took about 30% longer. The trick matters most for long sequences and large batches. "
    "We also show how to pick which layers to checkpoint with a simple profiler."
)


SOURCES = [
    prompts.Source("Sparse Ladder Attention", "We read documents of 64,000 tokens with 40% less memory."),
    prompts.Source("Checkpointing", "Gradient checkpointing trades compute for memory during training."),
    prompts.Source("Short", "Diffusion models."),
]
SAMPLE = {"strategy": "temperature", "temperature": 1.5, "max_new_tokens": 16, "min_new_tokens": 16}


PLAYGROUND_KNOBS = {
    "strategy": "top_k",
    "num_beams": 1,
    "num_return_sequences": 2,
    "temperature": 0.9,
    "top_k": 30,
    "repetition_penalty": 1.0,
    "no_repeat_ngram_size": 2,
    "length_penalty": 1.0,
    "min_new_tokens": 8,
    "max_new_tokens": 8,
    "seed": 11,
}
