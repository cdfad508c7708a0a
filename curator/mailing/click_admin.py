"""The issue page's part for reader clicks: the click report (a mixin composed in curator/admin.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from curator.editions.models import Issue
from curator.lib.admin_permissions import permission_required
from curator.mailing.click_report import click_report

BAR_HEIGHT = 22  # px per pick in the bar chart
DAY_WIDTH = 36  # px per day in the day chart
DAY_CHART_HEIGHT = 120


if TYPE_CHECKING:
    _IssueAdminBase = admin.ModelAdmin[Issue]  # composed onto the issue admin in curator/admin.py
else:
    _IssueAdminBase = object


class ClickReportAdminMixin(_IssueAdminBase):
    def get_urls(self):
        wrap = self.admin_site.admin_view
        urls = [path("<int:object_id>/clicks/", wrap(self.clicks_view), name="editions_issue_clicks")]
        return urls + super().get_urls()

    @permission_required("view")
    def clicks_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        issue = get_object_or_404(Issue, pk=object_id)
        report = click_report(issue)
        # Chart geometry in pixels, computed here so the SVG template only places shapes.
        bars = [
            {"row": row, "y": i * BAR_HEIGHT, "width": round(row.share * 300, 1)} for i, row in enumerate(report.picks)
        ]
        columns = [
            {
                "row": row,
                "x": i * DAY_WIDTH,
                "height": round(row.share * (DAY_CHART_HEIGHT - 20), 1),
                "y": round(DAY_CHART_HEIGHT - 20 - row.share * (DAY_CHART_HEIGHT - 20), 1),
            }
            for i, row in enumerate(report.days)
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": Issue._meta,
            "original": issue,
            "title": f"Reader clicks: “{issue}”",
            "report": report,
            "bars": bars,
            "bar_chart_height": max(len(bars), 1) * BAR_HEIGHT,
            "columns": columns,
            "day_chart_width": max(len(columns), 1) * DAY_WIDTH,
            "day_chart_height": DAY_CHART_HEIGHT,
        }
        return TemplateResponse(request, "admin/mailing/issue_clicks.html", context)
