"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Everything in this folder is marked `e2e` (the fast lane leaves the folder out); screenshots land in var/e2e/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, SHOTS

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator:  # type: ignore[type-arg]
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test body are
    # still plain synchronous calls, so Django's async-safety guard is lifted for this test only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(15_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()
            # Inside Playwright's greenlet the ORM may have opened its own connection; close it here,
            # or the test database cannot be dropped at the end of the session.
            connections.close_all()
