"""The ranking app's parts of the entry admin, composed in curator/admin.py where Entry is registered.

The composed admin orders by `RELEVANCE_ORDERING` and lists `ranking_list_display`,
`ranking_list_filter` and `ranking_actions`. Its story actions change triage through
curator/editions/actions/triage.py like every other triage decision, which also asks for the
refit. It only reads stored scores: a request never fits or rescores anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import F, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from curator.editions.actions.triage import set_triage
from curator.editions.triage_messages import tell_triaged
from curator.feeds.models import Entry
from curator.ranking.admin_filters import UNCERTAIN, UNCERTAIN_ORDERING, RankingFilter
from curator.ranking.models import Interests, Relevance, RelevanceModel, StoryMembership
from curator.ranking.refit import request_refit
from curator.ranking.stories import with_stories

RELEVANCE_ORDERING = (
    F("relevance__score").desc(nulls_last=True),
    F("published_at").desc(nulls_last=True),
    "-id",
)


class RankedEntryAdminMixin(admin.ModelAdmin[Entry] if TYPE_CHECKING else object):  # type: ignore[misc]
    """Relevance order and column, ranking filters, story column and whole-story actions."""

    ranking_list_display = ("relevance_column", "story_column")
    ranking_list_filter = (RankingFilter,)
    ranking_actions = ("shortlist_stories", "reject_stories")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entry]:
        members = Prefetch(
            "story_link__story__members",
            queryset=StoryMembership.objects.select_related("entry").only("entry_id", "story_id", "entry__title"),
        )
        queryset = super().get_queryset(request)
        return queryset.select_related("relevance", "story_link__story").prefetch_related(members)

    def get_ordering(self, request: HttpRequest) -> Any:
        if request.GET.get(RankingFilter.parameter_name) == UNCERTAIN:
            return UNCERTAIN_ORDERING
        return super().get_ordering(request)

    @admin.display(description="relevance", ordering="relevance__score")
    def relevance_column(self, obj: Entry) -> str | SafeString:
        relevance = getattr(obj, "relevance", None)
        if relevance is None:
            return "—"
        percent = round(relevance.score * 100)
        # safe: format_html(_join) escape every stored title and number; only the fixed markup is trusted.
        like = format_html_join(", ", "“{}”", ((title,) for _, title in relevance.like))
        # safe: fixed text from the model class, escaped by format_html all the same.
        reason = format_html('<div class="relevance-new-topic">{}</div>', Relevance.NEW_TOPIC_REASON)
        return format_html(
            '<span class="relevance" title="{}"><span class="relevance-bar" style="display:inline-block;height:6px;'
            'width:{}px;background:#2f6f9f;vertical-align:middle"></span> {}</span>{}{}',
            f"score {relevance.score:.2f}",
            max(1, percent // 2),
            f"{relevance.score:.2f}",
            # safe: `like` was built by format_html_join above, the title text inside it is escaped.
            format_html('<div class="relevance-like">like: {}</div>', like) if relevance.like else "",
            reason if relevance.new_topic else "",
        )

    @admin.display(description="story")
    def story_column(self, obj: Entry) -> str | SafeString:
        link = getattr(obj, "story_link", None)
        if link is None:
            return ""
        siblings = [m.entry.title for m in link.story.members.all() if m.entry_id != obj.pk]
        # safe: format_html(_join) escape the sibling titles; only the fixed markup is trusted.
        return format_html(
            '<span class="story">story of {}</span><div class="story-siblings" style="font-size:0.85em">{}</div>',
            len(siblings) + 1,
            # safe: each sibling title is an escaped argument of format_html_join.
            format_html_join(", ", "“{}”", ((title[:80],) for title in siblings)),
        )

    # Actions ---------------------------------------------------------------------------------

    @admin.action(description="Shortlist selected entries with their whole stories", permissions=["change"])
    def shortlist_stories(self, request: HttpRequest, queryset: QuerySet[Entry]) -> None:
        tell_triaged(request, set_triage(with_stories(queryset), Entry.Triage.SHORTLISTED), Entry.Triage.SHORTLISTED)

    @admin.action(description="Reject selected entries with their whole stories", permissions=["change"])
    def reject_stories(self, request: HttpRequest, queryset: QuerySet[Entry]) -> None:
        tell_triaged(request, set_triage(with_stories(queryset), Entry.Triage.REJECTED), Entry.Triage.REJECTED)


@admin.register(Interests)
class InterestsAdmin(admin.ModelAdmin):
    """One text for the whole team: the ranking's starting point until there are enough picks."""

    fields = ["text", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not Interests.objects.exists() and super().has_add_permission(request)

    def save_model(self, request: HttpRequest, obj: Interests, form: Any, change: bool) -> None:
        obj.pk = 1
        super().save_model(request, obj, form, change)
        request_refit()


@admin.register(RelevanceModel)
class RelevanceModelAdmin(admin.ModelAdmin):
    """Each fit, with how many decisions it learnt from and how well it ranks them (read-only)."""

    list_display = ["fitted_at", "kind", "positives", "negatives", "ranking_quality", "note"]
    list_filter = ["kind"]

    @admin.display(description="ranking quality (AUC)", ordering="cv_auc")
    def ranking_quality(self, obj: RelevanceModel) -> str:
        # Two decimals: 0.92, not 0.9199999999999999; the full figure stays in the database.
        return "—" if obj.cv_auc is None else f"{obj.cv_auc:.2f}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RelevanceModel | None = None) -> bool:
        return False
