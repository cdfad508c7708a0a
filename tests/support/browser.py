"""Steps every browser test takes: which Chromium, where screenshots go, signing in, submitting, dragging.

The `page` fixture in tests/browser/conftest.py starts the browser with `open_page`; tests that need
another context (a time zone, an init script) call `open_page` themselves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect

from tests.support.paths import REPO

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = REPO / "var" / "e2e"


@contextmanager
def open_page(timeout_ms: int = 15_000, init_script: str = "", **context_options: object) -> Iterator:
    """A page in a fresh headless Chromium context, closed with its browser afterwards.

    Playwright's sync API runs an event loop in this thread; the ORM calls of the test body are still
    plain synchronous calls, so Django's async-safety guard is lifted while the page is open.
    """
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(**context_options)
            context.set_default_timeout(timeout_ms)
            if init_script:
                context.add_init_script(init_script)
            try:
                yield context.new_page()
            finally:
                context.close()
                browser.close()
                # Inside Playwright's greenlet the ORM may have opened its own connection; close it here,
                # or the test database cannot be dropped at the end of the session.
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_fits(page, name: str) -> None:
    """Neither the page nor a change list's own scroll box (Django's .results) scrolls sideways; shot as `name`."""
    shot(page, name)
    width, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width <= client, f"{name} scrolls sideways: {width} > {client}"
    boxes = page.locator("#changelist-form .results")
    if boxes.count():
        inner, box = boxes.first.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert inner <= box, f"{name}: the list scrolls sideways inside its box: {inner} > {box}"


def submit(page, selector: str) -> None:
    """Click something that posts the page, and wait for the answer to load."""
    with page.expect_navigation():
        page.locator(selector).click()


def log_in(tab, base_url: str, username: str, password: str) -> None:
    """Sign in through the admin's login form and wait for the dashboard."""
    tab.goto(f"{base_url}{reverse('admin:login')}")
    tab.fill("#id_username", username)
    tab.fill("#id_password", password)
    submit(tab, "input[type=submit]")
    tab.wait_for_url(re.compile(r"/admin/$"))


def settled(browser_page) -> None:
    """Every decision answered: no request of the desk is on its way."""
    expect(browser_page.locator("#desk")).to_have_attribute("data-busy", "0")
    expect(browser_page.locator(".desk-item.is-pending")).to_have_count(0)


def drag(tab, source, target, dy: float = 2) -> None:
    """Drag as a person does: grab, start moving, scroll to the target, let go there.

    Playwright's drag_to scrolls to the target before the drag starts, and Chromium then takes
    whatever sits under the pressed button after that scroll as the dragged element.
    """
    source.scroll_into_view_if_needed()
    start = source.bounding_box()
    tab.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    tab.mouse.down()
    tab.mouse.move(start["x"] + start["width"] / 2 + 8, start["y"] + start["height"] / 2 + 8, steps=3)
    target.scroll_into_view_if_needed()
    end = target.bounding_box()
    tab.mouse.move(end["x"] + 40, end["y"] + dy, steps=4)
    tab.mouse.up()
