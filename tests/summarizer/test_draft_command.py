from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from summarizer import drafting, engine, fallback
from summarizer.models import Draft


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("draft", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_drafts_given_entries_and_prints_a_summary(use_model, make_entry):
    use_model("seq2seq")
    a, b = make_entry("paper"), make_entry("post")
    out, _ = run("--entry", str(a.pk), str(b.pk), "--profile", "Greedy")
    assert out.startswith("drafted 2, fallback 0, failed 0, ")
    assert out.strip().endswith("seconds")
    assert Draft.objects.filter(profile_name="Greedy").count() == 2


def test_it_drafts_pending_entries_with_the_default_profile(use_model, make_entry):
    use_model("seq2seq")
    entries = [make_entry("paper") for _ in range(3)]
    out, _ = run("--pending")
    assert "drafted 3, fallback 0" in out
    assert {d.entry_id for d in Draft.objects.all()} == {e.pk for e in entries}
    model_drafts = Draft.objects.filter(engine=Draft.Engine.MODEL)
    assert set(model_drafts.values_list("profile_name", flat=True)) == {"Faithful (beam search)"}
    out, _ = run("--pending")
    assert out == "No entries are waiting for a draft.\n"


def test_it_reports_the_fallback_and_its_reason(make_entry):
    entry = make_entry("paper")
    out, err = run("--entry", str(entry.pk))
    assert "drafted 0, fallback 1, failed 0" in out
    assert "SUMMARIZER_MODEL is not set" in err


def test_it_rejects_an_unknown_profile(make_entry):
    make_entry("paper")
    with pytest.raises(CommandError, match="no decoding profile named 'Nope'"):
        run("--pending", "--profile", "Nope")


def test_it_rejects_unknown_entry_ids(make_entry):
    entry = make_entry("paper")
    with pytest.raises(CommandError, match="no entry with id 999999"):
        run("--entry", str(entry.pk), "999999")
    assert not Draft.objects.exists()


def test_it_shows_a_progress_bar(use_model, make_entry):
    use_model("seq2seq")
    entry = make_entry("paper")
    err = StringIO()
    call_command("draft", "--entry", str(entry.pk), stdout=StringIO(), stderr=err)
    assert "1/1" in err.getvalue()


def test_it_says_plainly_when_no_entry_waits_and_loads_no_model(use_model, make_entry, capfd, monkeypatch):
    use_model("seq2seq")
    run("--entry", str(make_entry("paper").pk))
    engine.reset()
    monkeypatch.setattr(engine, "_load", lambda model_id: pytest.fail("nothing to draft, yet the model was loaded"))
    capfd.readouterr()
    out, err = StringIO(), StringIO()
    call_command("draft", "--pending", stdout=out, stderr=err)  # progress bar on, as typed at a terminal
    assert out.getvalue() == "No entries are waiting for a draft.\n"
    assert err.getvalue() == ""
    assert capfd.readouterr() == ("", "")


def test_it_does_not_mention_the_model_when_no_draft_fell_back(make_entry):
    out, err = run("--pending")
    assert out == "No entries are waiting for a draft.\n"
    assert "model" not in err and "fallback" not in err


def test_it_names_the_fallback_reason_once_with_a_count(make_entry):
    a, b = make_entry("paper"), make_entry("post")
    _, err = run("--entry", str(a.pk), str(b.pk))
    assert err == "2 drafts used the offline fallback: SUMMARIZER_MODEL is not set\n"


def test_it_keeps_library_loading_bars_out_of_its_own(use_model, make_entry, capfd, settings):
    from transformers.utils import logging as hf_logging

    use_model("seq2seq")
    entry, plain = make_entry("paper"), make_entry("post")
    capfd.readouterr()
    err = StringIO()
    hf_logging.enable_progress_bar()  # as in a fresh process, before anything was loaded
    call_command("draft", "--entry", str(entry.pk), stdout=StringIO(), stderr=err)
    settings.SUMMARIZER_MODEL = ""  # the extract path loads its own small embedding model
    engine.reset()
    fallback.reset()
    hf_logging.enable_progress_bar()
    call_command("draft", "--entry", str(plain.pk), stdout=StringIO(), stderr=err)
    assert "Loading weights" not in capfd.readouterr().err + err.getvalue()
    assert err.getvalue().count("1/1") >= 2  # the command's own bar, once per run
    assert Draft.objects.filter(entry__in=[entry, plain]).exclude(profile_name=drafting.DEMOTED_LABEL).count() == 2
