"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Everything in this folder is marked `e2e` (the fast lane leaves the folder out); screenshots land in var/e2e/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.browser import open_page


@pytest.fixture
def page() -> Iterator:
    with open_page(viewport={"width": 1400, "height": 1000}) as tab:
        yield tab
