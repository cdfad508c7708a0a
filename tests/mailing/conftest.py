"""Mailing tests share the mailing settings and a private cache namespace; `issue` is the March issue."""

from __future__ import annotations

import pytest

from curator.editions.models import Issue
from tests.factories import make_issue


@pytest.fixture(autouse=True)
def _mail(mail_settings: None) -> None:
    """Every mailing test sends through the shared settings (the SMTP server is the `smtp_server` fixture)."""


@pytest.fixture
def issue(db) -> Issue:
    return make_issue()
