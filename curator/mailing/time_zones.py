"""The time zones offered when scheduling a send, and which one to offer first.

`zoneinfo.available_timezones()` lists every name the database knows, including the deprecated
aliases kept for old software (US/Eastern, Etc/GMT+12 with its inverted sign, EST5EDT, GB-Eire):
an editor picking from those can get an offset they did not mean. The zone.tab table lists one
current name per place, which is what a person recognises; UTC is added for those who think in it.
"""

from __future__ import annotations

import functools
import importlib.resources
import zoneinfo
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def _zone_tab() -> str:
    for folder in zoneinfo.TZPATH:
        table = Path(folder) / "zone.tab"
        if table.is_file():
            return table.read_text(encoding="utf-8")
    try:  # no system database (slim images): the tzdata package ships the same table
        return (importlib.resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


@functools.cache
def choices() -> list[str]:
    """Current zone names, sorted; falls back to every known name if no zone table can be found."""
    known = zoneinfo.available_timezones()
    names = {line.split("\t")[2] for line in _zone_tab().splitlines() if line and not line.startswith("#")}
    names = (names & known) or known
    return sorted(names | {"UTC"})


def initial_zone(user: AbstractBaseUser | AnonymousUser) -> str:
    """The zone this editor scheduled in last time, else the site's TIME_ZONE (when it is a current name)."""
    from curator.mailing.models import ScheduledSend

    mine = ScheduledSend.objects.filter(scheduled_by_id=user.pk).order_by("-created_at")
    last = list(mine.values_list("time_zone", flat=True)[:1]) if user.pk else []
    for name in (*last, settings.TIME_ZONE):
        if name in choices():
            return name
    return "UTC"
