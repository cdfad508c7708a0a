"""The schedule form's time zones: current names only, and the editor's zone first."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from curator.mailing.models import ScheduledSend
from tests.factories import make_issue

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 31, 8, 0, tzinfo=dt.UTC)


def options(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]+)"', html)


def selected(html: str) -> str:
    (value,) = re.findall(r'<option value="([^"]+)" selected>', html)
    return value


def test_it_offers_current_zone_names_only(client, send_permissions):
    _, publisher = send_permissions
    client.force_login(publisher)
    html = client.get(reverse("admin:editions_issue_schedule", args=[make_issue().pk])).content.decode()
    names = options(html)
    assert {"UTC", "Europe/Berlin", "America/Chicago", "Asia/Kolkata"} <= set(names)
    for alias in ("US/Eastern", "Etc/GMT+12", "EST5EDT", "GB-Eire", "Asia/Calcutta", "Zulu"):
        assert alias not in names


def test_it_refuses_a_deprecated_alias(client, send_permissions):
    _, publisher = send_permissions
    client.force_login(publisher)
    issue = make_issue()
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("admin:editions_issue_schedule", args=[issue.pk]),
            {"send_at": "2026-04-01T09:30", "time_zone": "Etc/GMT+12"},
        )
    assert response.status_code == 200 and b"Select a valid choice" in response.content
    assert not ScheduledSend.objects.exists()


def test_it_starts_from_the_sites_zone_and_lets_the_browser_refine_it(client, send_permissions, settings):
    settings.TIME_ZONE = "Europe/Paris"
    _, publisher = send_permissions
    client.force_login(publisher)
    html = client.get(reverse("admin:editions_issue_schedule", args=[make_issue().pk])).content.decode()
    assert selected(html) == "Europe/Paris"
    assert "data-browser-zone" in html and "mailing/schedule_zone.js" in html


def test_it_starts_from_the_zone_the_editor_scheduled_in_last(client, send_permissions):
    _, publisher = send_permissions
    client.force_login(publisher)
    first = make_issue()
    with time_machine.travel(NOW, tick=False):
        client.post(
            reverse("admin:editions_issue_schedule", args=[first.pk]),
            {"send_at": "2026-04-01T09:30", "time_zone": "Asia/Tokyo"},
        )
    assert ScheduledSend.objects.get().time_zone == "Asia/Tokyo"
    second = make_issue(title="May issue")
    html = client.get(reverse("admin:editions_issue_schedule", args=[second.pk])).content.decode()
    assert selected(html) == "Asia/Tokyo" and "data-browser-zone" not in html
