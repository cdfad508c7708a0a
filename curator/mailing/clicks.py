"""Reader clicks on picks: signed redirect links, counted per pick and day, never per person.

The token names only the pick, so every subscriber's email carries the same link and a click
cannot be traced to anyone; the redirect target comes from the stored pick, never from the
request, so the endpoint cannot be used as an open redirect. Mail security gateways fetch every
link of a message on delivery and would swamp real clicks; HEAD requests, prefetches, known
scanners and anything that is not a browser navigating to a page (HTTP libraries, scripts) still
get the redirect but are not counted. One client counts at most once per pick and day, remembered
only as a keyed hash in the cache until the day is over, so reloading, or a script replaying a link
300 times, is one click, and no address is ever stored.
"""

from __future__ import annotations

import datetime
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from redis.exceptions import RedisError

from curator.editions.content import IssueContent
from curator.editions.models import Pick
from curator.ids import parse_id
from curator.lib.client_ip import client_ip
from curator.mailing.models import ClickCount

SALT = "curator.mailing.click"
PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
SEEN_SECONDS = 26 * 3600  # longer than any local day (DST), shorter than two; the key names the day anyway
log = logging.getLogger(__name__)


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


def is_browser_navigation(request: HttpRequest) -> bool:
    """A person's browser opening the link as a page, as far as the request can tell.

    Every browser's User-Agent starts with `Mozilla/` and its navigations accept `text/html`; HTTP
    libraries (httpx, okhttp, Java, axios, node-fetch, libwww-perl) send neither unless told to. Browsers
    that send Fetch Metadata must also say it is a top-level navigation to a document, which a page's
    script (`fetch()`, an `<img>`) cannot forge.
    """
    meta = request.META
    if not meta.get("HTTP_USER_AGENT", "").startswith("Mozilla/"):
        return False
    if "text/html" not in meta.get("HTTP_ACCEPT", "").lower():
        return False
    mode, dest = meta.get("HTTP_SEC_FETCH_MODE"), meta.get("HTTP_SEC_FETCH_DEST")
    return (mode is None or mode == "navigate") and (dest is None or dest == "document")


def is_automated(request: HttpRequest) -> bool:
    """HEAD, a prefetch, a known scanner or anything but a browser navigation: answered, never counted."""
    if request.method != "GET":
        return True
    if any("prefetch" in request.META.get(header, "").lower() for header in PREFETCH_HEADERS):
        return True
    agent = request.META.get("HTTP_USER_AGENT", "").lower().strip()
    if not agent or any(fragment.lower() in agent for fragment in settings.MAILING_CLICK_SCANNERS):
        return True
    return not is_browser_navigation(request)


def first_click_today(request: HttpRequest, pick_id: int, day: datetime.date | None = None) -> bool:
    """True once per client, pick and day; the cache holds only a keyed hash, gone the next day.

    The hash is keyed with SECRET_KEY, so the cache cannot be read back into addresses (there are only
    2**32 IPv4 ones to try). While the cache is down nothing is counted: a lost click costs less than
    letting one client inflate a count.
    """
    day = day or timezone.localdate()
    digest = salted_hmac(SALT, f"{client_ip(request)}|{pick_id}|{day.isoformat()}").hexdigest()
    try:
        return bool(cache.add(f"mailing:click-seen:{digest}", 1, timeout=SEEN_SECONDS))
    except (RedisError, OSError):
        log.warning("click counting: the cache is unreachable, this click is not counted")
        return False


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
