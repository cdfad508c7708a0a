"""The triage desk's part of the entry admin: the desk page, one entry's panel, decide and undo.

curator/admin.py lists `DeskEntryAdminMixin` among the entry admin's bases. The views are thin:
they check the permission, call a function of desk.py and answer with JSON the desk's script
(editions/desk.js) shows without reloading the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from curator.editions import desk
from curator.editions.models import WorkflowError
from curator.feeds.models import Entry
from curator.ids import parse_id
from curator.lib.admin_permissions import permission_required, staff_user

if TYPE_CHECKING:
    # The entry admin in curator/admin.py has the triage part's permission beside this one.
    from curator.editions.admin_triage import TriageEntryAdminMixin as _EntryAdminBase
else:
    _EntryAdminBase = object


class DeskEntryAdminMixin(_EntryAdminBase):
    """Adds /admin/feeds/entry/desk/ (URL name admin:feeds_entry_desk) to the entry admin."""

    change_list_template = "admin/editions/entry/desk_change_list.html"  # the entry list links to the desk

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        urls = [
            path("desk/", wrap(self.desk_view), name="feeds_entry_desk"),
            path("desk/<int:entry_id>/", wrap(self.desk_entry_view), name="feeds_entry_desk_entry"),
            path(
                "desk/<int:entry_id>/decide/",
                wrap(require_POST(self.desk_decide_view)),
                name="feeds_entry_desk_decide",
            ),
            path("desk/<int:entry_id>/undo/", wrap(require_POST(self.desk_undo_view)), name="feeds_entry_desk_undo"),
        ]
        return urls + super().get_urls()

    def _desk_rights(self, request: HttpRequest) -> dict[str, bool]:
        can_decide = self.has_change_permission(request)
        return {
            "can_decide": can_decide,
            "can_add": can_decide and self.has_add_to_issue_permission(request),
            "can_redraft": can_decide and request.user.has_perm("summarizer.add_draft"),
        }

    def _detail_context(self, request: HttpRequest, entry_id: int) -> dict[str, Any]:
        try:
            current = desk.detail(entry_id)
        except Entry.DoesNotExist as exc:
            raise Http404("No such entry.") from exc
        return {"current": current, **self._desk_rights(request)}

    @permission_required("view")
    def desk_view(self, request: HttpRequest) -> HttpResponse:
        """The whole desk; later entries are fetched one panel at a time by the script."""
        scope = desk.ALL if request.GET.get("scope") == desk.ALL else desk.WEEK
        items = desk.queue_items(scope)
        wanted = request.GET.get("entry", "")
        current_id = parse_id(wanted) if wanted else (items[0].pk if items else None)
        if wanted and current_id is None:
            raise Http404("No such entry.")
        context = {
            **self.admin_site.each_context(request),
            "opts": Entry._meta,
            "title": "Triage desk",
            "is_nav_sidebar_enabled": False,  # the list and the entry need the width more than the menu does
            "items": items,
            "current_id": current_id,
            "scope": scope,
            "remaining": desk.remaining(scope),
            "issue": desk.issue_in_progress(),
            "desk_url": reverse("admin:feeds_entry_desk"),
            **(self._detail_context(request, current_id) if current_id else self._desk_rights(request)),
        }
        return TemplateResponse(request, "admin/editions/entry/desk.html", context)

    @permission_required("view")
    def desk_entry_view(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        """One entry's panel, as an HTML fragment for the desk's right-hand side."""
        return TemplateResponse(
            request, "admin/editions/entry/_desk_current.html", self._detail_context(request, entry_id)
        )

    @permission_required("change")
    def desk_decide_view(self, request: HttpRequest, entry_id: int) -> JsonResponse:
        action = request.POST.get("action", "")
        rights = self._desk_rights(request)
        if (action == "add" and not rights["can_add"]) or (action == "redraft" and not rights["can_redraft"]):
            return JsonResponse({"ok": False, "message": "You may not do that here."}, status=403)
        return self._desk_answer(
            request, lambda: desk.decide(entry_id, action, request.POST.get("seen", ""), staff_user(request))
        )

    @permission_required("change")
    def desk_undo_view(self, request: HttpRequest, entry_id: int) -> JsonResponse:
        pick = request.POST.get("pick", "")
        action, previous = request.POST.get("action", ""), request.POST.get("previous", "")
        if action == "add" and not self._desk_rights(request)["can_add"]:
            return JsonResponse({"ok": False, "message": "You may not do that here."}, status=403)
        pick_id = parse_id(pick) if pick else None
        if pick and pick_id is None:
            return JsonResponse({"ok": False, "message": "The pick id is not a whole number."}, status=400)
        return self._desk_answer(request, lambda: desk.undo(entry_id, action, previous, pick_id))

    def _desk_answer(self, request: HttpRequest, run: Any) -> JsonResponse:
        scope = desk.ALL if request.POST.get("scope") == desk.ALL else desk.WEEK
        try:
            outcome = run()
        except Entry.DoesNotExist as exc:
            raise Http404("No such entry.") from exc
        except desk.Conflict as exc:
            answer = {"ok": False, "conflict": True, "triage": exc.triage, "message": str(exc)}
            return JsonResponse({**answer, "remaining": desk.remaining(scope)}, status=409)
        except WorkflowError as exc:
            return JsonResponse({"ok": False, "message": str(exc), "remaining": desk.remaining(scope)}, status=400)
        return JsonResponse(
            {
                "ok": True,
                "entry_id": outcome.entry_id,
                "action": outcome.action,
                "triage": outcome.triage,
                "message": outcome.message,
                "warning": outcome.warning,
                "undo": outcome.undo,
                "remaining": desk.remaining(scope),
            }
        )
