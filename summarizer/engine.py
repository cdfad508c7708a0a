"""The model engine: load once per process, generate in length-sorted batches.

A Celery worker process serves many tasks, so the model and tokenizer are loaded lazily on the
first task and kept. A lock serializes loading (two threads of a threaded web server must not
load two copies) and generation (the model is shared, and seeding the global torch RNG must not
interleave with another thread's sampling). A failed load is remembered for a while so that a
missing model costs one slow attempt, not one per task.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from curator.lib.minilm import silence_progress_bars
from summarizer import decoding, packing, postprocess, prompts

log = logging.getLogger(__name__)

RETRY_LOAD_AFTER = 600.0  # seconds before a failed model load is attempted again
FALLBACK_INPUT_LIMIT = 1024

_lock = threading.RLock()
_loaded: dict[str, Loaded] = {}
_failures: dict[str, tuple[float, str]] = {}
_threads_configured = False


class ModelUnavailable(RuntimeError):
    """No model can be used; the message says why, for the draft's fallback reason."""


@dataclass(frozen=True)
class Loaded:
    model_id: str
    model: Any
    tokenizer: Any
    is_encoder_decoder: bool
    max_input_tokens: int
    input_prefix: str = ""


@dataclass
class Output:
    """One generated sequence for one input."""

    text: str
    raw: str
    tokens_in: int
    tokens_out: int
    seconds: float
    seed: int | None
    token_ids: list[int]


def reset() -> None:
    """Forget loaded models and remembered failures (tests, or after changing SUMMARIZER_MODEL)."""
    with _lock:
        _loaded.clear()
        _failures.clear()


def remembered(model_id: str) -> tuple[bool, str]:
    """(loaded, failure reason) as this process knows them, without loading anything."""
    with _lock:
        failed = _failures.get(model_id)
        return model_id in _loaded, failed[1] if failed else ""


NO_MODEL = "SUMMARIZER_MODEL is not set"  # the fallback's reason, in drafts and on the dashboard


def configured_model_id() -> str:
    return (settings.SUMMARIZER_MODEL or "").strip()


# Set by a starting worker to its pool size (curator/celery.py) and inherited by its pool processes.
PROCESSES_ENV = "CURATOR_WORKER_PROCESSES"


def worker_processes() -> int:
    """How many processes of this worker share the cores (1 outside a worker: the web, a command)."""
    try:
        return max(1, int(os.environ.get(PROCESSES_ENV, "1")))
    except ValueError:
        return 1


def torch_threads() -> int:
    """Threads for intra-op parallelism: the setting, else this process's share of the CPUs.

    Each pool process of a worker loads its own model and runs its own threads: with every process
    taking every core, two processes on two cores drafted ten times slower than with one thread each
    (docs/benchmarks.md, *Model memory and threads*). Best is the summarize worker on its own with
    one process (`-c 1`): one model copy in memory, using every core.
    """
    if settings.SUMMARIZER_TORCH_THREADS > 0:
        return settings.SUMMARIZER_TORCH_THREADS
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus // worker_processes())


def _configure_threads() -> None:
    global _threads_configured
    import torch

    torch.set_num_threads(torch_threads())
    if not _threads_configured:
        # Only settable once, before the first parallel op; harmless if it is too late.
        with contextlib.suppress(RuntimeError):
            torch.set_num_interop_threads(1)
        _threads_configured = True


def device() -> str:
    """The torch device drafts run on: SUMMARIZER_DEVICE, where `auto` prefers a CUDA GPU."""
    import torch

    wanted = (settings.SUMMARIZER_DEVICE or "auto").strip().lower()
    if wanted == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return wanted


def _input_limit(config: Any, tokenizer: Any) -> int:
    limits = [getattr(config, name, None) for name in ("max_position_embeddings", "n_positions", "max_sequence_length")]
    model_max = getattr(tokenizer, "model_max_length", None)
    if isinstance(model_max, int) and model_max < 1_000_000:
        limits.append(model_max)
    usable = [int(x) for x in limits if isinstance(x, int) and x > 0]
    return min(usable) if usable else FALLBACK_INPUT_LIMIT


def gguf_location(model_id: str) -> tuple[str, dict[str, Any]]:
    """A `.gguf` file path loads through transformers' GGUF support (dequantized, needs `gguf`):
    the directory and the file name, which is how `from_pretrained` takes it. Anything else as is."""
    if model_id.lower().endswith(".gguf"):
        path = os.path.abspath(model_id)
        return os.path.dirname(path), {"gguf_file": os.path.basename(path)}
    return model_id, {}


def _load(model_id: str) -> Loaded:
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    silence_progress_bars()
    _configure_threads()
    where, extra = gguf_location(model_id)
    config = AutoConfig.from_pretrained(where, **extra)
    is_encoder_decoder = bool(getattr(config, "is_encoder_decoder", False))
    model_class = AutoModelForSeq2SeqLM if is_encoder_decoder else AutoModelForCausalLM
    tokenizer = AutoTokenizer.from_pretrained(where, **extra)
    model: Any = model_class.from_pretrained(where, config=config, **extra)
    model.eval()
    model.to(device())  # an unknown or missing device fails the load: the reason shows on fallback drafts
    if settings.SUMMARIZER_CPU_PACKING and model.device.type == "cpu":
        prepare_for_cpu(model)
    if not is_encoder_decoder:
        # Batched decoder-only generation must pad on the left so every prompt ends at the same column.
        tokenizer.padding_side = "left"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    if model.generation_config.pad_token_id is None:
        model.generation_config.pad_token_id = tokenizer.pad_token_id
    prefix = prompts.T5_PREFIX if getattr(config, "model_type", "") in ("t5", "mt5", "umt5") else ""
    return Loaded(model_id, model, tokenizer, is_encoder_decoder, _input_limit(config, tokenizer), prefix)


def prepare_for_cpu(model: Any) -> int:
    """Pack the model's Linear weights for oneDNN (see packing.py); returns how many were packed.

    Packing is a speed-up, never a requirement: if it fails, the layers not yet packed stay stock
    and generation still works, so the failure is logged and drafting goes on.
    """
    try:
        return packing.pack_linears(model)
    except Exception:  # an unexpected torch build or module layout; stock layers still work
        log.warning("summarizer: could not pack linear layers; using stock layers", exc_info=True)
        return 0


def load(model_id: str | None = None) -> Loaded:
    """The loaded model for `model_id` (default: SUMMARIZER_MODEL), or ModelUnavailable."""
    model_id = configured_model_id() if model_id is None else model_id
    if not model_id:
        raise ModelUnavailable(NO_MODEL)
    with _lock:
        if model_id in _loaded:
            return _loaded[model_id]
        failed = _failures.get(model_id)
        if failed and time.monotonic() - failed[0] < RETRY_LOAD_AFTER:
            raise ModelUnavailable(failed[1])
        started = time.monotonic()
        try:
            loaded = _load(model_id)
        except Exception as exc:  # any load failure means "use the fallback", with the reason
            reason = f"could not load model {model_id!r}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
            _failures[model_id] = (time.monotonic(), reason)
            log.warning("summarizer: %s; drafts will use the offline fallback", reason)
            raise ModelUnavailable(reason) from exc
        log.info("summarizer: loaded %s in %.1fs", model_id, time.monotonic() - started)
        _loaded[model_id] = loaded
        return loaded


def encode(loaded: Loaded, source: prompts.Source, max_new_tokens: int, examples: Sequence[str] = ()) -> list[int]:
    """The model input for one source; `examples` reach a causal model's chat, a seq2seq model ignores them."""
    return prompts.encode(
        loaded.tokenizer,
        source,
        is_encoder_decoder=loaded.is_encoder_decoder,
        max_input_tokens=loaded.max_input_tokens,
        max_new_tokens=max_new_tokens,
        prefix=loaded.input_prefix,
        examples=examples,
    )


def _count_new_tokens(row: list[int], eos_ids: set[int], pad_id: int | None) -> int:
    for index, token in enumerate(row):
        if token in eos_ids:
            return index + 1
    while row and row[-1] == pad_id:
        row = row[:-1]
    return len(row)


def _eos_ids(loaded: Loaded) -> set[int]:
    eos = loaded.model.generation_config.eos_token_id
    if eos is None:
        eos = loaded.tokenizer.eos_token_id
    if eos is None:
        return set()
    return set(eos) if isinstance(eos, list) else {int(eos)}


def _encode_unpadded(loaded: Loaded, batch: Sequence[list[int]]) -> dict[str, Any]:
    """Encoder outputs for a batch, each input encoded alone, then padded for a batched decoder.

    Call under the lock and `torch.inference_mode()`. Each input costs exactly its own length in
    the encoder (no pad columns), and its hidden states are the ones `generate` computes for that
    input alone. Padded positions hold zeros and are masked out of cross-attention.
    """
    import torch
    from transformers.modeling_outputs import BaseModelOutput

    encoder = loaded.model.get_encoder()
    states = []
    for ids in batch:
        input_ids = torch.tensor([ids], dtype=torch.long, device=loaded.model.device)
        attention_mask = torch.ones_like(input_ids)
        states.append(encoder(input_ids=input_ids, attention_mask=attention_mask, return_dict=True).last_hidden_state)
    width = max(state.shape[1] for state in states)
    first = states[0]
    hidden = first.new_zeros((len(states), width, first.shape[-1]))
    mask = torch.zeros((len(states), width), dtype=torch.long, device=first.device)
    for row, state in enumerate(states):
        hidden[row, : state.shape[1]] = state[0]
        mask[row, : state.shape[1]] = 1
    return {"encoder_outputs": BaseModelOutput(last_hidden_state=hidden), "attention_mask": mask}


def generate_ids(
    loaded: Loaded, batch: Sequence[list[int]], knobs: decoding.Knobs, seed: int | None = None
) -> list[list[int]]:
    """New token ids for each input of one batch (num_return_sequences rows per input, in order)."""
    import torch

    from summarizer.contrastive import contrastive_search

    tokenizer = loaded.tokenizer
    config = decoding.to_generation_config(knobs)
    extra: dict[str, Any] = {}
    if knobs.stop_sequences:
        extra["tokenizer"] = tokenizer  # stop strings are matched on the tokenizer's text
    if loaded.is_encoder_decoder and not knobs.one_entry_at_a_time:
        with _lock, torch.inference_mode():
            out = loaded.model.generate(**_encode_unpadded(loaded, batch), generation_config=config, **extra)
        return out[:, 1:].tolist()
    padded = tokenizer.pad({"input_ids": list(batch)}, return_tensors="pt").to(loaded.model.device)
    if knobs.strategy == decoding.CONTRASTIVE:
        extra["custom_generate"] = contrastive_search
    with _lock, torch.inference_mode():
        if seed is None:
            out = loaded.model.generate(**padded, generation_config=config, **extra)
        else:
            # A private RNG state: the seed fully determines this call, whatever ran before it.
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                out = loaded.model.generate(**padded, generation_config=config, **extra)
    start = 1 if loaded.is_encoder_decoder else padded["input_ids"].shape[1]
    return out[:, start:].tolist()


def generate(
    loaded: Loaded,
    sources: Sequence[prompts.Source],
    knobs: decoding.Knobs,
    *,
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    examples: Sequence[str] = (),
) -> list[list[Output]]:
    """Drafts for each source (one list of num_return_sequences outputs per source, input order kept).

    Deterministic strategies run in length-sorted batches: similar lengths mean little padding,
    so a batch costs about what its longest member costs. Sampling and contrastive search run one
    entry at a time with the seed set right before `generate`, so an entry's text depends only on
    the entry, the profile and the seed, never on which other entries shared its batch.

    For encoder-decoder models with greedy or beam search, the encoder runs on each input alone
    and only the decoder runs batched (see `_encode_unpadded`). Padding only saves work in the
    decoder, whose every step rereads all its weights whatever the batch size; the encoder is
    compute-bound, so pad columns there cost as much as real tokens, and a batch whose lengths
    differ wastes up to half of it. Encoding alone also gives each input the same encoder states
    as a plain `generate` call on that input.

    `examples` (earlier blurbs to imitate) go into every causal prompt as earlier chat turns
    (`prompts.chat_messages`); seq2seq models ignore them.
    """
    batch_size = batch_size or settings.SUMMARIZER_BATCH_SIZE
    encoded = [encode(loaded, source, knobs.max_new_tokens, examples) for source in sources]
    if knobs.one_entry_at_a_time:
        batch_size = 1
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]), reverse=True)
    eos_ids = _eos_ids(loaded)
    pad_id = loaded.tokenizer.pad_token_id
    n_return = knobs.num_return_sequences
    results: list[list[Output]] = [[] for _ in encoded]
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        seed = knobs.seed
        if seed is None and knobs.sampling:
            seed = random.SystemRandom().randrange(2**31)  # recorded on the draft so it can be replayed
        began = time.monotonic()
        rows = generate_ids(loaded, [encoded[i] for i in chunk], knobs, seed=seed)
        seconds = (time.monotonic() - began) / len(chunk)
        for position, index in enumerate(chunk):
            for row in rows[position * n_return : (position + 1) * n_return]:
                raw = decoding.cut_at_stop(loaded.tokenizer.decode(row, skip_special_tokens=True), knobs.stop_sequences)
                n_out = _count_new_tokens(row, eos_ids, pad_id)
                results[index].append(
                    Output(
                        text=postprocess.clean(raw),
                        raw=raw,
                        tokens_in=len(encoded[index]),
                        tokens_out=n_out,
                        seconds=seconds,
                        seed=seed if knobs.sampling else knobs.seed,
                        token_ids=row[:n_out],
                    )
                )
        if progress:
            progress(len(chunk))
    return results
