"""Forwarded headers count only from TRUSTED_PROXIES: the sign-up limit and the login lockout with forged
X-Forwarded-For from a client outside the proxies' networks and from a proxy inside them."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from curator.lib.client_ip import client_ip
from tests.support.paths import REPO

pytestmark = pytest.mark.django_db
PROXY, OUTSIDER = "10.1.2.3", "198.51.100.66"


@pytest.fixture(autouse=True)
def _proxies(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ipt"}}


def ip(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def sign_up(n: int, remote: str, forwarded: str) -> int:
    response = Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded).post(
        reverse("mailing:subscribe"), {"email": f"reader{n}@example.com", "name": ""}
    )
    return response.status_code


def test_a_client_outside_the_proxies_cannot_pick_its_address_for_the_sign_up_limit(settings) -> None:
    settings.MAILING_SIGNUPS_PER_IP_HOUR = 3
    answers = [sign_up(n, OUTSIDER, f"203.0.113.{n}") for n in range(6)]
    assert answers == [302, 302, 302, 429, 429, 429], "each forged header was a new budget"


def test_a_trusted_proxy_gives_each_forwarded_client_its_own_budget(settings) -> None:
    settings.MAILING_SIGNUPS_PER_IP_HOUR = 1
    assert sign_up(1, PROXY, "203.0.113.1") == 302
    assert sign_up(2, PROXY, "203.0.113.2") == 302
    # Prepending a made-up hop does not escape the bucket: the proxy appended the real address last.
    assert sign_up(3, PROXY, "192.0.2.99, 203.0.113.1") == 429


def test_a_password_spray_with_forged_headers_is_locked_by_address(settings, django_user_model) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    django_user_model.objects.create_user("edna", "e@example.org", "edna-password", is_staff=True)
    for n, name in enumerate(("root", "admin", "ops")):
        Client(REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").post(
            "/admin/login/", {"username": name, "password": "guess"}
        )
    client = Client(REMOTE_ADDR=OUTSIDER, HTTP_X_FORWARDED_FOR="203.0.113.200")
    response = client.post("/admin/login/", {"username": "edna", "password": "edna-password"})
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_it_reads_the_settings_when_the_request_is_judged(settings) -> None:
    assert ip(PROXY, "203.0.113.1") == "203.0.113.1"
    settings.TRUSTED_PROXIES = []
    assert ip(PROXY, "203.0.113.1") == PROXY


def test_it_steps_left_only_across_trusted_proxies_and_at_most_the_declared_count(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    assert ip(PROXY, "192.0.2.7, 203.0.113.1, 10.9.9.9") == "203.0.113.1"
    assert ip(PROXY, "192.0.2.7, 203.0.113.1") == "203.0.113.1", "one proxy fewer than declared"
    assert ip(PROXY, "192.0.2.7, 10.8.8.8, 10.9.9.9") == "10.8.8.8", "never further than the count"


def test_it_refuses_junk_hops_and_keeps_the_last_trusted_address() -> None:
    for junk in ("unknown", "203.0.113.1:443", "2001:db8::1]", "", "0x7f.1", "1.2.3.4.5", "<script>"):
        assert ip(PROXY, junk) == PROXY, junk
    assert ip("not an address", "203.0.113.1") == ""


def test_two_spellings_of_one_address_are_one_address() -> None:
    assert ip("::ffff:198.51.100.66") == ip("198.51.100.66") == "198.51.100.66"
    assert ip(PROXY, "2001:DB8:0:0:0:0:0:1") == ip(PROXY, "2001:db8::1")
    assert ip(PROXY, "::ffff:203.0.113.1") == "203.0.113.1"


def test_it_counts_ipv6_per_64(settings) -> None:
    assert ip("2001:db8:1:2::1") == ip("2001:db8:1:2:ffff:ffff:ffff:ffff") == "2001:db8:1:2::"
    assert ip("2001:db8:1:3::1") != ip("2001:db8:1:2::1")
    settings.MAILING_SIGNUPS_PER_IP_HOUR = 2
    answers = [sign_up(n, f"2001:db8:1:2::{n + 1:x}", "") for n in range(3)]
    assert answers == [302, 302, 429]


def test_an_ipv6_proxy_inside_the_list_is_trusted_and_one_outside_is_not() -> None:
    assert ip("fd00::5", "203.0.113.1") == "203.0.113.1"
    assert ip("2001:db8::5", "203.0.113.1") == "2001:db8::"


def test_junk_in_trusted_proxies_is_refused(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.internal"]
    with pytest.raises(ImproperlyConfigured, match=r"proxy\.internal"):
        ip(PROXY, "203.0.113.1")


def test_the_settings_refuse_junk_in_trusted_proxies_at_start() -> None:
    env = {"DEBUG": "True", "SECRET_KEY": "x", "TRUSTED_PROXIES": "10.0.0.0/8,nonsense", "PATH": "/usr/bin"}
    run = subprocess.run(
        [sys.executable, "-c", "import curator.settings"],
        cwd=REPO,
        env=env | {"PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "TRUSTED_PROXIES entry 'nonsense'" in run.stderr


def test_a_proxy_count_without_trusted_proxies_warns_at_start(settings, monkeypatch) -> None:
    from curator.proxy_checks import check_trusted_proxies

    settings.TRUSTED_PROXIES = []
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "1")
    assert [m.id for m in check_trusted_proxies()] == ["curator.W701"]
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert check_trusted_proxies() == []
    monkeypatch.delenv("TRUSTED_PROXY_COUNT")
    settings.TRUSTED_PROXIES = []
    assert check_trusted_proxies() == []


def test_manage_py_check_shows_the_warning() -> None:
    env = {"DEBUG": "True", "SECRET_KEY": "x", "TRUSTED_PROXY_COUNT": "1", "PATH": "/usr/bin", "PYTHONPATH": str(REPO)}
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=REPO, env=env, capture_output=True, text=True, check=False
    )
    assert "curator.W701" in run.stderr + run.stdout
