"""`manage.py benchmark summarize`: the engine against a naive one-generate-per-entry loop.

The model has distilbart-cnn-12-6's dimensions (1024-wide, 12 encoder and 6 decoder layers, 16
heads, 4096 FFN, 50,264-token vocabulary) with seeded random weights, built from a config so
nothing is downloaded; the tokenizer is trained here on generated text. Random weights rarely emit
an end token early, so min_new_tokens = max_new_tokens pins every draft to the same length: both
sides do exactly the same amount of decoding, which keeps the comparison fair. Both sides use the
same inputs and the same greedy settings, and their token ids must be identical.
"""

from __future__ import annotations

import random
import time
import warnings
from argparse import ArgumentParser
from typing import Any

from summarizer import decoding

_WORDS_TEXT = (
    "model attention transformer sparse dense layer token sequence memory compute training inference benchmark "
    "dataset gradient optimizer learning rate batch accuracy retrieval diffusion image language reasoning agent "
    "policy reward alignment preference evaluation scaling parameter embedding encoder decoder latent noise sample "
    "graph molecule protein robot control planning vision audio speech translation summary document long context"
)
WORDS = _WORDS_TEXT.split()
DISTILBART_DIMS: dict[str, Any] = {
    "vocab_size": 50264,
    "d_model": 1024,
    "encoder_layers": 12,
    "decoder_layers": 6,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096,
    "max_position_embeddings": 1024,
    "pad_token_id": 1,
    "bos_token_id": 0,
    "eos_token_id": 2,
    "decoder_start_token_id": 2,
}


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--entries", type=int, default=32, help="number of entries (mixed lengths)")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=0, help="engine batch size (default SUMMARIZER_BATCH_SIZE)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--beam-entries", type=int, default=8, help="entries for the beam-4 vs greedy figure")
    parser.add_argument("--int8", action="store_true", help="also time dynamic int8 quantization of Linear layers")
    parser.add_argument("--packed-baseline", action="store_true", help="also time the naive loop on the packed model")
    parser.add_argument(
        "--backend",
        choices=("transformers", "openai"),
        default="transformers",
        help="openai: drafts per second from the server at SUMMARIZER_API_BASE (SUMMARIZER_API_MODEL)",
    )
    parser.add_argument(
        "--concurrency", default="1,4", help="openai only: requests in flight to compare, comma-separated (1 = naive)"
    )


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + "."


def make_sources(n: int, seed: int) -> list[Any]:
    """Title + abstract sized entries, from a couple of sentences to a long abstract (about 30-350 tokens)."""
    from summarizer.prompts import Source

    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark text, not a secret
    sources = []
    for i in range(n):
        sentences = rng.choice([1, 2, 3, 4, 6, 8, 12, 16, 20])
        body = " ".join(_sentence(rng) for _ in range(sentences))
        sources.append(Source(f"Entry {i}: {_sentence(rng)}", body))
    return sources


def build_tokenizer(seed: int) -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))  # noqa: S106 - a token name, not a password
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=4000, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    rng = random.Random(seed + 1)  # noqa: S311 - reproducible benchmark text, not a secret
    tokenizer.train_from_iterator((_sentence(rng) for _ in range(5000)), trainer=trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    names = {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"}
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, **names)


def build_model(seed: int, dims: dict[str, Any] | None = None) -> Any:
    """distilbart-cnn-12-6's shape by default; `dims` overrides some of it (tests use a small one)."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration

    torch.manual_seed(seed)
    return BartForConditionalGeneration(BartConfig(**{**DISTILBART_DIMS, **(dims or {})})).eval()


def naive(model: Any, tokenizer: Any, sources: list[Any], knobs: decoding.Knobs) -> list[list[int]]:
    """What one would write first: one generate call per entry, in arrival order, no batching."""
    config = decoding.to_generation_config(knobs)
    outputs = []
    for source in sources:
        encoded = tokenizer(source.text, truncation=True, max_length=1024, return_tensors="pt")
        ids = model.generate(**encoded, generation_config=config)[0, 1:].tolist()
        eos = tokenizer.eos_token_id
        outputs.append(ids[: ids.index(eos) + 1] if eos in ids else ids)
    return outputs


def engine_run(loaded: Any, sources: list[Any], knobs: decoding.Knobs, batch_size: int) -> list[list[int]]:
    from summarizer import engine

    return [outs[0].token_ids for outs in engine.generate(loaded, sources, knobs, batch_size=batch_size)]


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - began


def _check_identical(expected: list[list[int]], actual: list[list[int]], what: str) -> None:
    if expected != actual:
        raise AssertionError(f"greedy outputs differ between the baseline and {what}")


def run_server(stdout: Any = None, **options: Any) -> dict[str, Any]:
    """Drafts per second through the configured OpenAI-compatible server at each concurrency.

    Concurrency 1 is the naive baseline (one request after the other); every level drafts the same
    entries with the same greedy settings, through `summarizer.server.generate`, the production path.
    """
    from django.conf import settings

    from summarizer import server

    levels = [int(x) for x in str(options["concurrency"]).split(",") if x.strip()]
    n = options["entries"]
    sources = make_sources(n, options["seed"])
    knobs = decoding.check({"strategy": "greedy", "max_new_tokens": options["max_new_tokens"]})
    server.complete(sources[0], knobs, None)  # warm-up: the server may load its model on the first request
    figures: dict[str, Any] = {
        "backend": "openai",
        "api_base": settings.SUMMARIZER_API_BASE,
        "model": settings.SUMMARIZER_API_MODEL,
        "entries": n,
        "max_new_tokens": options["max_new_tokens"],
    }
    for level in levels:
        began = time.perf_counter()
        results = server.generate(sources, knobs, concurrency=level)
        seconds = time.perf_counter() - began
        failed = [r for r in results if isinstance(r, Exception)]
        if failed:
            raise RuntimeError(f"{len(failed)} drafts failed at concurrency {level}: {failed[0]}")
        tokens = sum(o.tokens_out for r in results if isinstance(r, list) for o in r)
        figures[f"c{level}_s"] = round(seconds, 2)
        figures[f"c{level}_drafts_per_s"] = round(n / seconds, 3)
        figures[f"c{level}_tokens_per_s"] = round(tokens / seconds, 1)
        if stdout is not None and not options.get("json"):
            stdout.write(f"concurrency {level}: {n} drafts in {seconds:.1f} s = {n / seconds:.3f} drafts/s")
    if len(levels) > 1:
        figures["speedup"] = round(figures[f"c{levels[0]}_s"] / figures[f"c{levels[-1]}_s"], 2)
    return figures


def run(stdout: Any = None, **options: Any) -> dict[str, Any]:
    if options.get("backend") == "openai":
        return run_server(stdout, **options)
    import torch
    from django.conf import settings

    from summarizer import engine

    def say(message: str) -> None:
        if stdout is not None and not options.get("json"):
            stdout.write(message)

    torch.set_num_threads(engine.torch_threads())
    n, seed = options["entries"], options["seed"]
    batch_size = options["batch_size"] or settings.SUMMARIZER_BATCH_SIZE
    length = {"min_new_tokens": options["max_new_tokens"], "max_new_tokens": options["max_new_tokens"]}
    greedy = decoding.check({"strategy": "greedy", **length})
    beam4 = decoding.check({"strategy": "beam", "num_beams": 4, **length})

    say("building tokenizer and model (distilbart-cnn-12-6 dimensions, random weights)...")
    tokenizer = build_tokenizer(seed)
    dims = options.get("dims")
    model = build_model(seed, dims)
    millions = sum(p.numel() for p in model.parameters()) // 1_000_000  # before packing hides the Linear weights
    loaded = engine.Loaded("random-distilbart-cnn-12-6", model, tokenizer, True, 1024)
    sources = make_sources(n, seed)
    lengths = [len(tokenizer(s.text, truncation=True, max_length=1024)["input_ids"]) for s in sources]

    engine_run(loaded, sources[:2], greedy, 2)  # warm-up: first-call allocations count for neither side
    say(f"naive baseline: {n} entries, one generate each...")
    baseline_ids, baseline_s = _timed(naive, model, tokenizer, sources, greedy)
    say(f"engine, stock layers: length-sorted batches of {batch_size}...")
    batched_ids, batched_s = _timed(engine_run, loaded, sources, greedy, batch_size)
    _check_identical(baseline_ids, batched_ids, "the engine with stock layers")
    packed = engine.prepare_for_cpu(model) if settings.SUMMARIZER_CPU_PACKING else 0
    if packed:
        engine_run(loaded, sources[:2], greedy, 2)  # warm-up of the packed kernels
        say(f"engine, {packed} packed linear layers...")
        ours_ids, ours_s = _timed(engine_run, loaded, sources, greedy, batch_size)
        _check_identical(baseline_ids, ours_ids, "the engine with packed layers")
    else:
        ours_ids, ours_s = batched_ids, batched_s
    generated = sum(len(ids) for ids in ours_ids)

    few = sources[: options["beam_entries"]]
    say(f"beam 4 vs greedy on {len(few)} entries...")
    _, greedy_few_s = _timed(engine_run, loaded, few, greedy, batch_size)
    _, beam_few_s = _timed(engine_run, loaded, few, beam4, batch_size)

    figures: dict[str, Any] = {
        "model": f"{'custom' if dims else 'distilbart-cnn-12-6'} dimensions, random weights (seed {seed}), "
        f"{millions}M parameters",
        "entries": n,
        "input_tokens_min_max": [min(lengths), max(lengths)],
        "max_new_tokens": options["max_new_tokens"],
        "batch_size": batch_size,
        "torch_threads": torch.get_num_threads(),
        "baseline_s": round(baseline_s, 2),
        "ours_s": round(ours_s, 2),
        "ratio": round(baseline_s / ours_s, 2),
        "identical": baseline_ids == ours_ids == batched_ids,
        "packed_linear_layers": packed,
        "batching_only_s": round(batched_s, 2),
        "batching_only_ratio": round(baseline_s / batched_s, 2),
        "generated_tokens": generated,
        "tokens_per_s": round(generated / ours_s, 1),
        "baseline_tokens_per_s": round(generated / baseline_s, 1),
        "beam4_over_greedy": round(beam_few_s / greedy_few_s, 2),
    }
    if packed and options.get("packed_baseline"):
        say("naive loop on the packed model...")
        packed_naive_ids, packed_naive_s = _timed(naive, model, tokenizer, sources, greedy)
        _check_identical(baseline_ids, packed_naive_ids, "the naive loop on packed layers")
        figures["naive_packed_s"] = round(packed_naive_s, 2)
        figures["ratio_over_naive_packed"] = round(packed_naive_s / ours_s, 2)
    if options.get("int8"):
        say("dynamic int8 quantization of Linear layers...")
        stock = build_model(seed, dims)  # the same seeded weights, with the stock Linear layers int8 quantizes
        with warnings.catch_warnings():  # torch.ao's deprecation notice; the figure is only reported
            warnings.simplefilter("ignore", category=(DeprecationWarning, UserWarning))
            quantized = torch.ao.quantization.quantize_dynamic(stock, {torch.nn.Linear}, dtype=torch.qint8)
        qloaded = engine.Loaded("random-distilbart-cnn-12-6-int8", quantized, tokenizer, True, 1024)
        int8_ids, int8_s = _timed(engine_run, qloaded, sources, greedy, batch_size)
        figures["int8_s"] = round(int8_s, 2)
        figures["int8_ratio"] = round(baseline_s / int8_s, 2)
        figures["int8_identical"] = int8_ids == baseline_ids
        figures["int8_same_tokens_share"] = round(
            sum(a == b for x, y in zip(int8_ids, baseline_ids, strict=True) for a, b in zip(x, y, strict=False))
            / max(generated, 1),
            3,
        )
    return figures
