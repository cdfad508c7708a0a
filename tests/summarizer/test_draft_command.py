from io import StringIO

import pytest
from django.core.management import CommandError, call_command

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
    assert set(Draft.objects.values_list("profile_name", flat=True)) == {"Faithful (beam search)"}
    out, _ = run("--pending")
    assert "drafted 0, fallback 0, failed 0" in out


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
