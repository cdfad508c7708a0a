"""Packed oneDNN Linear layers: same results as the stock layers, on by default, safe to turn off."""

import pytest
import torch

from summarizer import engine, packing
from summarizer.decoding import check
from tests.support.sample_texts import SOURCES

pytestmark = pytest.mark.skipif(not packing.available(), reason="this torch build has no oneDNN linear kernels")


def count(model, kind):
    return sum(1 for module in model.modules() if type(module).__name__ == kind)


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape", [(3, 48), (2, 5, 48), (1, 1, 48)])
def test_a_packed_layer_computes_what_the_stock_layer_computes(bias, shape):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(48, 80, bias=bias))
    x = torch.randn(*shape)
    with torch.inference_mode():
        expected = model(x)
        assert packing.pack_linears(model) == 1
        got = model(x)
    assert type(model[0]).__name__ == "PackedLinear"
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


def test_it_accepts_non_contiguous_input():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(16, 8))
    x = torch.randn(16, 6).t()  # a transposed view, as attention code produces
    with torch.inference_mode():
        expected = model(x)
        packing.pack_linears(model)
        torch.testing.assert_close(model(x), expected, rtol=1e-5, atol=1e-5)


def test_it_leaves_other_dtypes_alone():
    model = torch.nn.Sequential(torch.nn.Linear(8, 8)).to(torch.bfloat16)
    assert packing.pack_linears(model) == 0
    assert type(model[0]) is torch.nn.Linear


def test_it_keeps_the_weight_shape_and_dtype_visible_without_keeping_the_weight():
    model = torch.nn.Sequential(torch.nn.Linear(8, 4))
    packing.pack_linears(model)
    assert model[0].weight.shape == (4, 8)
    assert model[0].weight.dtype == torch.float32
    assert model[0].weight.device.type == "meta"  # no second copy of the weights in memory


@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_the_production_load_packs_the_model(use_model, kind):
    use_model(kind)
    loaded = engine.load()
    assert count(loaded.model, "PackedLinear") > 0
    assert count(loaded.model, "Linear") == count(loaded.model, "Conv1D") == 0


def test_a_packed_gpt2_conv1d_computes_what_the_stock_layer_computes():
    from transformers.pytorch_utils import Conv1D

    torch.manual_seed(0)
    model = torch.nn.Sequential(Conv1D(80, 48))  # (out, in), weight stored as (in, out)
    x = torch.randn(2, 5, 48)
    with torch.inference_mode():
        expected = model(x)
        assert packing.pack_linears(model) == 1
        torch.testing.assert_close(model(x), expected, rtol=1e-5, atol=1e-5)
    assert model[0].weight.shape == (48, 80)


def test_it_can_be_turned_off(use_model, settings):
    settings.SUMMARIZER_CPU_PACKING = False
    use_model("seq2seq")
    loaded = engine.load()
    assert count(loaded.model, "PackedLinear") == 0
    assert count(loaded.model, "Linear") > 0


@pytest.mark.parametrize(
    "params",
    [
        {"strategy": "greedy", "max_new_tokens": 12, "min_new_tokens": 12},
        {"strategy": "beam", "num_beams": 3, "num_return_sequences": 2, "max_new_tokens": 10},
        {"strategy": "top_p", "top_p": 0.9, "seed": 7, "max_new_tokens": 10, "min_new_tokens": 10},
    ],
)
@pytest.mark.parametrize("kind", ["seq2seq", "causal"])
def test_packed_and_stock_models_draft_the_same_tokens(use_model, settings, params, kind):
    use_model(kind)
    packed = engine.generate(engine.load(), SOURCES, check(params))
    settings.SUMMARIZER_CPU_PACKING = False
    engine.reset()
    stock = engine.generate(engine.load(), SOURCES, check(params))
    assert [[o.token_ids for o in outs] for outs in packed] == [[o.token_ids for o in outs] for outs in stock]


def _tiny_llama():
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=128,
    )  # fmt: skip
    return LlamaForCausalLM(config)


def _tiny_t5():
    from transformers import T5Config, T5ForConditionalGeneration

    config = T5Config(
        vocab_size=300, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
        decoder_start_token_id=0, pad_token_id=0, eos_token_id=1,
    )  # fmt: skip
    return T5ForConditionalGeneration(config)


@pytest.mark.parametrize("build", [_tiny_llama, _tiny_t5], ids=["llama-like causal", "t5"])
def test_other_architectures_generate_the_same_after_packing(build):
    """Llama-style causal models use bias-free Linear layers; T5 reads `wo.weight.dtype`."""
    torch.manual_seed(0)
    model = build().eval()
    input_ids = torch.randint(3, 300, (2, 12))
    kwargs = {"max_new_tokens": 8, "min_new_tokens": 8, "do_sample": False, "pad_token_id": 0}
    with torch.inference_mode():
        stock = model.generate(input_ids, attention_mask=torch.ones_like(input_ids), **kwargs)
        assert engine.prepare_for_cpu(model) > 0
        packed = model.generate(input_ids, attention_mask=torch.ones_like(input_ids), **kwargs)
    assert torch.equal(stock, packed)


def test_a_packing_failure_leaves_a_working_model(use_model, monkeypatch, caplog):
    def broken(model):
        raise RuntimeError("oneDNN refused the weight layout")

    monkeypatch.setattr(packing, "pack_linears", broken)
    use_model("seq2seq")
    loaded = engine.load()
    assert count(loaded.model, "Linear") > 0
    assert engine.generate(loaded, SOURCES[:1], check({"strategy": "greedy", "max_new_tokens": 5}))[0][0].tokens_out > 0
    assert "could not pack linear layers" in caplog.text
