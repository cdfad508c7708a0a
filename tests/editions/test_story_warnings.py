"""The issue page warns when two picks are one story."""

import pytest
from django.urls import reverse

from curator.editions import workflow
from curator.ranking.stories import assign_stories

pytestmark = pytest.mark.django_db


def test_it_warns_when_two_picks_share_a_story(client, editor, make_entry, issue):
    paper = make_entry("The paper", kind="paper", arxiv_id="2609.00001")
    post = make_entry("A post about it", abstract="Notes on arXiv:2609.00001.")
    alone = make_entry("Something else")
    assign_stories([post.pk])
    workflow.add_entries_to_issue([paper, post, alone], issue, issue.sections.first(), editor)
    client.force_login(editor)
    response = client.get(reverse("admin:editions_issue_change", args=[issue.pk]))
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["These picks are one story: “The paper”, “A post about it”."]


def test_it_stays_quiet_when_the_picks_are_different_stories(client, editor, make_entry, issue):
    workflow.add_entries_to_issue([make_entry("One"), make_entry("Two")], issue, issue.sections.first(), editor)
    client.force_login(editor)
    response = client.get(reverse("admin:editions_issue_change", args=[issue.pk]))
    assert not [m for m in response.context["messages"] if "one story" in str(m)]
