"""The schedule form in a real browser: it starts from the browser's time zone when nothing better is known."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import make_issue
from tests.support.browser import open_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def chicago_page() -> Iterator:
    with open_page(timeout_ms=20_000, timezone_id="America/Chicago") as tab:
        yield tab


@pytest.mark.django_db(transaction=True)
def test_the_schedule_form_starts_from_the_browsers_zone(live_server, chicago_page, django_user_model, settings):
    settings.TIME_ZONE = "UTC"
    from django.core.management import call_command

    call_command("sync_roles", verbosity=0)
    publisher = django_user_model.objects.create_user("pub", password="pub-password-1", is_staff=True)
    publisher.groups.add(Group.objects.get(name="Publisher"))
    issue = make_issue()
    page = chicago_page
    page.goto(f"{live_server.url}{reverse('admin:login')}")
    page.fill("#id_username", "pub")
    page.fill("#id_password", "pub-password-1")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('admin:index')}")
    page.goto(f"{live_server.url}{reverse('admin:editions_issue_schedule', args=[issue.pk])}")
    page.wait_for_function("document.querySelector('#id_time_zone').value === 'America/Chicago'")
    assert page.input_value("#id_time_zone") == "America/Chicago"
