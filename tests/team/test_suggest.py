"""Suggesting a link: fetched through the guarded fetcher from a real local server, stored once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from curator.feeds.models import Entry
from curator.ranking import dataset
from curator.team import suggest
from curator.team.models import Suggestion
from curator.team.suggestions import SuggestionRefused

pytestmark = pytest.mark.django_db


def test_it_stores_the_page_with_its_title_full_text_and_the_note(page_server, contributor):
    entry = suggest(page_server.url("article.html"), contributor, "Read the pruning part")
    assert entry.title.startswith("Scaling laws for data pruning")
    assert "power of the dataset size" in entry.full_text
    mark = Suggestion.objects.get(entry=entry)
    assert (mark.user, mark.note, mark.fetch_error) == (contributor, "Read the pruning part", "")
    assert entry.source.active is False
    assert page_server.requests[0].path == "/article.html"


def test_the_same_page_by_another_link_adds_a_mark_never_a_second_entry(page_server, contributor, other_contributor):
    first = suggest(page_server.url("article.html"), contributor, "one")
    again = suggest(page_server.url("article.html") + "?utm_source=mastodon#comments", other_contributor, "two")
    assert again.pk == first.pk
    assert Entry.objects.count() == 1
    assert list(Suggestion.objects.filter(entry=first).values_list("note", flat=True)) == ["one", "two"]
    assert len(page_server.requests) == 1, "a known URL is not fetched again"


def test_a_member_suggesting_twice_keeps_one_mark_with_the_newer_note(page_server, contributor):
    suggest(page_server.url("article.html"), contributor, "first")
    suggest(page_server.url("article.html"), contributor, "better")
    assert list(Suggestion.objects.values_list("note", flat=True)) == ["better"]


def test_a_link_already_in_the_inbox_from_a_feed_gets_the_mark(make_entry, contributor):
    existing = make_entry(url="https://lab.example.org/posts/7", canonical_url="lab.example.org/posts/7")
    from curator.feeds.canonical import canonical_url

    existing.canonical_url = canonical_url(existing.url)
    existing.save()
    found = suggest("http://www.lab.example.org/posts/7/?utm_campaign=x", contributor, "seen it in the feed")
    assert found.pk == existing.pk
    assert Entry.objects.count() == 1


def test_an_arxiv_id_in_any_version_joins_the_paper_already_stored(make_entry, contributor):
    paper = make_entry(arxiv_id="2003.12635", arxiv_version=1, kind=Entry.Kind.PAPER)
    assert suggest("arXiv:2003.12635v2", contributor).pk == paper.pk
    assert suggest("2003.12635", contributor).pk == paper.pk
    assert Entry.objects.count() == 1


def test_an_unknown_arxiv_id_is_looked_up_in_the_arxiv_api(page_server, contributor):
    page_server.state.routes["/arxiv/query"] = lambda handler: handler.send_file("arxiv_v2.xml")
    entry = suggest("2610.01001", contributor, "new schedules")
    assert entry.arxiv_id == "2610.01001"
    assert entry.title == "Denoising Diffusion with Learned Adaptive Noise Schedules"
    assert entry.kind == Entry.Kind.PAPER
    assert "id_list=2610.01001" in page_server.requests[0].path


def test_a_doi_already_stored_joins_its_entry(make_entry, contributor):
    paper = make_entry(doi="10.48550/arxiv.2610.01001")
    assert suggest("https://doi.org/10.48550/ARXIV.2610.01001", contributor).pk == paper.pk
    assert suggest("doi:10.48550/arxiv.2610.01001", contributor).pk == paper.pk


def test_a_failed_fetch_keeps_the_suggestion_and_says_why(page_server, contributor):
    url = page_server.url("status/404")
    entry = suggest(url, contributor, "worth a look")
    mark = Suggestion.objects.get(entry=entry)
    assert "404" in mark.fetch_error
    assert (entry.url, mark.note) == (url, "worth a look")


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Nothing to suggest"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://10.1.2.3/internal", "10.1.2.3"),
        ("file:///etc/passwd", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("just some words", "not a web address"),
        ("doi:nonsense", "not a DOI"),
        ("https://example.org/" + "a" * 2100, "at most 2000"),
    ],
)
def test_refused_or_malformed_input_stores_nothing_and_says_one_line(page_server, contributor, typed, words):
    with pytest.raises(SuggestionRefused) as refused:
        suggest(typed, contributor, "note")
    assert words in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not Entry.objects.exists() and not Suggestion.objects.exists()


def test_the_command_suggests_as_the_member_and_refuses_in_one_line(page_server, contributor):
    out = io.StringIO()
    call_command("suggest", page_server.url("article.html"), "--by", "chris", "--note", "good", stdout=out)
    assert "Suggested entry" in out.getvalue()
    assert Suggestion.objects.get().note == "good"
    with pytest.raises(CommandError, match=r"169\.254\.169\.254"):
        call_command("suggest", "http://169.254.169.254/", "--by", "chris")
    with pytest.raises(CommandError, match="No member"):
        call_command("suggest", page_server.url("article.html"), "--by", "nobody")


def test_suggested_and_voted_entries_count_as_positive_ranking_signal(make_entry, contributor):
    from curator.team.votes import toggle_vote

    suggested, voted, rejected, plain = (
        make_entry(),
        make_entry(),
        make_entry(triage=Entry.Triage.REJECTED),
        make_entry(),
    )
    suggest(suggested.url, contributor)
    toggle_vote(voted.pk, contributor)
    toggle_vote(rejected.pk, contributor)
    wanted = Entry.objects.filter(dataset.EXTRA_POSITIVES[0]())
    assert set(wanted) >= {suggested, voted}
    query = dataset.Q(triage__in=dataset.POSITIVE)
    for extra in dataset.EXTRA_POSITIVES:
        query |= extra() & ~dataset.Q(triage__in=dataset.NEGATIVE)
    assert set(Entry.objects.filter(query)) == {suggested, voted}
    assert plain not in set(Entry.objects.filter(query))


@pytest.mark.django_db(transaction=True)
def test_two_members_suggesting_the_same_new_page_at_once_make_one_entry(page_server, django_user_model):
    import threading

    from django.db import connection

    from tests.factories import create_member

    members = [create_member(django_user_model, name, "Contributor") for name in ("ann", "bob")]
    barrier, results, errors = threading.Barrier(2), [], []

    def run(user) -> None:
        try:
            barrier.wait()
            results.append(suggest(page_server.url("article.html"), user, f"by {user.username}").pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(set(results)) == 1
    assert Entry.objects.count() == 1
    assert Suggestion.objects.count() == 2
