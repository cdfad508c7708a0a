"""Where browsers report Content-Security-Policy violations, so a blocked injection is seen, not just stopped.

The policy's `report-uri` points every page here. Anyone can post to it (browsers send no cookie or
token with a report), so it is built to be cheap and harmless under abuse: a per-client budget counted
in the cache before the body is read, a hard size cap, a fixed answer, and log lines made of a few
cut, control-character-free fields, never the raw body.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from redis.exceptions import RedisError

from curator.ids import ascii_digits
from curator.lib.client_ip import client_ip

log = logging.getLogger("curator.csp")
MAX_BYTES = 16 * 1024  # one report is well under 2 KB; the Reporting API batches a few
MAX_REPORTS = 10  # logged per request, however many a body holds
FIELD_CHARS = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_local = LocMemCache("csp-reports-fallback", {})

# (report-uri name, Reporting API name) of each field worth a log line.
FIELDS = (
    ("violated-directive", "effectiveDirective"),
    ("effective-directive", "effectiveDirective"),
    ("blocked-uri", "blockedURL"),
    ("document-uri", "documentURL"),
    ("source-file", "sourceFile"),
    ("line-number", "lineNumber"),
    ("script-sample", "sample"),
    ("disposition", "disposition"),
)


def take_report_slot(ip: str) -> bool:
    """False once this client sent CSP_REPORTS_PER_IP_HOUR reports this hour (counted in the cache)."""
    limit = settings.CSP_REPORTS_PER_IP_HOUR
    if limit <= 0:
        return False
    key = f"csp-report:{ip}"

    def count(store: BaseCache) -> int:
        store.add(key, 0, timeout=3600)
        try:
            return store.incr(key)
        except ValueError:  # expired between add and incr
            store.add(key, 1, timeout=3600)
            return 1

    try:
        return count(cache) <= limit
    except (RedisError, OSError):  # the cache is down: count in this process rather than not at all
        return count(_local) <= limit


def clean(value: object) -> str:
    """One field as a short single line: no control characters (no forged log lines), no query strings."""
    text = _CONTROL.sub("?", str(value))
    if "://" in text:
        try:
            parts = urlsplit(text)
            text = parts._replace(query="", fragment="").geturl()
        except ValueError:
            pass
    return text[:FIELD_CHARS]


def violations(payload: Any) -> list[dict[str, str]]:
    """The reports in either format browsers use, as {report-uri field name: cleaned value}."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        raw = [(payload["csp-report"], 0)]  # report-uri: one application/csp-report object
    elif isinstance(payload, list):  # Reporting API: application/reports+json, a batch
        raw = [(item["body"], 1) for item in payload if isinstance(item, dict) and isinstance(item.get("body"), dict)]
    else:
        return []
    found = []
    for body, style in raw[:MAX_REPORTS]:
        fields = {}
        for names in FIELDS:
            value = body.get(names[style])
            if value not in (None, ""):
                fields[names[0]] = clean(value)
        if fields:
            found.append(fields)
    return found


@csrf_exempt  # browsers post reports without cookies or tokens
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log each violation; 204 whatever it said, 413 past the cap, 429 past the budget, 400 for junk."""
    if not take_report_slot(client_ip(request)):
        return HttpResponse(status=429)
    declared = ascii_digits(request.META.get("CONTENT_LENGTH") or "0")
    if declared is None or declared > MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        return HttpResponse(status=413)
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return HttpResponse(status=400)
    found = violations(payload)
    if not found:
        return HttpResponse(status=400)
    for fields in found:
        log.warning(
            "CSP violation: %s blocked %s on %s (%s:%s) sample=%r",
            fields.get("effective-directive") or fields.get("violated-directive", "?"),
            fields.get("blocked-uri", "?"),
            fields.get("document-uri", "?"),
            fields.get("source-file", "-"),
            fields.get("line-number", "-"),
            fields.get("script-sample", ""),
        )
    return HttpResponse(status=204)
