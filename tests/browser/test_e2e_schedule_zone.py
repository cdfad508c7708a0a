"""The schedule form in a real browser: it starts from the browser's time zone when nothing better is known."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.urls import reverse

from tests.factories import make_issue
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e


@pytest.fixture
def chicago_page(monkeypatch: pytest.MonkeyPatch) -> Iterator:  # type: ignore[type-arg]
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(timezone_id="America/Chicago")
        context.set_default_timeout(20_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            connections.close_all()


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
