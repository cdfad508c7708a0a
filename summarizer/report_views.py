"""Summarizer → Profile report: the table and the chart, filtered by month and model."""

from __future__ import annotations

import datetime

from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from summarizer import backends, report, report_chart
from summarizer.models import DecodingProfile


def _month(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None  # a hand-edited query string falls back to all months


def profile_report(request: HttpRequest, site: AdminSite) -> HttpResponse:
    """The admin's report page; DecodingProfileAdmin.report_view declares and checks its permission."""
    month = _month(request.GET.get("month", ""))
    model = request.GET.get("model", "")
    by_model = request.GET.get("by") == "model"
    rows = report.profile_report(month, model, by_model)
    context = {
        **site.each_context(request),
        "title": "Profile report",
        "opts": DecodingProfile._meta,
        "rows": rows,
        "chart": report_chart.scatter(rows),
        "months": report.months(),
        "models": report.model_ids(),
        "month": month,
        "model": model,
        "by_model": by_model,
        "backend_label": backends.label(),
        "backend_model": backends.configured_model(),
    }
    return render(request, "admin/summarizer/profile_report.html", context)
