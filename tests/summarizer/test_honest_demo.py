"""Without a model the demo says so: extracts are labelled as extracts, the playground says its knobs
do nothing yet, and the report, the dashboard card and the playground name the backend and model."""

from __future__ import annotations

from django.urls import reverse

from summarizer import drafting
from summarizer.models import Draft
from summarizer.report import profile_report


def test_extracts_are_labelled_and_credit_no_profile(make_entry):
    entry = make_entry("paper")
    drafting.draft_entries([entry.pk])
    draft = Draft.objects.get(entry=entry)
    assert draft.profile_name == "extract (no model)" and draft.profile is not None
    assert [r.profile for r in profile_report()] == ["extract (no model)"]


def test_the_playground_says_the_knobs_do_nothing_without_a_model(admin_client):
    page = admin_client.get(reverse("admin:summarizer_decodingprofile_playground")).content.decode()
    assert 'id="knobs-idle"' in page and "SUMMARIZER_MODEL is not set" in page and "make small-model" in page
    assert 'class="knobs-idle"' in page


def test_the_playground_knobs_are_live_with_a_model(admin_client, use_model):
    use_model("seq2seq")
    from summarizer import engine

    engine.load()  # loaded in the web process: the status knows without a draft
    page = admin_client.get(reverse("admin:summarizer_decodingprofile_playground")).content.decode()
    assert 'id="knobs-idle"' not in page


def test_the_report_and_the_dashboard_name_backend_and_model(admin_client, settings):
    settings.SUMMARIZER_BACKEND = "openai"
    settings.SUMMARIZER_API_BASE = "http://inference.internal:8000/v1"
    settings.SUMMARIZER_API_MODEL = "Qwen/Qwen2.5-1.5B-Instruct"
    report = admin_client.get(reverse("admin:summarizer_decodingprofile_report")).content.decode()
    assert "OpenAI-compatible server (http://inference.internal:8000/v1)" in report
    assert "Qwen/Qwen2.5-1.5B-Instruct" in report
    dashboard = admin_client.get(reverse("admin:index")).content.decode()
    assert "Drafts come from OpenAI-compatible server (http://inference.internal:8000/v1)" in dashboard
    assert "model Qwen/Qwen2.5-1.5B-Instruct" in dashboard


def test_the_entry_page_lists_demoted_drafts_last_with_the_reason(admin_client, make_entry):
    entry = make_entry("paper")
    Draft.objects.create(entry=entry, text="Faithful older draft.", engine="model", profile_name="Greedy")
    Draft.objects.create(
        entry=entry, text="Dr. Elena Martinez <b>invents</b>.", engine="model", demoted_reason="invents Elena, <b>"
    )
    page = admin_client.get(reverse("admin:feeds_entry_change", args=[entry.pk])).content.decode()
    assert page.index("Faithful older draft.") < page.index("Dr. Elena Martinez")
    assert "Not shown first: invents Elena, &lt;b&gt;." in page and "<b>invents" not in page
