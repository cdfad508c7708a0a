"""`manage.py benchmark model-memory`: what one worker process pays for the in-process model.

Each configuration runs in a fresh child process (so resident memory is that of one worker
process, and nothing is shared between runs): load the model, optionally pack its Linear weights
(summarizer/packing.py), then draft a fixed batch greedily with a fixed number of new tokens.
The figures answer the three questions an operator has:

- memory: resident MB of one process with the model loaded, with and without packing;
- packing: its extra memory and seconds at load, against the speed-up it gives (or not) for
  this architecture, stock layers being the baseline;
- threads: two worker processes drafting at once with every core each (the old default,
  `SUMMARIZER_TORCH_THREADS=0` with `-c 2`) against cores / processes each.

`--model` takes what SUMMARIZER_MODEL takes (a local directory is what works offline);
`--distilbart` measures distilbart-cnn-12-6's shape with random weights instead, as
`benchmark summarize` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

CHILD = "benchmarks.model_memory"


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--model", default="", help="model directory or hub id (default SUMMARIZER_MODEL)")
    parser.add_argument("--distilbart", action="store_true", help="distilbart's shape, random weights")
    parser.add_argument("--gguf", default="", help="a GGUF file: converted once to float32 weights in a temp dir")
    parser.add_argument("--entries", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--cores", type=int, default=0, help="cores to share (default: those this process may use)")


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _load(spec: dict[str, Any]) -> tuple[Any, Any, str]:
    if spec["distilbart"]:
        from benchmarks import summarize as benchmark

        return benchmark.build_model(0), benchmark.build_tokenizer(0), "bart"
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer

    config = AutoConfig.from_pretrained(spec["model"])
    seq2seq = bool(getattr(config, "is_encoder_decoder", False))
    model_class = AutoModelForSeq2SeqLM if seq2seq else AutoModelForCausalLM
    tokenizer = AutoTokenizer.from_pretrained(spec["model"])
    if not seq2seq:
        tokenizer.padding_side = "left"
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    return model_class.from_pretrained(spec["model"], config=config).eval(), tokenizer, config.model_type


def convert_gguf(path: str) -> str:
    """Dequantize a GGUF checkpoint into a model directory, as an operator would before serving it."""
    import tempfile
    from pathlib import Path

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    file = Path(path)
    target = tempfile.mkdtemp(prefix="curator-gguf-")
    tokenizer = AutoTokenizer.from_pretrained(file.parent, gguf_file=file.name)
    model: Any = AutoModelForCausalLM.from_pretrained(file.parent, gguf_file=file.name, dtype=torch.float32)
    model.hf_quantizer = None  # the weights are plain float32 now; the GGUF marker only blocks saving
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """One worker process's life: load, maybe pack, draft one batch. Runs in its own interpreter."""
    import torch

    from benchmarks import summarize as benchmark
    from summarizer import packing

    torch.set_num_threads(spec["threads"])
    began = time.perf_counter()
    model, tokenizer, model_type = _load(spec)
    figures: dict[str, Any] = {"model_type": model_type, "load_s": round(time.perf_counter() - began, 2)}
    figures["rss_loaded_mb"] = round(rss_mb())
    if spec["pack"]:
        began = time.perf_counter()
        figures["packed_layers"] = packing.pack_linears(model)
        figures["pack_s"] = round(time.perf_counter() - began, 2)
    texts = [source.text for source in benchmark.make_sources(spec["entries"], 0)]
    positions = getattr(model.config, "max_position_embeddings", None) or 512
    limit = (
        min(512, positions - spec["max_new_tokens"] - 2) if not model.config.is_encoder_decoder else min(512, positions)
    )
    encoded = tokenizer(texts, truncation=True, max_length=limit, padding=True, return_tensors="pt")
    n = spec["max_new_tokens"]
    with torch.inference_mode():
        model.generate(**encoded, max_new_tokens=2, min_new_tokens=2, do_sample=False)  # warm-up
        began = time.perf_counter()
        model.generate(**encoded, max_new_tokens=n, min_new_tokens=n, do_sample=False)
        figures["generate_s"] = round(time.perf_counter() - began, 2)
    figures["rss_peak_mb"] = round(rss_mb())
    return figures


def _spawn(spec: dict[str, Any]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", CHILD, json.dumps(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TOKENIZERS_PARALLELISM": "false", "TRANSFORMERS_VERBOSITY": "error"},
    )


def _result(proc: subprocess.Popen) -> dict[str, Any]:
    out, _ = proc.communicate()
    if proc.returncode != 0 or not out.strip():
        raise RuntimeError(f"the measuring process failed (exit {proc.returncode})")
    return json.loads(out.strip().splitlines()[-1])


def run(stdout: Any = None, **options: Any) -> dict[str, Any]:
    from django.conf import settings

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message)

    model = options.get("model") or settings.SUMMARIZER_MODEL
    if options.get("gguf"):
        say(f"converting {options['gguf']} to float32 weights...")
        model = convert_gguf(options["gguf"])
    if not model and not options.get("distilbart"):
        raise SystemExit("give --model DIR (or set SUMMARIZER_MODEL), or --distilbart")
    cores = options.get("cores") or len(os.sched_getaffinity(0))
    base = {
        "model": model,
        "distilbart": bool(options.get("distilbart")),
        "entries": options.get("entries", 8),
        "max_new_tokens": options.get("max_new_tokens", 32),
        "threads": cores,
    }
    say(f"one process, {cores} threads, stock layers...")
    stock = _result(_spawn({**base, "pack": False}))
    say("one process, packed layers...")
    packed = _result(_spawn({**base, "pack": True}))
    say(f"two processes at once, {cores} threads each (oversubscribed)...")
    began = time.perf_counter()
    over = [_spawn({**base, "pack": False}) for _ in range(2)]
    over_results = [_result(p) for p in over]
    over_wall = time.perf_counter() - began
    share = max(1, cores // 2)
    say(f"two processes at once, {share} thread(s) each...")
    began = time.perf_counter()
    fair = [_spawn({**base, "pack": False, "threads": share}) for _ in range(2)]
    fair_results = [_result(p) for p in fair]
    fair_wall = time.perf_counter() - began
    return {
        "model_type": stock["model_type"],
        "cores": cores,
        "load_s": stock["load_s"],
        "rss_one_process_mb": stock["rss_peak_mb"],
        "rss_one_process_packed_mb": packed["rss_peak_mb"],
        "packing_extra_mb": packed["rss_peak_mb"] - stock["rss_peak_mb"],
        "packing_s": packed.get("pack_s"),
        "generate_stock_s": stock["generate_s"],
        "generate_packed_s": packed["generate_s"],
        "packing_speedup": round(stock["generate_s"] / packed["generate_s"], 2),
        "two_processes_rss_mb": sum(r["rss_peak_mb"] for r in over_results),
        "two_processes_all_threads_generate_s": max(r["generate_s"] for r in over_results),
        "two_processes_shared_threads_generate_s": max(r["generate_s"] for r in fair_results),
        "two_processes_all_threads_wall_s": round(over_wall, 2),
        "two_processes_shared_threads_wall_s": round(fair_wall, 2),
    }


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curator.settings")
    django.setup()
    print(json.dumps(child(json.loads(sys.argv[1]))))
