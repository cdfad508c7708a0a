"""The admin login lockout's record keeping (django-axes), with a narrower reset on success.

Axes' database handler, on a successful login, deletes every attempt row that matches any lockout
parameter of the request: with `ip_address` among them, one staff member logging in as herself wiped
the failures her address had piled up against every other account, so she could guess a colleague's
password forever by logging in between guesses. Here a success clears only the failures of the account
that logged in, from the address it logged in from; failures against other accounts, and against this
account from elsewhere, keep counting until the cool-off ends.
"""

from __future__ import annotations

import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.http import HttpRequest

log = logging.getLogger(__name__)


class LockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler whose reset on success touches one account from one address."""

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        ip_address = getattr(request, "axes_ip_address", None)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
        log.info("login lockout: a successful login cleared %d failed attempts of that account", count)
        return count
