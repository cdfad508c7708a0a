import io
import json

import pytest
from django.core.management import call_command

from benchmarks import summarize as benchmark
from summarizer import server
from tests.support.fake_openai import Script, fake_server

SMALL = {
    "vocab_size": 4000, "d_model": 64, "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 4,
    "decoder_attention_heads": 4, "encoder_ffn_dim": 128, "decoder_ffn_dim": 128,
}  # fmt: skip


def test_it_times_the_naive_loop_against_the_engine_on_identical_outputs(settings):
    settings.SUMMARIZER_TORCH_THREADS = 1
    out = io.StringIO()
    figures = benchmark.run(
        stdout=out, dims=SMALL, entries=6, max_new_tokens=5, batch_size=3, seed=0, beam_entries=2,
        int8=True, packed_baseline=True,
    )  # fmt: skip
    for key in ("model", "entries", "baseline_s", "ours_s", "ratio", "tokens_per_s", "beam4_over_greedy"):
        assert key in figures
    assert figures["identical"] is True
    assert figures["entries"] == 6
    assert figures["generated_tokens"] == 6 * 5
    assert figures["packed_linear_layers"] == 2 * 6 + 2 * 10 + 1  # encoder, decoder, LM head
    assert figures["ratio"] > 0 and figures["batching_only_ratio"] > 0 and figures["ratio_over_naive_packed"] > 0
    assert 0 < figures["int8_same_tokens_share"] <= 1
    assert "naive baseline: 6 entries" in out.getvalue()


def test_it_measures_drafts_per_second_on_a_server_at_each_concurrency(settings):
    """The command of docs/benchmarks.md (*Summarize on a server*), against a server that takes 0.3 s a draft."""
    script = Script(steps=[{"sleep": 0.3, "text": "Sparse attention reads long documents."}])
    settings.SUMMARIZER_API_MODEL = "fake-model"
    settings.SUMMARIZER_API_TIMEOUT = 30.0
    server._clients.clear()
    out = io.StringIO()
    with fake_server(script) as base:
        settings.SUMMARIZER_API_BASE = base
        call_command(
            "benchmark", "summarize", "--backend", "openai", "--concurrency", "1,4", "--entries", "8",
            "--max-new-tokens", "32", "--json", stdout=out,
        )  # fmt: skip
    server._clients.clear()
    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (figures["backend"], figures["model"], figures["entries"]) == ("openai", "fake-model", 8)
    assert len(script.requests) == 1 + 8 + 8  # the warm-up, then the same 8 entries at each level
    assert all(r["max_tokens"] == 32 and r["temperature"] == 0.0 for r in script.requests)
    assert script.most_in_flight == 4
    assert figures["c1_s"] >= 8 * 0.3 and figures["c4_s"] < figures["c1_s"]
    # Seconds are rounded to 1/100 s in the figures, the rates from the unrounded times.
    assert figures["c1_drafts_per_s"] == pytest.approx(8 / figures["c1_s"], rel=0.01)
    assert figures["c4_tokens_per_s"] == pytest.approx(8 * 12 / figures["c4_s"], rel=0.01)  # 12 tokens a draft
    assert figures["speedup"] == pytest.approx(figures["c1_s"] / figures["c4_s"], rel=0.01)
    assert figures["speedup"] > 2
