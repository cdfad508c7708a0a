import io

from benchmarks import summarize as benchmark

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
