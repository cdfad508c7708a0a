"""Admin login lockout (django-axes): per address, per account, cool-off, and the proxy-aware address."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.utils import timezone

from curator.lib.client_ip import client_ip

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def _limit(settings) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


@pytest.fixture
def staff(django_user_model):
    def make(name: str):
        return django_user_model.objects.create_user(name, f"{name}@example.org", f"{name}-password", is_staff=True)

    return make


def attempt(username: str, password: str, ip: str = "203.0.113.7", **meta: str):
    """One POST to the admin login form from `ip`; the client and its session are new each time."""
    client = Client(REMOTE_ADDR=ip, **meta)
    response = client.post(LOGIN, {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def test_it_locks_an_address_out_after_repeated_failures_even_with_the_right_password(staff) -> None:
    staff("edna")
    for _ in range(3):
        response, logged_in = attempt("edna", "guess")
        assert not logged_in
    response, logged_in = attempt("edna", "edna-password")
    assert response.status_code == 429 and not logged_in
    assert "locked" in response.content.decode().lower()


def test_it_locks_an_address_that_tries_many_accounts(staff) -> None:
    staff("paula")
    for name in ("root", "admin", "editor"):
        attempt(name, "guess")
    response, logged_in = attempt("paula", "paula-password")
    assert response.status_code == 429 and not logged_in
    response, logged_in = attempt("paula", "paula-password", ip="198.51.100.20")
    assert logged_in, "another address is not locked"


def test_it_locks_an_account_guessed_from_many_addresses(staff) -> None:
    staff("edna")
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        attempt("edna", "guess", ip=ip)
    response, logged_in = attempt("edna", "edna-password", ip="198.51.100.4")
    assert response.status_code == 429 and not logged_in


def test_it_lets_the_account_in_again_after_the_cool_off(staff) -> None:
    staff("edna")
    for _ in range(3):
        attempt("edna", "guess")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response, logged_in = attempt("edna", "edna-password")
    assert logged_in and response.status_code == 302


def test_it_forgets_failures_after_a_successful_login(staff) -> None:
    staff("edna")
    for _ in range(2):
        attempt("edna", "guess")
    assert attempt("edna", "edna-password")[1]
    for _ in range(2):
        attempt("edna", "guess")
    assert attempt("edna", "edna-password")[1], "two failures after a success are under the limit"


def test_it_keeps_client_login_working_for_tests(client, staff) -> None:
    staff("edna")
    assert client.login(username="edna", password="edna-password")
    assert client.get("/admin/").status_code == 200


def test_it_counts_the_socket_address_and_ignores_forwarded_for_without_trusted_proxies(settings) -> None:
    settings.TRUSTED_PROXIES = []
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.5", "a proxy count alone trusts nobody"


def test_it_takes_the_address_the_trusted_proxy_saw_not_one_the_client_wrote(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    forged = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"
    direct = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.5")
    assert client_ip(direct) == "10.0.0.5"


def test_it_locks_by_the_forwarded_address_behind_a_proxy(settings, staff) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    staff("edna")
    for name in ("a", "b", "c"):
        attempt(name, "guess", ip="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked, _ = attempt("edna", "edna-password", ip="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert locked.status_code == 429
    _, logged_in = attempt("edna", "edna-password", ip="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert logged_in, "another client behind the same proxy is not locked out with the attacker"


def test_a_staff_login_does_not_wipe_the_failures_its_address_made_against_another_account(staff) -> None:
    """An Editor guessing the superuser's password, logging in as herself between guesses, still locks it."""
    staff("root")
    staff("edith")
    for _ in range(2):
        assert not attempt("root", "guess")[1]
    assert attempt("edith", "edith-password")[1], "her own login works: two failures are under the limit"
    assert not attempt("root", "guess")[1]
    response, logged_in = attempt("root", "root-password", ip="198.51.100.44")
    assert response.status_code == 429 and not logged_in, "three failures against root, whoever logged in between"


def test_a_success_clears_only_that_accounts_failures_from_that_address(staff) -> None:
    staff("edna")
    attempt("edna", "guess", ip="198.51.100.1")  # someone elsewhere
    attempt("edna", "guess")
    assert attempt("edna", "edna-password")[1]
    attempt("edna", "guess")
    attempt("edna", "guess", ip="198.51.100.2")
    response, _ = attempt("edna", "edna-password")
    assert response.status_code == 429, "the failure from elsewhere was not wiped by her success"
