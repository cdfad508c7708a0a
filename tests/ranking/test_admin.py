"""The triage changelist with the ranking's parts: order, relevance column, filters, stories."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from curator.ranking import embed, fit, scoring
from curator.ranking.models import RefitRequest, Relevance, RelevanceModel, Story, StoryMembership
from curator.ranking.refit import run_requested_refit
from curator.ranking.stories import assign_stories
from tests.support.demo_topics import INTERPRETABILITY, ROBOTS

pytestmark = pytest.mark.django_db
URL = reverse("admin:feeds_entry_changelist")


@pytest.fixture
def ranked(from_rows):
    """Past decisions on real topics, then a week of new entries on all three, embedded and scored."""
    from_rows(INTERPRETABILITY[:5], Entry.Triage.PICKED)
    from_rows(ROBOTS[:5], Entry.Triage.REJECTED)
    new = from_rows(ROBOTS[5:8] + INTERPRETABILITY[5:8])  # robots are newer: date order puts them first
    embed.embed_entries()
    scoring.rescore(fit.fit())
    return new


def _titles(response) -> list[str]:
    assert response.status_code == 200
    return [entry.title for entry in response.context_data["cl"].result_list]


def test_it_lists_the_most_likely_picks_first(editor_client, ranked):
    titles = _titles(editor_client.get(URL))
    assert set(titles[:3]) == {row["title"] for row in INTERPRETABILITY[5:8]}
    assert set(titles[3:6]) == {row["title"] for row in ROBOTS[5:8]}


def test_it_shows_a_bar_and_the_nearest_past_picks(editor_client, ranked):
    page = editor_client.get(URL).content.decode()
    assert page.count('class="relevance-bar"') == 6
    nearest = Relevance.objects.get(entry=ranked[3]).like[0][1]
    assert "like: “" in page and nearest in page


def test_it_escapes_titles_in_the_explanation(editor_client, make_entry):
    entry = make_entry("New entry")
    Relevance.objects.create(entry=entry, score=0.7, margin=0.2, like=[[1, "<script>alert(1)</script>"]])
    page = editor_client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_it_filters_likely_picks_and_sorts_every_undecided_entry_uncertain_first(editor_client, make_entry, settings):
    settings.RANKING_LIKELY_SCORE = 0.6
    for title, score in (("Likely", 0.9), ("Unsure", 0.52), ("Unlikely", 0.02), ("Leaning", 0.35)):
        Relevance.objects.create(entry=make_entry(title), score=score, margin=abs(score - 0.5))
    make_entry("Not scored yet")
    decided = make_entry("Decided", triage=Entry.Triage.SHORTLISTED)
    Relevance.objects.create(entry=decided, score=0.95, margin=0.45)
    assert _titles(editor_client.get(URL, {"ranking": "likely"})) == ["Likely"]
    uncertain = ["Unsure", "Leaning", "Likely", "Unlikely", "Not scored yet"]
    assert _titles(editor_client.get(URL, {"ranking": "uncertain"})) == uncertain


def test_uncertain_first_is_not_empty_when_the_model_is_sure_of_everything(editor_client, make_entry):
    for title, score in (("Sure yes", 0.97), ("Sure no", 0.02)):
        Relevance.objects.create(entry=make_entry(title), score=score, margin=abs(score - 0.5))
    assert _titles(editor_client.get(URL, {"ranking": "uncertain"})) == ["Sure yes", "Sure no"]


def _populate(count: int, make_entry) -> None:
    for n in range(count):
        a, b = make_entry(f"Paper {n}"), make_entry(f"Post {n}")
        story = Story.objects.create()
        for entry in (a, b):
            StoryMembership.objects.create(entry=entry, story=story, reason=StoryMembership.Reason.CITES)
            Relevance.objects.create(entry=entry, score=0.5 + n / 1000, margin=0.1, like=[[entry.pk, "A pick"]])


def test_it_lists_entries_in_a_constant_number_of_queries(editor_client, make_entry, django_assert_num_queries):
    _populate(2, make_entry)
    editor_client.get(URL)  # warm per-process caches
    with CaptureQueriesContext(connection) as small:
        editor_client.get(URL)
    _populate(30, make_entry)
    with django_assert_num_queries(len(small.captured_queries)):
        response = editor_client.get(URL)
    assert len(response.context_data["cl"].result_list) == 64
    assert response.content.decode().count("story of 2") == 64


def test_it_never_fits_or_rescores_during_a_request(editor_client, ranked):
    models, scored_at = RelevanceModel.objects.count(), list(Relevance.objects.values_list("scored_at", flat=True))
    for params in ({}, {"ranking": "likely"}, {"ranking": "uncertain"}):
        editor_client.get(URL, params)
    assert RelevanceModel.objects.count() == models
    assert list(Relevance.objects.values_list("scored_at", flat=True)) == scored_at


def test_it_queues_one_refit_for_a_burst_of_decisions(editor_client, ranked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for entry in ranked[:3]:
            editor_client.post(URL, {"action": "reject_entries", "_selected_action": [entry.pk]})
    assert len(callbacks) == 1
    assert RefitRequest.objects.get().pending
    model = run_requested_refit()
    assert model is not None and model.negatives == 8
    assert run_requested_refit() is None  # claimed once: a second worker does nothing
    assert not Relevance.objects.filter(entry__in=ranked[:3]).exists()


def _story(make_entry):
    paper = make_entry("The paper", kind="paper", arxiv_id="2609.00001")
    post = make_entry("A post about it", "Notes on arXiv:2609.00001.")
    assign_stories([post.pk])
    return paper, post


def test_it_rejects_a_whole_story_in_one_action(editor_client, make_entry):
    _paper, post = _story(make_entry)
    make_entry("Someone else")
    editor_client.post(URL, {"action": "reject_stories", "_selected_action": [post.pk]})
    triage = dict(Entry.objects.values_list("title", "triage"))
    assert triage == {"The paper": "rejected", "A post about it": "rejected", "Someone else": "new"}


def test_it_shows_the_story_size_with_the_siblings(editor_client, make_entry):
    _story(make_entry)
    page = editor_client.get(URL).content.decode()
    assert page.count("story of 2") == 2
    assert "story of 2</span>" in page
    assert "“The paper”</div>" in page and "“A post about it”</div>" in page


def test_it_suggests_the_rest_of_the_story_when_one_is_added_to_an_issue(editor_client, make_entry):
    paper, _post = _story(make_entry)
    issue = Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 11, 1))
    form = {"action": "add_to_issue", "_selected_action": [paper.pk], "apply": "yes"}
    response = editor_client.post(URL, {**form, "section": issue.sections.first().pk}, follow=True)
    assert Pick.objects.get().entry == paper
    messages = [str(m) for m in response.context["messages"]]
    assert any("Same story" in m and "A post about it" in m for m in messages)


def test_it_lets_editors_write_the_team_interests_once(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:ranking_interests_add")
    assert client.post(url, {"text": "Interpretability and fast inference."}).status_code == 302
    assert client.get(url).status_code == 403  # one per site: edit it, do not add a second


def test_it_queues_a_refit_when_the_interests_change(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("admin:ranking_interests_add"), {"text": "Fast inference."})
    assert len(callbacks) == 1 and RefitRequest.objects.get().pending


def test_it_escapes_titles_in_the_story_column(editor_client, make_entry):
    a, b = make_entry("<b>bold</b> paper"), make_entry("Post")
    story = Story.objects.create()
    for entry in (a, b):
        StoryMembership.objects.create(entry=entry, story=story, reason=StoryMembership.Reason.CITES)
    page = editor_client.get(URL).content.decode()
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt; paper" in page
