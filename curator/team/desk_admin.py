"""The team's part of the desk and the issue page: suggestion marks, votes and claims.

curator/admin.py lists `TeamDeskEntryAdminMixin` before editions' desk mixin and
`TeamIssueAdminMixin` on the issue page. The desk's own views still do the work; this mixin puts
suggested entries first, adds who suggested and who voted, the *Suggest a link* box and the `v`
and `c` keys (team/desk.js), through the blocks editions' desk templates leave for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import admin
from django.contrib.postgres.aggregates import StringAgg
from django.db import connection
from django.db.models import Aggregate, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from curator.editions import desk
from curator.editions.models import Pick
from curator.feeds.models import Entry
from curator.lib.admin_permissions import permission_required, staff_user
from curator.team import marks
from curator.team.admin import SuggestForm
from curator.team.models import Assignment, Suggestion, Vote

if TYPE_CHECKING:
    # Composed onto the entry admin (with the desk) and the issue admin in curator/admin.py.
    from curator.editions.admin_issue import IssueAdmin as _IssueAdminBase
    from curator.editions.desk_admin import DeskEntryAdminMixin as _EntryAdminBase
else:
    _EntryAdminBase = _IssueAdminBase = object


def pick_in_progress(entry_id: int) -> Pick | None:
    """The entry's pick in the issue being edited: what `c` on the desk claims."""
    issue = desk.issue_in_progress()
    if issue is None:
        return None
    return Pick.objects.filter(issue=issue, entry_id=entry_id).select_related("assignment__writer").first()


def _names(model: Any) -> Subquery:
    """ "Chris, Keita" for one entry's rows of `model`, in one subquery (the list stays one query)."""
    name = Coalesce(
        NullIf("user__team_member__display_name", Value("")), NullIf("user__first_name", Value("")), "user__username"
    )
    rows = model.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
    return Subquery(rows.annotate(names=_joined(name)).values("names")[:1])


class _GroupConcat(Aggregate):
    """SQLite's GROUP_CONCAT: the embedded demo's SQLite (3.40 on Debian 12) knows no ORDER BY inside it."""

    function = "GROUP_CONCAT"
    output_field = TextField()


def _joined(name: Any) -> Aggregate:
    """Names joined by ", " in the order they came; PostgreSQL orders them, SQLite keeps row order."""
    if connection.vendor == "postgresql":
        return StringAgg(name, ", ", order_by="created_at")
    return _GroupConcat(name, Value(", "))


class TeamDeskEntryAdminMixin(_EntryAdminBase):
    """Suggested entries first on the desk; marks, the suggest box and the `v` / `c` keys; who voted in the list."""

    team_list_display = ("team_marks",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entry]:
        queryset = super().get_queryset(request)
        return queryset.annotate(team_suggested_by=_names(Suggestion), team_voted_by=_names(Vote))

    def get_list_display(self, request: HttpRequest) -> Any:
        """The team column only once someone suggested or voted: until then it would only take width."""
        columns = list(super().get_list_display(request))
        if "team_marks" in columns and not (Suggestion.objects.exists() or Vote.objects.exists()):
            columns.remove("team_marks")
        return columns

    @admin.display(description="team")
    def team_marks(self, obj: Entry) -> str:
        parts = []
        suggested_by, voted_by = getattr(obj, "team_suggested_by", None), getattr(obj, "team_voted_by", None)
        if suggested_by:
            parts.append(f"suggested by {suggested_by}")
        if voted_by:
            parts.append(f"+1 {voted_by}")
        return "; ".join(parts) or "—"

    def _detail_context(self, request: HttpRequest, entry_id: int) -> dict[str, Any]:
        context = super()._detail_context(request, entry_id)
        pick = pick_in_progress(entry_id)
        assignment = getattr(pick, "assignment", None) if pick else None
        return {
            **context,
            "desk_current_extra": "admin/team/_desk_marks.html",
            "team_marks": marks.entry_marks([entry_id]).get(entry_id, marks.EntryMarks()),
            "team_pick": pick,
            "team_writer": marks.name_of(assignment.writer) if assignment and assignment.writer_id else "",
            "team_state": assignment.state if assignment else Assignment.State.UNCLAIMED,
            "can_vote": request.user.has_perm("team.add_vote"),
            "can_claim": request.user.has_perm("team.claim_pick"),
        }

    @permission_required("view")
    def desk_view(self, request: HttpRequest) -> HttpResponse:
        response = cast(TemplateResponse, super().desk_view(request))  # the desk renders a template
        context = response.context_data or {}
        items = marks.suggested_first(context["items"])
        item_marks = marks.entry_marks([item.pk for item in items])
        for item in items:
            found = item_marks.get(item.pk)
            item.team_suggested_by = [marks.name_of(s.user) for s in found.suggestions] if found else []
            item.team_voters = found.voters if found else []
        if items and not request.GET.get("entry") and items[0].pk != context["current_id"]:
            context.update(self._detail_context(request, items[0].pk), current_id=items[0].pk)
        elif context["current_id"]:
            context.update(self._detail_context(request, context["current_id"]))
        context.update(
            items=items,
            suggest_form=SuggestForm() if request.user.has_perm("team.add_suggestion") else None,
            suggest_url=reverse("admin:team_suggest"),
            team_vote_url=reverse("admin:team_vote", args=[0]),
            team_claim_url=reverse("admin:team_claim_entry", args=[0]),
        )
        response.template_name = "admin/team/desk.html"
        return response


class TeamIssueAdminMixin(_IssueAdminBase):
    """The issue page's *Writers* panel: progress per member, each pick's writer and state, claim and approve."""

    team_change_form_template = "admin/team/issue_change_form.html"

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None):
        from curator.ids import parse_id

        issue_id = parse_id(object_id)
        if issue_id is not None and request.user.has_perm("team.view_assignment"):
            from curator.editions.models import Issue

            issue = Issue.objects.filter(pk=issue_id).first()
            if issue is not None:
                extra_context = {**(extra_context or {}), **team_panel(request, issue)}
        return super().change_view(request, object_id, form_url, extra_context)


def team_panel(request: HttpRequest, issue: Any) -> dict[str, Any]:
    mine = request.GET.get("team") == "mine"
    picks = Pick.objects.filter(issue=issue).select_related("assignment__writer__team_member", "section")
    if mine:
        picks = picks.filter(assignment__writer=staff_user(request))
    rows = []
    for pick in picks.order_by("section__position", "position", "id"):
        assignment = getattr(pick, "assignment", None)
        writer = assignment.writer if assignment and assignment.writer_id else None
        rows.append(
            {
                "pick": pick,
                "writer": marks.name_of(writer) if writer else "",
                "mine": bool(writer and writer.pk == request.user.pk),
                "state": assignment.state if assignment else Assignment.State.UNCLAIMED,
            }
        )
    return {
        "team_progress": marks.progress(issue),
        "team_rows": rows,
        "team_mine": mine,
        "team_can_claim": request.user.has_perm("team.claim_pick") and not issue.is_locked,
        "team_can_approve": request.user.has_perm("team.approve_blurb") and not issue.is_locked,
    }
