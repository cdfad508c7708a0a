"""SUMMARIZER_DEVICE: where the model runs, and a clear fallback when that device cannot be used."""

import pytest
import torch

from summarizer import drafting, engine
from summarizer.decoding import check
from summarizer.models import DecodingProfile, Draft

NO_GPU = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")


def test_auto_prefers_a_gpu_and_otherwise_uses_the_cpu(settings):
    settings.SUMMARIZER_DEVICE = "auto"
    assert engine.device() == ("cuda" if torch.cuda.is_available() else "cpu")


def test_an_explicit_cpu_device_loads_and_drafts(use_model, settings):
    settings.SUMMARIZER_DEVICE = "CPU"
    use_model("causal")
    loaded = engine.load()
    assert loaded.model.device.type == "cpu"
    source = engine.prompts.Source("Sparse attention", "Sparse attention reads long documents.")
    assert engine.generate(loaded, [source], check({"strategy": "greedy", "max_new_tokens": 4}))[0][0].tokens_out > 0


@NO_GPU
@pytest.mark.parametrize("device", ["cuda", "tpu9"])
def test_an_unusable_device_makes_fallback_drafts_that_say_why(use_model, settings, make_entry, device):
    settings.SUMMARIZER_DEVICE = device
    use_model("seq2seq")
    with pytest.raises(engine.ModelUnavailable, match="could not load model"):
        engine.load()
    entry = make_entry("paper")
    report = drafting.draft_entries([entry.pk], DecodingProfile.objects.get(name="Greedy"))
    assert (report.drafted, report.fallback, report.failed) == (0, 1, 0)
    draft = Draft.objects.get(entry=entry)
    assert draft.engine == Draft.Engine.FALLBACK
    assert "could not load model" in draft.fallback_reason
    assert device in draft.fallback_reason.lower()  # "...not compiled with CUDA..." / "Invalid device string: 'tpu9'"
