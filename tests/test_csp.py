"""The policy header itself, on every kind of response (the browser test shows it holds in Chromium)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

REQUIRED = ("script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'")


def directives(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    "name",
    ["admin:login", "editions:archive", "editions:feed_atom", "mailing:subscribe", "healthz"],
)
def test_it_sends_the_policy_on_public_pages(client, name):
    found = directives(client.get(reverse(name)))
    for required in REQUIRED:
        assert found.get(required.split()[0]) == required, (name, found)


def test_it_sends_the_policy_on_admin_pages_and_allows_no_inline_script(admin_client):
    for name in ("admin:index", "admin:feeds_entry_changelist", "admin:mailing_subscriber_import"):
        found = directives(admin_client.get(reverse(name)))
        assert found["script-src"] == "script-src 'self'", found
        assert "unsafe-inline" not in " ".join(found.values()) and "unsafe-eval" not in " ".join(found.values())
