"""The link check against a real local HTTP server: live, 404, redirect, slow, refused, HEAD refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curator.editions import workflow
from curator.editions.models import Issue, LinkCheck, Pick
from curator.team import approval, linkcheck
from tests.factories import make_issue

pytestmark = pytest.mark.django_db


def by_url(results: list[linkcheck.LinkResult]) -> dict[str, linkcheck.LinkResult]:
    return {r.url: r for r in results}


def test_it_tells_live_dead_moved_slow_and_refused_links_apart(link_server) -> None:
    live, missing, moved, slow = (link_server.url(p) for p in ("/live", "/missing", "/moved", "/slow"))
    refused = "http://169.254.169.254/latest/meta-data/"
    results = by_url(linkcheck.check_urls([live, missing, moved, slow, refused]))

    assert (results[live].ok, results[live].status, results[live].final_url) == (True, 200, live)
    assert not results[live].redirected and not results[live].slow
    assert (results[missing].ok, results[missing].status) == (False, 404)
    assert "HTTP 404" in results[missing].error
    assert results[moved].ok and results[moved].redirected and results[moved].final_url == live
    assert results[slow].ok and results[slow].slow and results[slow].elapsed >= 1.0
    assert not results[refused].ok and results[refused].status is None
    assert results[refused].error.startswith("refused:") and "link-local" in results[refused].error
    assert ("GET", "/live") not in link_server.seen  # HEAD was enough: nothing downloaded


def test_it_falls_back_to_get_when_a_server_refuses_head(link_server) -> None:
    [result] = linkcheck.check_urls([link_server.url("/no-head")])
    assert result.ok and result.status == 200
    assert link_server.methods("/no-head") == ["HEAD", "GET"]


def test_a_closed_port_is_a_dead_link(link_server, closed_port: int) -> None:
    [result] = linkcheck.check_urls([f"http://127.0.0.1:{closed_port}/"])
    assert not result.ok and result.error


def issue_with_links(link_server, paths: list[str]) -> Issue:
    issue = make_issue(status=Issue.Status.DRAFT)
    for pick, path in zip(Pick.objects.filter(issue=issue).order_by("pk"), paths, strict=False):
        Pick.objects.filter(pk=pick.pk).update(url=link_server.url(path))
    return issue


def test_check_issue_keeps_one_result_per_pick(link_server) -> None:
    issue = issue_with_links(link_server, ["/live", "/missing", "/moved"])
    results = linkcheck.check_issue(issue)
    assert sorted((r.url.rsplit("/", 1)[1], r.ok) for r in results) == [
        ("live", True),
        ("missing", False),
        ("moved", True),
    ]
    assert LinkCheck.objects.filter(pick__issue=issue).count() == 3
    assert [c.pick.url for c in linkcheck.failing_checks(issue)] == [link_server.url("/missing")]
    linkcheck.check_issue(issue)  # again: rows are replaced, not added
    assert LinkCheck.objects.filter(pick__issue=issue).count() == 3


def test_mark_ready_refuses_dead_links_unless_an_editor_gives_a_note(link_server, editor) -> None:
    issue = issue_with_links(link_server, ["/live", "/missing", "/live"])
    with pytest.raises(linkcheck.DeadLinks, match=r"1 link is dead: “Sparse attention, revisited” \(HTTP 404\)"):
        approval.mark_ready(issue, editor)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT

    approval.mark_ready(issue, editor, override_note="The page is back on Monday, the author says.")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY
    assert issue.ready_by == editor
    assert issue.link_override_note == "The page is back on Monday, the author says."


def test_mark_ready_with_live_links_needs_no_note(link_server, editor) -> None:
    issue = issue_with_links(link_server, ["/live", "/moved", "/live"])
    results = approval.mark_ready(issue, editor)
    assert len(results) == 3 and all(r.ok for r in results)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY and issue.link_override_note == ""


def test_a_redirected_link_can_take_its_final_address(link_server, editor) -> None:
    issue = issue_with_links(link_server, ["/moved"])
    linkcheck.check_issue(issue)
    pick = Pick.objects.filter(issue=issue).order_by("pk").first()
    assert pick is not None
    linkcheck.replace_with_final_url(pick, editor)
    pick.refresh_from_db()
    assert pick.url == link_server.url("/live")
    with pytest.raises(workflow.WorkflowError, match="no newer address"):
        linkcheck.replace_with_final_url(pick, editor)


def test_the_issue_page_checks_links_and_marks_them(link_server, editor_client) -> None:
    issue = issue_with_links(link_server, ["/live", "/missing", "/moved"])
    response = editor_client.post(reverse("admin:editions_issue_links", args=[issue.pk]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "3 links checked, 1 dead, 1 redirected." in page
    assert 'class="link-dead"' in page and 'class="link-redirect"' in page
    assert "Use the new address" in page and 'id="ready-anyway"' in page

    refused = editor_client.post(
        reverse("admin:editions_issue_status", args=[issue.pk]), {"target": "ready"}, follow=True
    )
    assert "1 link is dead" in refused.content.decode()
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    editor_client.post(
        reverse("admin:editions_issue_status", args=[issue.pk]),
        {"target": "ready", "override_note": "Archived copy is fine <b>really</b>"},
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY
    page = editor_client.get(reverse("admin:editions_issue_change", args=[issue.pk])).content.decode()
    assert "Archived copy is fine &lt;b&gt;really&lt;/b&gt;" in page


def test_a_member_who_may_not_change_the_issue_cannot_check_its_links(link_server, client, django_user_model) -> None:
    issue = issue_with_links(link_server, ["/live"])
    viewer = django_user_model.objects.create_user("vic", "vic@example.org", "pw", is_staff=True)
    client.force_login(viewer)
    assert client.post(reverse("admin:editions_issue_links", args=[issue.pk])).status_code == 403
    pick = Pick.objects.filter(issue=issue).first()
    assert pick is not None
    url = reverse("admin:editions_issue_use_final_url", args=[issue.pk, pick.pk])
    assert client.post(url).status_code == 403
    assert not LinkCheck.objects.exists()


def test_without_the_check_before_ready_mark_ready_ignores_dead_links(link_server, editor, settings) -> None:
    settings.TEAM_LINKCHECK_BEFORE_READY = False
    issue = issue_with_links(link_server, ["/missing"])
    assert approval.mark_ready(issue, editor) == []
    issue.refresh_from_db()
    assert issue.status == Issue.Status.READY and issue.ready_by == editor
    assert link_server.seen == []
