"""The admin pages that more than one app or package builds: each registered here, once.

The entry page is built by feeds (the model's fields), summarizer (drafts, re-drafting), editions
(triage, add to issue) and ranking (relevance, stories); the issue page by editions (assembly,
status) and mailing (preview, send, schedule, clicks). Each app's admin.py contributes mixins,
URL lists and template blocks and registers only the models nobody else adds to; the classes
below list every part's columns, filters and actions, so the whole page is read in one place.
Methods (querysets, change views, URLs) chain through super() in the order of the bases. The
apps never import this module (apps import downward only); the project package may import them all.

Two third-party pages are replaced here as well. django-celery-beat's periodic-task actions (enable,
disable, toggle, run now) declare no permission, so anyone who may only view the schedule could run
or stop the weekly ingest; the subclass re-declares each of them as needing change permission, and
runs tasks through the outbox. django-axes' "clean up expired attempts" deletes lockout records, so
it needs delete permission. Everything else is the packages'.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, cast

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from curator import operations_admin  # noqa: F401 - registers the operations page
from curator.editions.admin_issue import IssueAdmin as EditionsIssueAdmin
from curator.editions.admin_triage import TriageEntryAdminMixin
from curator.editions.desk_admin import DeskEntryAdminMixin
from curator.editions.models import Issue
from curator.feeds.admin import EntryAdmin as FeedsEntryAdmin
from curator.feeds.admin import SourceAdmin as FeedsSourceAdmin
from curator.feeds.models import Entry, Source
from curator.lib.plural import counted
from curator.mailing.admin import IssueSendingAdminMixin
from curator.mailing.click_admin import ClickReportAdminMixin
from curator.mailing.schedule_admin import ScheduleSendAdminMixin
from curator.outbox import handover
from curator.ranking.admin import RELEVANCE_ORDERING, RankedEntryAdminMixin
from curator.ranking.models import Relevance
from curator.search.admin import CoveredEntryAdminMixin, TopicsIssueAdminMixin
from curator.team.admin_issue import LinksSignOffIssueAdminMixin
from curator.team.desk_admin import TeamDeskEntryAdminMixin, TeamIssueAdminMixin
from summarizer.admin import EntryDraftsAdminMixin
from summarizer.models import Draft


@admin.register(Entry)
class EntryAdmin(
    TeamDeskEntryAdminMixin,
    CoveredEntryAdminMixin,
    DeskEntryAdminMixin,
    RankedEntryAdminMixin,
    TriageEntryAdminMixin,
    EntryDraftsAdminMixin,
    FeedsEntryAdmin,
):
    """Entries as editors triage them: ranked, with drafts, added to issues from the list."""

    list_display = [
        "title",
        *RankedEntryAdminMixin.ranking_list_display,
        *FeedsEntryAdmin.list_display[1:],  # feeds' columns after its title
        *TriageEntryAdminMixin.triage_list_display,
        *TeamDeskEntryAdminMixin.team_list_display,
    ]
    list_filter = [
        *RankedEntryAdminMixin.ranking_list_filter,
        *FeedsEntryAdmin.list_filter,
        *TriageEntryAdminMixin.triage_list_filter,
    ]
    ordering = RELEVANCE_ORDERING  # most likely pick first; decided entries have no score, by date after
    list_per_page = 100
    actions = [
        *EntryDraftsAdminMixin.draft_actions,
        *TriageEntryAdminMixin.triage_actions,
        *RankedEntryAdminMixin.ranking_actions,
    ]
    change_form_template = CoveredEntryAdminMixin.covered_change_form_template  # extends the drafts' template


@admin.register(Issue)
class IssueAdmin(
    TopicsIssueAdminMixin,
    LinksSignOffIssueAdminMixin,
    TeamIssueAdminMixin,
    IssueSendingAdminMixin,
    ScheduleSendAdminMixin,
    ClickReportAdminMixin,
    EditionsIssueAdmin,
):
    """Issues: assembled by editions; previewed, sent, scheduled, reported on by mailing; written, link-checked
    and signed off by the team."""

    change_form_template = LinksSignOffIssueAdminMixin.links_change_form_template


class SourceAdmin(FeedsSourceAdmin):
    """Sources: feeds' page; *Fetch now* in the demo also says whether the new entries were drafted and ranked."""

    def fetch_follow_up(self, new_entry_ids: list[int]) -> str:
        return fetched_entries_follow_up(new_entry_ids)


def fetched_entries_follow_up(new_entry_ids: list[int]) -> str:
    """Says "drafted and ranked" only when the database shows it for every entry; else the counts."""
    total = len(new_entry_ids)
    drafted = Draft.objects.filter(entry_id__in=new_entry_ids).values("entry_id").distinct().count()
    ranked = Relevance.objects.filter(entry_id__in=new_entry_ids).count()
    if drafted == ranked == total:
        return "drafted and ranked"
    return f"{drafted} of {total} drafted, {ranked} of {total} ranked"


admin.site.unregister(Source)
admin.site.register(Source, SourceAdmin)


def needing(permission: str, action: Callable[..., Any]) -> Callable[..., Any]:
    """A copy of a third-party action that declares `permission` (the original stays untouched)."""

    @functools.wraps(action)
    def guarded(model_admin: admin.ModelAdmin, request: Any, queryset: Any) -> Any:
        return action(model_admin, request, queryset)

    cast(Any, guarded).allowed_permissions = (permission,)
    return guarded


class ScheduleAdmin(PeriodicTaskAdmin):
    enable_tasks = needing("change", PeriodicTaskAdmin.enable_tasks)
    disable_tasks = needing("change", PeriodicTaskAdmin.disable_tasks)
    toggle_tasks = needing("change", PeriodicTaskAdmin.toggle_tasks)

    @admin.action(description="Run selected tasks", permissions=["change"])
    def run_tasks(self, request: HttpRequest, queryset: QuerySet[PeriodicTask]) -> None:
        """Queued through the outbox, so a broker outage delays the runs instead of failing the page."""
        periodic = list(queryset)
        try:
            with transaction.atomic(), handover.watch() as queued:
                for task in periodic:
                    handover.enqueue_call(task.task, json.loads(task.args), json.loads(task.kwargs), task.queue or "")
        except (ValueError, json.JSONDecodeError) as exc:
            self.message_user(request, f"Nothing was run: {exc}", messages.ERROR)
            return
        queued.tell(request, f"{counted(len(periodic), 'task', 'tasks')} queued.")


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, ScheduleAdmin)


def _cleanup_expired_attempts(model_admin: admin.ModelAdmin, request: Any, queryset: Any) -> Any:
    # axes measures "expired" from request.axes_attempt_time, which only its login handlers set;
    # from the admin it is missing and the stock action raises AttributeError (a 500).
    request.axes_attempt_time = timezone.now()
    return AccessAttemptAdmin.cleanup_expired_attempts(model_admin, request, queryset)


class LockoutAttemptAdmin(AccessAttemptAdmin):
    cleanup_expired_attempts = needing(
        "delete", functools.wraps(AccessAttemptAdmin.cleanup_expired_attempts)(_cleanup_expired_attempts)
    )


if admin.site.is_registered(AccessAttempt):  # AXES_ENABLE_ADMIN=False leaves it out
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, LockoutAttemptAdmin)
