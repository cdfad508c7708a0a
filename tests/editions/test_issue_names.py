"""Two issues may both keep the default title: the issue list and the dashboard name each with its month."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from curator.editions.models import Issue

pytestmark = pytest.mark.django_db


def test_the_issue_list_names_each_issue_with_its_month(editor_client) -> None:
    Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 11, 1))
    Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 12, 1))

    body = editor_client.get(reverse("admin:editions_issue_changelist")).content.decode()

    assert "Recommended Reading — November 2026" in body
    assert "Recommended Reading — December 2026" in body
    assert ">Recommended reading<" not in body


def test_the_dashboard_names_this_months_issue_and_the_last_send_with_their_months(client, django_user_model) -> None:
    sue = django_user_model.objects.create_superuser("sue", "sue@example.org", "sue-password")
    month = timezone.localdate().replace(day=1)
    Issue.objects.create(title="Recommended reading", month=month)
    last = (month - datetime.timedelta(days=1)).replace(day=1)
    Issue.objects.create(title="Recommended reading", month=last, status=Issue.Status.SENT, sent_at=timezone.now())
    client.force_login(sue)

    body = client.get(reverse("admin:index")).content.decode()

    assert f"Recommended Reading — {month:%B %Y}</a>" in body
    assert f"Recommended Reading — {last:%B %Y}</a>" in body
