"""Claims, writing states, bylines and progress; each refusal a Contributor meets, on the server."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from curator.editions.models import Pick, WorkflowError
from curator.team import claim, mark_written
from curator.team.claims import approve, write_blurb
from curator.team.marks import progress
from curator.team.models import Assignment, Member

pytestmark = pytest.mark.django_db


def test_a_claim_signs_the_pick_with_the_members_byline(contributor, make_pick):
    Member.objects.create(user=contributor, display_name="Chris R.", link="https://chris.example.org/")
    pick = claim(make_pick(), contributor)
    assert pick.byline == "Chris R."
    assignment = Assignment.objects.get(pick=pick)
    assert (assignment.writer, assignment.state, assignment.byline_link) == (
        contributor,
        "claimed",
        "https://chris.example.org/",
    )


def test_states_go_claimed_written_approved_and_an_edit_needs_approving_again(contributor, editor, make_pick):
    pick = claim(make_pick(), contributor)
    with pytest.raises(WorkflowError, match="no blurb"):
        mark_written(pick, contributor)
    write_blurb(pick, contributor, "I've spent quite some time with it.", byline="Chris (guest)")
    mark_written(pick, contributor)
    assert Assignment.objects.get(pick=pick).state == "written"
    with pytest.raises(PermissionDenied):
        approve(pick, contributor)
    approve(pick, editor)
    assert Assignment.objects.get(pick=pick).state == "approved"
    write_blurb(pick, contributor, "I've spent a long time with it.")
    assert Assignment.objects.get(pick=pick).state == "written"
    assert Pick.objects.get(pk=pick.pk).byline == "Chris (guest)"


def test_a_pick_claimed_by_one_member_cannot_be_claimed_or_written_by_another(
    contributor, other_contributor, make_pick
):
    pick = claim(make_pick(), contributor)
    with pytest.raises(WorkflowError, match="already claimed by Chris"):
        claim(pick, other_contributor)
    with pytest.raises(PermissionDenied):
        write_blurb(pick, other_contributor, "mine now")
    with pytest.raises(PermissionDenied):
        mark_written(pick, other_contributor)
    assert Pick.objects.get(pk=pick.pk).blurb == ""


def test_progress_counts_written_picks_per_member(contributor, other_contributor, make_pick):
    picks = [make_pick() for _ in range(4)]
    for pick in picks[:3]:
        claim(pick, contributor)
    for pick in picks[:2]:
        write_blurb(pick, contributor, "Done.")
        mark_written(pick, contributor)
    lines = [row.line for row in progress(picks[0].issue)]
    assert lines == ["Chris: 2 of 3 written", "Nobody yet: 0 of 1 written"]


def test_the_blurb_page_refuses_someone_elses_pick(client, contributor, other_contributor, make_pick):
    pick = claim(make_pick(), contributor)
    client.force_login(other_contributor)
    response = client.post(reverse("admin:team_pick", args=[pick.pk, "blurb"]), {"blurb": "overwritten"})
    assert response.status_code == 403
    assert Pick.objects.get(pk=pick.pk).blurb == ""


def test_a_contributor_cannot_send_reorder_delete_sections_or_edit_picks_on_the_issue_page(
    client, contributor, make_pick, issue
):
    pick = make_pick(blurb="The editor's words.")
    section = issue.sections.first()
    client.force_login(contributor)
    assert client.get(reverse("admin:editions_issue_change", args=[issue.pk])).status_code == 200  # may look
    assert client.post(reverse("admin:editions_issue_send", args=[issue.pk])).status_code == 403
    order = {"sections": [{"id": section.pk, "picks": [pick.pk]}]}
    reorder = client.post(
        reverse("admin:editions_issue_order", args=[issue.pk]), json.dumps(order), content_type="application/json"
    )
    assert reorder.status_code == 403
    # Sections and picks are edited (and deleted) only through the issue form, which is view-only to them.
    change = client.post(
        reverse("admin:editions_issue_change", args=[issue.pk]),
        {"title": "Mine", "sections-0-id": section.pk, "sections-0-DELETE": "on", "picks-0-blurb": "x"},
    )
    assert change.status_code == 403
    assert issue.sections.filter(pk=section.pk).exists()
    assert Pick.objects.get(pk=pick.pk).blurb == "The editor's words."


def test_claim_written_and_my_picks_through_the_pages(client, contributor, make_pick, issue):
    pick = make_pick(title="Scaling laws")
    client.force_login(contributor)
    claimed = client.post(reverse("admin:team_pick", args=[pick.pk, "claim"]), HTTP_ACCEPT="application/json").json()
    assert claimed == {"ok": True, "message": "You write “Scaling laws”.", "state": "claimed"}
    page = client.get(reverse("admin:team_my_picks")).content.decode()
    assert "Scaling laws" in page and "0 of 1 written" in page
    client.post(reverse("admin:team_pick", args=[pick.pk, "blurb"]), {"blurb": "A must-read.", "written": "1"})
    assert Assignment.objects.get(pick=pick).state == "written"
    issue_page = client.get(reverse("admin:editions_issue_change", args=[issue.pk]) + "?team=mine").content.decode()
    assert "Chris: 1 of 1 written" in issue_page


def test_the_desk_claims_the_entrys_pick_with_c_and_votes_with_v(client, contributor, editor, make_pick):
    pick = make_pick()
    client.force_login(contributor)
    answer = client.post(reverse("admin:team_claim_entry", args=[pick.entry_id]), HTTP_ACCEPT="application/json").json()
    assert answer["ok"] and answer["state"] == "claimed"
    vote = client.post(reverse("admin:team_vote", args=[pick.entry_id]), HTTP_ACCEPT="application/json").json()
    assert vote["voted"] and vote["voters"] == ["Chris"]
    client.force_login(editor)
    panel = client.get(reverse("admin:feeds_entry_desk_entry", args=[pick.entry_id])).content.decode()
    assert "+1 from Chris" in panel and "Chris writes it (claimed)" in panel


def test_roles_without_the_team_permissions_are_refused(client, django_user_model, make_pick):
    stranger = django_user_model.objects.create_user("s", "s@example.org", "pw", is_staff=True)
    pick = make_pick()
    client.force_login(stranger)
    for url in (
        reverse("admin:team_pick", args=[pick.pk, "claim"]),
        reverse("admin:team_vote", args=[pick.entry_id]),
        reverse("admin:team_suggest"),
        reverse("admin:team_my_picks"),
        reverse("admin:team_profile"),
    ):
        assert client.post(url).status_code == 403, url
    assert not Assignment.objects.filter(writer=stranger).exists()
