"""Whether the email provider's webhooks may be served, judged from settings alone.

A provider's bounce and complaint webhooks change subscribers (a complaint unsubscribes, bounces
bounce), so an open one lets anyone on the internet remove readers. They are served only for the
provider `EMAIL_BACKEND` sends through, only with `ANYMAIL_WEBHOOK_SECRET` (HTTP basic auth), and,
for providers that sign their webhooks, only with the provider's signing key as well, so anymail
checks every signature. Kept free of Django imports: settings.py calls it while it is being read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import cast

BACKEND_PREFIX = "anymail.backends."
# Providers whose webhooks anymail can verify by signature, and the ANYMAIL setting holding the key.
SIGNING_KEYS = {
    "mailersend": "MAILERSEND_SIGNING_SECRET",
    "mailgun": "MAILGUN_WEBHOOK_SIGNING_KEY",
    "mailtrap": "MAILTRAP_TRACKING_SECRET",
    "mandrill": "MANDRILL_WEBHOOK_KEY",
    "postal": "POSTAL_WEBHOOK_KEY",
    "resend": "RESEND_SIGNING_SECRET",
    "sendgrid": "SENDGRID_TRACKING_WEBHOOK_VERIFICATION_KEY",
    "unisender_go": "UNISENDER_GO_API_KEY",
}
NOT_PROVIDERS = {"base", "base_requests", "console", "test"}


def provider(email_backend: str) -> str | None:
    """`postmark` for `anymail.backends.postmark.EmailBackend`; None for SMTP, files or anymail's test backends."""
    if not email_backend.startswith(BACKEND_PREFIX):
        return None
    name = email_backend.removeprefix(BACKEND_PREFIX).partition(".")[0]
    return None if name in NOT_PROVIDERS or not name else name


def problem(email_backend: str, anymail: Mapping[str, object], enabled: bool) -> str:
    """Why the provider's webhooks cannot be served safely ("" when they can, or when they are off)."""
    name = provider(email_backend)
    if not enabled or name is None:
        return ""
    secret = anymail.get("WEBHOOK_SECRET") or ""
    secrets = [secret] if isinstance(secret, str) else list(cast(Iterable[str], secret))  # a list, checked below
    if not secrets or not all(isinstance(s, str) and s for s in secrets):
        return (
            f"provider webhooks are on (EMAIL_BACKEND uses {name}) but ANYMAIL_WEBHOOK_SECRET is not set: "
            "set it to user:long-random-password, or MAILING_WEBHOOKS=False"
        )
    if not all(user and password for user, _, password in (s.partition(":") for s in secrets)):
        return "ANYMAIL_WEBHOOK_SECRET must look like user:long-random-password"
    key = SIGNING_KEYS.get(name)
    if key and not anymail.get(key):
        return f"{name} signs its webhooks: set ANYMAIL_{key} so every signature is checked, or MAILING_WEBHOOKS=False"
    return ""


def serving(email_backend: str, anymail: Mapping[str, object], enabled: bool) -> str | None:
    """The provider whose webhooks are served, or None (off, no provider, or not safe)."""
    name = provider(email_backend)
    if not enabled or name is None or problem(email_backend, anymail, enabled):
        return None
    return name
