"""A start-up warning for deployments that trusted proxies by count only (before TRUSTED_PROXIES existed).

Their X-Forwarded-For is now ignored, so every visitor behind the proxy counts as the proxy's address:
the sign-up budget is shared by all of them and one guesser locks everyone out of the admin by address.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if os.environ.get("TRUSTED_PROXY_COUNT", "").strip() and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "TRUSTED_PROXY_COUNT is set but TRUSTED_PROXIES is empty: X-Forwarded-For is ignored, so every "
                "client behind your proxy is counted as the proxy's address.",
                hint="Set TRUSTED_PROXIES to your proxies' networks (e.g. 172.16.0.0/12).",
                id="curator.W701",
            )
        ]
    return []
