"""Which email addresses may be subscribed, beyond Django's syntax check."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def validate_subscriber_address(email: str) -> None:
    """Refuse what Django's validator lets through but a newsletter must not mail.

    A domain literal (user@[127.0.0.1]) makes our mail server connect to whatever address the
    sender typed, loopback and private networks included; real readers have domain names.
    """
    validate_email(email)
    domain = email.rpartition("@")[2]
    if domain.startswith("[") or domain.endswith("]"):
        raise ValidationError("Use an address with a domain name, not an IP address.", code="ip_literal")
