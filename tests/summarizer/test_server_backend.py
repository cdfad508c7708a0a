"""The openai backend against a misbehaving local server: retries, deadline, malformed answers,
requests in flight, knob mapping and refusal, and faithfulness ordering of what comes back."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from curator.editions.drafts import ranked_drafts
from summarizer import backends, drafting, faithfulness, fallback, server
from summarizer.models import DecodingProfile, Draft
from summarizer.report import profile_report

FAITHFUL = "Sparse Ladder Attention lets transformers read long documents with 40% less memory."
INVENTED = "Dr. Elena Martinez and the team at the University of California, San Diego propose Sparse Ladder Attention."
ECHO = "The work of a machine-learning researcher is designed to explain the text below."


def warm_extracts() -> None:
    """Load the extract's embedding model before timing, so the clock measures the server deadline."""
    fallback.summarize("One sentence about attention. Another sentence about memory. A third one.")


def plain_greedy() -> DecodingProfile:
    """Greedy without no-repeat n-grams, which an OpenAI server cannot honour."""
    return DecodingProfile.objects.create(name="Plain greedy", strategy="greedy", max_new_tokens=80)


def test_it_retries_a_429_after_the_servers_retry_after(openai_api, make_entry):
    script = openai_api({"status": 429, "headers": {"Retry-After": "1"}}, {"status": 200, "text": FAITHFUL})
    entry = make_entry("paper")
    report = drafting.draft_entries([entry.pk], plain_greedy())
    assert (report.drafted, report.fallback) == (1, 0)
    assert len(script.requests) == 2 and script.times[1] - script.times[0] >= 0.9
    draft = Draft.objects.get(entry=entry)
    assert (draft.engine, draft.backend, draft.model_id, draft.text) == ("model", "openai", "fake-model", FAITHFUL)
    assert (draft.tokens_in, draft.tokens_out) == (40, 12)


def test_it_retries_a_500_with_backoff(openai_api, make_entry):
    script = openai_api({"status": 500}, {"status": 503}, {"status": 200, "text": FAITHFUL})
    entry = make_entry("paper")
    drafting.draft_entries([entry.pk], plain_greedy())
    assert len(script.requests) == 3
    assert Draft.objects.get(entry=entry).engine == Draft.Engine.MODEL


def test_a_server_that_keeps_failing_gives_an_extract_with_the_reason_within_the_deadline(
    openai_api, settings, make_entry
):
    settings.SUMMARIZER_API_TIMEOUT = 2.0
    openai_api({"status": 500})
    entry = make_entry("paper")
    warm_extracts()
    began = time.monotonic()
    report = drafting.draft_entries([entry.pk], plain_greedy())
    assert time.monotonic() - began < 4
    assert (report.drafted, report.fallback, report.failed) == (0, 1, 0)
    draft = Draft.objects.get(entry=entry)
    assert draft.engine == Draft.Engine.FALLBACK and draft.profile_name == "extract (no model)"
    assert "server error" in draft.fallback_reason and "InternalServerError" in draft.fallback_reason


def test_a_hung_server_gives_an_extract_at_the_deadline(openai_api, settings, make_entry):
    settings.SUMMARIZER_API_TIMEOUT = 1.5
    openai_api({"sleep": 6})
    entry = make_entry("paper")
    warm_extracts()
    began = time.monotonic()
    drafting.draft_entries([entry.pk], plain_greedy())
    assert time.monotonic() - began < 4
    draft = Draft.objects.get(entry=entry)
    assert draft.engine == Draft.Engine.FALLBACK
    assert draft.fallback_reason == "the server gave no draft within 1.5 s"


def test_a_retry_after_beyond_the_deadline_is_not_waited_for(openai_api, settings, make_entry):
    settings.SUMMARIZER_API_TIMEOUT = 2.0
    script = openai_api({"status": 429, "headers": {"Retry-After": "30"}}, {"status": 200})
    entry = make_entry("paper")
    warm_extracts()
    began = time.monotonic()
    drafting.draft_entries([entry.pk], plain_greedy())
    assert time.monotonic() - began < 2 and len(script.requests) == 1
    assert "no time left to retry" in Draft.objects.get(entry=entry).fallback_reason


def test_malformed_json_gives_an_extract_with_the_reason(openai_api, make_entry):
    openai_api({"raw": b"{this is not json"})
    entry = make_entry("paper")
    report = drafting.draft_entries([entry.pk], plain_greedy())
    assert report.fallback == 1
    assert "could not be read" in Draft.objects.get(entry=entry).fallback_reason


def test_a_dead_server_gives_an_extract(settings, make_entry):
    settings.SUMMARIZER_BACKEND = "openai"
    settings.SUMMARIZER_API_BASE = "http://127.0.0.1:9/v1"  # discard port: nothing listens
    settings.SUMMARIZER_API_MODEL = "fake-model"
    settings.SUMMARIZER_API_TIMEOUT = 1.0
    server._clients.clear()
    entry = make_entry("paper")
    drafting.draft_entries([entry.pk], plain_greedy())
    assert Draft.objects.get(entry=entry).engine == Draft.Engine.FALLBACK


@pytest.mark.parametrize("concurrency", [1, 4])
def test_it_keeps_up_to_the_configured_requests_in_flight(openai_api, settings, make_entry, concurrency):
    settings.SUMMARIZER_API_CONCURRENCY = concurrency
    script = openai_api({"sleep": 0.4, "text": FAITHFUL})
    entries = [make_entry("paper") for _ in range(8)]
    report = drafting.draft_entries([e.pk for e in entries], plain_greedy())
    assert report.drafted == 8
    assert script.most_in_flight == concurrency


def test_each_knob_becomes_its_request_parameter(openai_api, settings, make_entry):
    settings.SUMMARIZER_API_EXTRA_KNOBS = ["repetition_penalty"]
    script = openai_api({"text": FAITHFUL})
    nucleus = DecodingProfile.objects.create(
        name="Server nucleus",
        strategy="top_p",
        top_p=0.9,
        temperature=0.7,
        seed=11,
        num_return_sequences=2,
        repetition_penalty=1.2,
        max_new_tokens=70,
    )
    drafting.draft_entries([make_entry("paper").pk], nucleus)
    first, second = script.requests
    assert first["model"] == "fake-model" and first["max_tokens"] == 70
    assert (first["temperature"], first["top_p"], first["seed"], first["repetition_penalty"]) == (0.7, 0.9, 11, 1.2)
    assert second["seed"] == 12  # the second draft of the entry: its own request, the next seed
    assert first["messages"][0]["role"] == "system" and "Sparse Ladder Attention" in first["messages"][1]["content"]
    drafting.draft_entries([make_entry("paper").pk], plain_greedy())
    assert script.requests[-1]["temperature"] == 0.0 and "top_p" not in script.requests[-1]


@pytest.mark.parametrize(
    ("knobs", "field", "words"),
    [
        ({"strategy": "beam", "num_beams": 4}, "strategy", "beam search"),
        ({"strategy": "contrastive", "top_k": 4, "penalty_alpha": 0.6}, "strategy", "contrastive search"),
        ({"strategy": "top_p", "top_p": 0.9, "typical_p": 0.95}, "typical_p", "typical-p"),
        ({"strategy": "greedy", "no_repeat_ngram_size": 3}, "no_repeat_ngram_size", "no-repeat n-gram"),
        ({"strategy": "top_k", "top_k": 50}, "top_k", "top-k"),
        ({"strategy": "greedy", "repetition_penalty": 1.2}, "repetition_penalty", "repetition penalty"),
    ],
)
def test_a_knob_the_server_cannot_honour_is_refused_on_save_naming_knob_and_backend(settings, db, knobs, field, words):
    profile = DecodingProfile(name="Refused", **knobs)
    settings.SUMMARIZER_BACKEND = "transformers"
    profile.full_clean()  # fine in the worker
    settings.SUMMARIZER_BACKEND = "openai"
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    message = " ".join(refused.value.message_dict[field])
    assert words in message and "openai backend" in message


def test_extras_the_operator_lists_are_sent_instead_of_refused(settings):
    settings.SUMMARIZER_BACKEND = "openai"
    knobs = {"strategy": "top_k", "top_k": 50, "repetition_penalty": 1.1}
    assert set(backends.refusals(knobs)) == {"top_k", "repetition_penalty"}
    settings.SUMMARIZER_API_EXTRA_KNOBS = ["top_k", "repetition_penalty"]
    assert backends.refusals(knobs) == {}


def test_a_refused_profile_used_on_the_server_gives_extracts_naming_knob_and_backend(openai_api, make_entry):
    script = openai_api({"text": FAITHFUL})
    entry = make_entry("paper")
    report = drafting.draft_entries([entry.pk], DecodingProfile.objects.get(name="Faithful (beam search)"))
    assert report.fallback == 1 and script.requests == []
    reason = Draft.objects.get(entry=entry).fallback_reason
    assert "beam search" in reason and "openai backend" in reason


def test_an_invented_draft_is_redrafted_once_then_shown_below_the_extract(openai_api, make_entry):
    script = openai_api({"text": INVENTED})
    entry = make_entry("paper")
    sampled = DecodingProfile.objects.create(name="Server sampling", strategy="top_p", top_p=0.9, seed=5)
    report = drafting.draft_entries([entry.pk], sampled)
    assert len(script.requests) == 2 and script.requests[1]["seed"] != 5  # one fresh-seed retry
    assert (report.drafted, report.demoted) == (1, 1)
    shown = ranked_drafts().filter(entry=entry).first()
    assert shown.engine == Draft.Engine.FALLBACK and shown.profile_name == "extract (model drafts demoted)"
    demoted = Draft.objects.filter(entry=entry, engine=Draft.Engine.MODEL)
    assert demoted.count() == 2
    assert all("Elena" in d.demoted_reason and "Martinez" in d.demoted_reason for d in demoted)


def test_a_faithful_retry_is_shown_first(openai_api, make_entry):
    openai_api({"text": ECHO}, {"text": FAITHFUL})
    entry = make_entry("paper")
    sampled = DecodingProfile.objects.create(name="Server sampling", strategy="top_p", top_p=0.9)
    drafting.draft_entries([entry.pk], sampled)
    shown = ranked_drafts().filter(entry=entry).first()
    assert (shown.engine, shown.text, shown.demoted_reason) == ("model", FAITHFUL, "")
    echoed = Draft.objects.get(entry=entry, text=ECHO)
    assert "echoes the instruction" in echoed.demoted_reason and "machine-learning researcher" in echoed.demoted_reason


def test_a_deterministic_profile_is_not_redrafted(openai_api, make_entry):
    script = openai_api({"text": INVENTED})
    entry = make_entry("paper")
    drafting.draft_entries([entry.pk], plain_greedy())
    assert len(script.requests) == 1
    assert ranked_drafts().filter(entry=entry).first().engine == Draft.Engine.FALLBACK


def test_the_profile_report_shows_backend_and_each_profiles_demoted_share(openai_api, make_entry):
    openai_api({"text": INVENTED}, {"text": FAITHFUL})
    drafting.draft_entries([make_entry("paper").pk, make_entry("paper").pk], plain_greedy())
    row = next(r for r in profile_report() if r.profile == "Plain greedy")
    assert row.backends == ["openai"] and row.models == ["fake-model"]
    assert row.demoted_share == 0.5
    assert "extract (model drafts demoted)" in {r.profile for r in profile_report()}


def test_the_playground_preview_orders_by_faithfulness(openai_api, db):
    from summarizer import prompts
    from tests.support.sample_texts import PAPER_ABSTRACT

    openai_api({"text": INVENTED})
    knobs = plain_greedy().knobs()
    shown = drafting.preview(prompts.Source("Sparse Ladder Attention", PAPER_ABSTRACT), knobs)
    assert [g.engine for g in shown] == ["fallback", "model"]
    assert shown[1].backend == "openai" and shown[1].demoted and "Elena" in shown[1].demoted_reason


def test_the_verdict_names_what_is_invented_and_what_is_echoed():
    source = "We introduce Sparse Ladder Attention. It uses 40% less memory on three benchmarks."
    assert faithfulness.judge(FAITHFUL, source).faithful
    invented = faithfulness.judge("It uses 45% less memory, says Stanford.", source)
    assert set(invented.invented) == {"45%", "Stanford"} and not invented.echoed
    echoed = faithfulness.judge("This text is a blurb for a research newsletter.", source)
    assert "this text" in echoed.echoed and "research newsletter" in echoed.echoed
    assert "echoes the instruction" in echoed.reason
    # Words the paper itself uses are not echoes.
    assert faithfulness.judge("A newsletter of papers.", "We build a newsletter of papers.").faithful


def test_a_rejected_request_quotes_the_servers_words_and_is_not_retried(openai_api, make_entry):
    script = openai_api({"status": 422, "raw": b'{"detail": "Unexpected fields in the request: {\'top_k\'}"}'})
    entry = make_entry("paper")
    drafting.draft_entries([entry.pk], plain_greedy())
    assert len(script.requests) == 1
    reason = Draft.objects.get(entry=entry).fallback_reason
    assert reason.startswith("the server refused the request") and "Unexpected fields" in reason and "top_k" in reason


def test_stop_sequences_become_the_requests_stop(openai_api, make_entry):
    script = openai_api({"text": FAITHFUL})
    stopping = DecodingProfile.objects.create(
        name="Stops at a blank line", strategy="greedy", max_new_tokens=80, stop=r"\n\n | Keywords:"
    )
    drafting.draft_entries([make_entry("paper").pk], stopping)
    assert script.requests[0]["stop"] == ["\n\n", "Keywords:"]
    drafting.draft_entries([make_entry("paper").pk], plain_greedy())
    assert "stop" not in script.requests[-1]
