"""Sign-up flood limits: one confirmation per address per window, a cap per client IP, no probing."""

import datetime as dt
import hashlib
import os
import subprocess
import sys

import pytest
import redis
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from curator.mailing import signup_limits
from curator.mailing.models import Subscriber
from tests.support.paths import REPO
from tests.support.ports import free_port

pytestmark = pytest.mark.django_db


def post(client, django_capture_on_commit_callbacks, email, ip="203.0.113.5", **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("mailing:subscribe"), {"email": email, "name": "Mia"}, REMOTE_ADDR=ip, **extra)


def test_it_sends_one_confirmation_for_ten_sign_ups_of_one_address(client, django_capture_on_commit_callbacks):
    for _ in range(10):
        assert post(client, django_capture_on_commit_callbacks, "mia@example.com").status_code == 302
    assert [m.to for m in mail.outbox] == [["mia@example.com"]]
    assert Subscriber.objects.get().status == "pending"


def test_it_counts_one_address_in_any_letter_case(client, django_capture_on_commit_callbacks):
    for email in ("mia@example.com", "MIA@Example.com", " Mia@EXAMPLE.com "):
        post(client, django_capture_on_commit_callbacks, email)
    assert len(mail.outbox) == 1


def test_it_sends_again_once_the_resend_window_has_passed(client, django_capture_on_commit_callbacks, settings):
    # Local memory follows the travelling clock; Redis expires keys on its own clock (checked below).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "resend"}}
    settings.MAILING_CONFIRM_RESEND_MINUTES = 10
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post(client, django_capture_on_commit_callbacks, "mia@example.com")
    with time_machine.travel(start + dt.timedelta(minutes=9), tick=False):
        post(client, django_capture_on_commit_callbacks, "mia@example.com")
    assert len(mail.outbox) == 1
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        post(client, django_capture_on_commit_callbacks, "mia@example.com")
    assert len(mail.outbox) == 2


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_it_keeps_the_resend_mark_in_redis_with_the_window_as_expiry(
    client, django_capture_on_commit_callbacks, settings
):
    settings.MAILING_CONFIRM_RESEND_MINUTES = 10
    post(client, django_capture_on_commit_callbacks, "mia@example.com")
    mailbox = hashlib.sha256(b"mia@example.com").hexdigest()
    key = cache.make_key(signup_limits._key("confirm", mailbox))
    ttl = redis.Redis.from_url(os.environ["REDIS_URL"]).ttl(key)
    assert 590 <= ttl <= 600
    assert b"mia@example.com" not in key.encode()  # the address is hashed, not stored in clear


def test_it_answers_the_same_whatever_the_address(client, django_capture_on_commit_callbacks):
    Subscriber.objects.create(email="active@example.com", status="active")
    Subscriber.objects.create(email="gone@example.com", status="unsubscribed")
    Subscriber.objects.create(email="bounced@example.com", status="bounced", hard_bounces=3)
    post(client, django_capture_on_commit_callbacks, "pending@example.com")  # now pending, email just sent
    answers = set()
    for email in (
        "new@example.com",
        "pending@example.com",
        "active@example.com",
        "gone@example.com",
        "bounced@example.com",
    ):
        response = post(client, django_capture_on_commit_callbacks, email)
        page = client.get(response["Location"])
        answers.add((response.status_code, response["Location"], page.status_code, page.content))
    assert len(answers) == 1


def test_it_caps_sign_ups_per_client_ip_per_hour(client, django_capture_on_commit_callbacks, settings):
    settings.MAILING_SIGNUPS_PER_IP_HOUR = 3
    for i in range(3):
        assert post(client, django_capture_on_commit_callbacks, f"r{i}@example.com").status_code == 302
    refused = post(client, django_capture_on_commit_callbacks, "r3@example.com")
    assert refused.status_code == 429 and b"Too many sign-ups" in refused.content
    assert not Subscriber.objects.filter(email="r3@example.com").exists()
    assert len(mail.outbox) == 3
    other = post(client, django_capture_on_commit_callbacks, "r4@example.com", ip="198.51.100.9")
    assert other.status_code == 302 and len(mail.outbox) == 4


def test_it_starts_a_new_ip_window_after_an_hour(client, django_capture_on_commit_callbacks, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ip"}}
    settings.MAILING_SIGNUPS_PER_IP_HOUR = 1
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert post(client, django_capture_on_commit_callbacks, "a@example.com").status_code == 302
        assert post(client, django_capture_on_commit_callbacks, "b@example.com").status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        assert post(client, django_capture_on_commit_callbacks, "b@example.com").status_code == 302


def test_it_reads_the_client_ip_from_the_proxy_header_last_entry(client, django_capture_on_commit_callbacks, settings):
    settings.MAILING_SIGNUPS_PER_IP_HOUR = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = "10.0.0.2"  # every request arrives from the proxy
    first = post(
        client, django_capture_on_commit_callbacks, "a@example.com", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert first.status_code == 302
    # A client cannot escape its bucket by prepending a made-up address; the proxy appends the real one.
    spoofed = post(
        client,
        django_capture_on_commit_callbacks,
        "b@example.com",
        ip=proxy,
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7",
    )
    assert spoofed.status_code == 429
    other = post(
        client, django_capture_on_commit_callbacks, "c@example.com", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 302


def test_it_turns_the_limits_off_with_zero(client, django_capture_on_commit_callbacks, settings):
    settings.MAILING_SIGNUPS_PER_IP_HOUR = 0
    settings.MAILING_CONFIRM_RESEND_MINUTES = 0
    for _ in range(25):
        assert post(client, django_capture_on_commit_callbacks, "mia@example.com").status_code == 302
    assert len(mail.outbox) == 25


@pytest.mark.parametrize(
    ("redis_url", "backend"),
    [
        ("redis://127.0.0.1:6379/3", "django.core.cache.backends.redis.RedisCache"),
        ("", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_it_keeps_counters_in_redis_when_redis_url_is_set_else_in_memory(redis_url, backend):
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "curator.settings"}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == backend


def test_it_refuses_sign_ups_while_the_cache_server_is_down(
    client, django_capture_on_commit_callbacks, settings, caplog
):

    from curator.mailing.models import SignUp

    port = free_port()  # a port nothing listens on: Redis "down"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }
    settings.MAILING_SIGNUPS_PER_IP_HOUR = 3
    answers = [post(client, django_capture_on_commit_callbacks, "kai@example.com") for _ in range(4)]
    # Fail closed: with several web processes, counting in each one's memory multiplied the limit.
    assert [a.status_code for a in answers] == [503] * 4
    assert b"try again in a few minutes" in answers[0].content
    assert not SignUp.objects.exists() and not Subscriber.objects.exists() and mail.outbox == []
    assert "refusing sign-ups until it is back" in caplog.text
