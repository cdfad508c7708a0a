"""The team's part of the issue page: due date, link check, Mark ready with its guard, sign-off.

A mixin composed into the issue admin by curator/admin.py, like mailing's. Checking links and using
a redirect's final address need the right to change the issue; approving needs the right to send.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from curator.editions.models import Issue, LinkCheck, Pick, WorkflowError
from curator.editions.pick_groups import PickBadge
from curator.lib.admin_permissions import permission_required, staff_user
from curator.lib.plural import counted
from curator.team import approval, linkcheck, reminders

if TYPE_CHECKING:
    # Composed onto the issue admin in curator/admin.py, above editions' part (whose _transition it extends).
    from curator.editions.admin_issue import IssueAdmin as _IssueAdminBase
else:
    _IssueAdminBase = object

SEND_PERMISSION = "editions.send_issue"


def summary(results: list[linkcheck.LinkResult]) -> tuple[str, int]:
    """One line for the editor, and its message level."""
    dead = sum(1 for r in results if not r.ok)
    moved = sum(1 for r in results if r.redirected)
    slow = sum(1 for r in results if r.ok and r.slow)
    parts = [f"{counted(len(results), 'link', 'links')} checked"]
    if dead:
        parts.append(f"{dead} dead")
    if moved:
        parts.append(f"{moved} redirected")
    if slow:
        parts.append(f"{slow} slow")
    level = messages.ERROR if dead else messages.WARNING if (moved or slow) else messages.SUCCESS
    return ", ".join(parts) + ".", level


def link_badge(check: LinkCheck, current_url: str) -> PickBadge | None:
    """The card's word for the pick's last check: dead, redirected or slow; None when fine or when
    the link was edited after the check (the Links panel asks for a new check then)."""
    if check.url != current_url:
        return None
    if not check.ok:
        return PickBadge("dead", "dead link", check.error or (f"HTTP {check.status}" if check.status else ""))
    if check.redirected:
        return PickBadge("redirect", f"redirects to {check.final_url}", "Use the new address in the Links panel")
    if check.slow:
        return PickBadge("slow", f"slow link ({check.elapsed:.1f} s)")
    return None


class LinksSignOffIssueAdminMixin(_IssueAdminBase):
    links_change_form_template = "admin/team/issue_links_change_form.html"

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        urls = [
            path("<int:object_id>/links/", wrap(require_POST(self.check_links_view)), name="editions_issue_links"),
            path(
                "<int:object_id>/links/<int:pick_id>/use-final/",
                wrap(require_POST(self.use_final_url_view)),
                name="editions_issue_use_final_url",
            ),
            path("<int:object_id>/approve/", wrap(require_POST(self.approve_view)), name="editions_issue_approve"),
        ]
        return urls + super().get_urls()

    def _changeable(self, request: HttpRequest, object_id: int) -> Issue:
        issue = get_object_or_404(Issue, pk=object_id)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        return issue

    def _back(self, issue: Issue) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:editions_issue_change", args=[issue.pk]) + "#links-panel")

    @permission_required("change")
    def check_links_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = self._changeable(request, object_id)
        text, level = summary(linkcheck.check_issue(issue))
        self.message_user(request, text, level)
        return self._back(issue)

    @permission_required("change")
    def use_final_url_view(self, request: HttpRequest, object_id: int, pick_id: int) -> HttpResponse:
        issue = self._changeable(request, object_id)
        pick = get_object_or_404(Pick, pk=pick_id, issue=issue)
        try:
            linkcheck.replace_with_final_url(pick, staff_user(request))
        except WorkflowError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"“{pick}” now links to {pick.url}.", messages.SUCCESS)
        return self._back(issue)

    @permission_required(SEND_PERMISSION)
    def approve_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = get_object_or_404(Issue, pk=object_id)
        if not request.user.has_perm(SEND_PERMISSION):
            raise PermissionDenied
        try:
            approval.approve(issue, staff_user(request))
        except WorkflowError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, f"You approved “{issue}”.", messages.SUCCESS)
        return self._back(issue)

    def _transition(self, request: HttpRequest, issue: Issue, target: str) -> None:
        """Mark ready checks the links first (and records who marked it); everything else as before."""
        if target != Issue.Status.READY:
            return super()._transition(request, issue, target)
        note = request.POST.get("override_note", "")
        try:
            results = approval.mark_ready(issue, staff_user(request), override_note=note)
        except WorkflowError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        if not results:  # no check before ready (TEAM_LINKCHECK_BEFORE_READY off), or no links
            self.message_user(request, f"“{issue}” is now ready.", messages.SUCCESS)
            return None
        text, level = summary(results)
        self.message_user(request, f"“{issue}” is now ready. {text}", level)
        return None

    def pick_badges(self, request: HttpRequest, issue: Issue) -> dict[int, list[PickBadge]]:
        badges = super().pick_badges(request, issue)
        for check in LinkCheck.objects.filter(pick__issue=issue).select_related("pick"):
            badge = link_badge(check, check.pick.url)
            if badge is not None:
                badges.setdefault(check.pick_id, []).append(badge)
        return badges

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            cleared = approval.clear_if_changed(obj)
            if cleared:
                self.message_user(request, cleared, messages.WARNING)
            row = Issue.objects.select_related("ready_by", "approved_by").get(pk=obj.pk)
            checks = list(LinkCheck.objects.filter(pick__issue=obj).select_related("pick").order_by("pick__title"))
            context["team"] = {
                "issue": row,
                "due": reminders.due_at(row),
                "checks": checks,
                "failing": [c for c in checks if c.url == c.pick.url and not c.ok],
                "require_approval": approval.approval_required(),
                "can_approve": request.user.has_perm(SEND_PERMISSION)
                and row.status == Issue.Status.READY
                and row.ready_by_id != request.user.pk,
            }
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
