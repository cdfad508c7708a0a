"""Steps every browser test takes: which Chromium, where screenshots go, signing in, submitting, dragging.

The `page` fixture that starts the browser is in tests/browser/conftest.py.
"""

from __future__ import annotations

import re

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


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def submit(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Click something that posts the page, and wait for the answer to load."""
    with page.expect_navigation():
        page.locator(selector).click()


def log_in(tab, base_url: str, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the admin's login form and wait for the dashboard."""
    tab.goto(f"{base_url}{reverse('admin:login')}")
    tab.fill("#id_username", username)
    tab.fill("#id_password", password)
    submit(tab, "input[type=submit]")
    tab.wait_for_url(re.compile(r"/admin/$"))


def settled(browser_page) -> None:  # type: ignore[no-untyped-def]
    """Every decision answered: no request of the desk is on its way."""
    expect(browser_page.locator("#desk")).to_have_attribute("data-busy", "0")
    expect(browser_page.locator(".desk-item.is-pending")).to_have_count(0)


def drag(tab, source, target, dy: float = 2) -> None:  # type: ignore[no-untyped-def]
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
