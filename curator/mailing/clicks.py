"""Reader clicks on picks: signed redirect links, counted per pick and day, never per person.

The token names only the pick, so every subscriber's email carries the same link and a click
cannot be traced to anyone; the redirect target comes from the stored pick, never from the
request, so the endpoint cannot be used as an open redirect. Mail security gateways fetch every
link of a message on delivery and would swamp real clicks; HEAD requests, prefetches and known
scanners still get the redirect but are not counted.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from curator.editions.content import IssueContent
from curator.editions.models import Pick
from curator.ids import parse_id
from curator.mailing.models import ClickCount

SALT = "curator.mailing.click"
PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


class InvalidClickToken(Exception):
    """The link was altered, or signed for something else (another site, an unsubscribe link)."""


def click_token(pick_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(pick_id))


def click_url(pick_id: int) -> str:
    return f"{settings.SITE_URL}{reverse('mailing:click', args=[click_token(pick_id)])}"


def pick_id_from_token(token: str) -> int:
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        raise InvalidClickToken("This link is broken or was not made by this newsletter.") from None
    pick_id = parse_id(value)
    if pick_id is None:
        raise InvalidClickToken("This link is broken or was not made by this newsletter.")
    return pick_id


def track_links(content: IssueContent) -> IssueContent:
    """Point every pick's title link at the counting redirect (the email only; the archive keeps plain links)."""
    for section in content.sections:
        for pick in section.picks:
            if pick.url and pick.pick_id:
                pick.url = click_url(pick.pick_id)
    return content


def destination(pick: Pick) -> str | None:
    """Where the pick's link leads: its stored URL, http(s) only."""
    url = pick.url or (pick.entry.url if pick.entry_id and pick.entry else "")
    return url if urlsplit(url).scheme in ("http", "https") else None


def is_automated(request: HttpRequest) -> bool:
    """HEAD, a browser prefetch or a known scanner: answered, never counted."""
    if request.method != "GET":
        return True
    if any("prefetch" in request.META.get(header, "").lower() for header in PREFETCH_HEADERS):
        return True
    agent = request.META.get("HTTP_USER_AGENT", "").lower().strip()
    return not agent or any(fragment.lower() in agent for fragment in settings.MAILING_CLICK_SCANNERS)


def count_click(pick_id: int, day: datetime.date | None = None) -> None:
    """One more click on this pick today; an UPDATE first, since the day's row usually exists."""
    day = day or timezone.localdate()
    rows = ClickCount.objects.filter(pick_id=pick_id, day=day)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ClickCount.objects.create(pick_id=pick_id, day=day, count=1)
    except IntegrityError:  # another request created today's row in between
        rows.update(count=F("count") + 1)
