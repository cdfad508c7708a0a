"""`manage.py check --deploy`: provider webhooks that would change subscribers without a secret.

A deployment (DEBUG off) already refuses to start in that state (settings.py); the check also
catches it where settings were changed after start-up, or a DEBUG instance is about to go public.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from curator.mailing import webhook_config


@checks.register(checks.Tags.security, deploy=True)
def provider_webhooks_are_protected(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problem = webhook_config.problem(settings.EMAIL_BACKEND, settings.ANYMAIL, settings.MAILING_WEBHOOKS)
    if not problem:
        return []
    hint = "See docs/sending.md, Bounces and complaints that arrive later."
    return [checks.Error(f"Provider webhooks: {problem}.", hint=hint, id="curator.mailing.E001")]
