"""The policy's report endpoint: browsers' reports are logged; abuse is capped, counted and answered cheaply."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = "/csp-report/"

REPORT_URI = {
    "csp-report": {
        "document-uri": "https://newsletter.example.org/issues/2026-01/?utm=secret#x",
        "referrer": "",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "original-policy": "script-src 'self'; report-uri /csp-report/",
        "disposition": "enforce",
        "blocked-uri": "inline",
        "line-number": 12,
        "source-file": "https://newsletter.example.org/issues/2026-01/",
        "status-code": 200,
        "script-sample": "alert(document.cookie)",
    }
}
REPORTING_API = [
    {
        "type": "csp-violation",
        "age": 3,
        "url": "https://newsletter.example.org/admin/",
        "user_agent": "Mozilla/5.0",
        "body": {
            "documentURL": "https://newsletter.example.org/admin/",
            "effectiveDirective": "script-src-attr",
            "blockedURL": "inline",
            "sample": "window.x=1",
            "disposition": "enforce",
            "lineNumber": 3,
        },
    }
]


@pytest.fixture(autouse=True)
def _own_cache(settings) -> None:
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {"default": {"BACKEND": locmem, "LOCATION": uuid.uuid4().hex}}  # a budget of its own
    settings.TRUSTED_PROXIES = []


def post(body: object, content_type: str = "application/csp-report", ip: str = "203.0.113.5", **extra: str):
    data = body if isinstance(body, bytes) else json.dumps(body)
    return Client(REMOTE_ADDR=ip).post(URL, data, content_type=content_type, **extra)


def logged(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "curator.csp"]


def test_every_page_names_the_endpoint(client) -> None:
    policy = client.get(reverse("editions:archive")).headers["Content-Security-Policy"]
    assert "report-uri /csp-report/" in policy
    assert reverse("csp_report") == URL


def test_it_logs_a_report_uri_report_without_its_query_string(caplog) -> None:
    caplog.set_level(logging.WARNING, "curator.csp")
    assert post(REPORT_URI).status_code == 204
    [line] = logged(caplog)
    assert line.startswith("CSP violation: script-src-elem blocked inline on https://newsletter.example.org/issues/")
    assert "alert(document.cookie)" in line and ":12)" in line
    assert "utm=secret" not in line


def test_it_logs_a_reporting_api_batch(caplog) -> None:
    caplog.set_level(logging.WARNING, "curator.csp")
    assert post(REPORTING_API * 3, content_type="application/reports+json").status_code == 204
    assert len(logged(caplog)) == 3 and "script-src-attr blocked inline" in logged(caplog)[0]


def test_a_report_cannot_forge_log_lines(caplog) -> None:
    caplog.set_level(logging.WARNING, "curator.csp")
    hostile = {"csp-report": {**REPORT_URI["csp-report"], "blocked-uri": "x\nERROR fake line\r\u2028" + "y" * 5000}}
    assert post(hostile).status_code == 204
    [line] = logged(caplog)
    assert "\n" not in line and "\r" not in line and "\u2028" not in line and len(line) < 1200


def test_it_refuses_large_bodies_unread(caplog) -> None:
    caplog.set_level(logging.WARNING, "curator.csp")
    big = {"csp-report": {**REPORT_URI["csp-report"], "script-sample": "a" * 20_000}}
    assert post(big).status_code == 413
    assert logged(caplog) == []


@pytest.mark.parametrize("body", [b"not json", b"{}", b"[1, 2]", b'{"csp-report": "x"}', b"\xff\xfe"])
def test_it_answers_400_for_anything_but_a_report(body, caplog) -> None:
    caplog.set_level(logging.WARNING, "curator.csp")
    assert post(body).status_code == 400
    assert logged(caplog) == []


def test_it_takes_only_posts(client) -> None:
    assert client.get(URL).status_code == 405


def test_it_limits_reports_per_client_and_forged_headers_do_not_escape(settings, caplog) -> None:
    caplog.set_level(logging.WARNING, "curator.csp")
    settings.CSP_REPORTS_PER_IP_HOUR = 3
    answers = [post(REPORT_URI, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(5)]
    assert answers == [204, 204, 204, 429, 429]
    assert len(logged(caplog)) == 3
    assert post(REPORT_URI, ip="192.0.2.44").status_code == 204, "another client has its own budget"
