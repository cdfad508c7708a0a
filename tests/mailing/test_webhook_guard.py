"""Provider webhooks are closed unless protected: a secret always, the provider's signature where it signs."""

import base64
import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from curator.mailing.models import ProviderEvent, Subscriber
from tests.factories import make_subscribers

REPO = Path(__file__).resolve().parents[2]
POSTMARK = "/anymail/postmark/tracking/"
MAILGUN = "/anymail/mailgun/tracking/"
AUTH = "Basic " + base64.b64encode(b"hook:s3cret").decode()


def complaint(email):
    return {"RecordType": "SpamComplaint", "ID": 9, "Type": "SpamComplaint", "Email": email,
            "BouncedAt": "2026-11-22T10:00:00Z"}  # fmt: skip


def post(client, url, payload, **headers):
    return client.post(url, json.dumps(payload), content_type="application/json", **headers)


@pytest.fixture
def postmark(settings):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "server-token"}
    return settings


@pytest.mark.django_db
def test_without_a_secret_an_anonymous_complaint_unsubscribes_nobody(client, postmark):
    (reader,) = make_subscribers(1)
    assert post(client, POSTMARK, complaint(reader.email)).status_code == 404
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE and not ProviderEvent.objects.exists()


@pytest.mark.django_db
def test_only_the_tracking_webhook_of_the_provider_in_use_is_served(client, postmark):
    postmark.ANYMAIL = {**postmark.ANYMAIL, "WEBHOOK_SECRET": "hook:s3cret"}
    (reader,) = make_subscribers(1)
    for url in (MAILGUN, "/anymail/postmark/inbound/", "/anymail/sparkpost/tracking/", "/anymail/nothing/"):
        assert post(client, url, complaint(reader.email), HTTP_AUTHORIZATION=AUTH).status_code == 404, url
    assert post(client, POSTMARK, complaint(reader.email), HTTP_AUTHORIZATION=AUTH).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED


@pytest.mark.django_db
def test_webhooks_can_be_turned_off(client, postmark):
    postmark.ANYMAIL = {**postmark.ANYMAIL, "WEBHOOK_SECRET": "hook:s3cret"}
    postmark.MAILING_WEBHOOKS = False
    assert post(client, POSTMARK, complaint("a@example.com"), HTTP_AUTHORIZATION=AUTH).status_code == 404


def mailgun_complaint(email, key, nonce="nonce-1"):
    stamp = str(int(time.time()))
    signature = hmac.new(key.encode(), f"{stamp}{nonce}".encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"token": nonce, "timestamp": stamp, "signature": signature},
        "event-data": {"event": "complained", "id": "ev-1", "timestamp": float(stamp), "recipient": email},
    }


@pytest.mark.django_db
def test_a_signing_provider_needs_its_key_and_every_signature_is_checked(client, settings):
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:s3cret", "MAILGUN_API_KEY": "api-key"}
    (reader,) = make_subscribers(1)
    signed = mailgun_complaint(reader.email, "signing-key")
    assert post(client, MAILGUN, signed, HTTP_AUTHORIZATION=AUTH).status_code == 404, "no signing key: closed"

    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key"}
    forged = mailgun_complaint(reader.email, "a-guess")
    assert post(client, MAILGUN, forged, HTTP_AUTHORIZATION=AUTH).status_code == 400
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.ACTIVE

    assert post(client, MAILGUN, signed, HTTP_AUTHORIZATION=AUTH).status_code == 200
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.UNSUBSCRIBED


def test_check_deploy_reports_webhooks_without_a_secret(postmark):
    with pytest.raises(SystemCheckError, match="ANYMAIL_WEBHOOK_SECRET is not set"):
        call_command("check", deploy=True)
    postmark.ANYMAIL = {**postmark.ANYMAIL, "WEBHOOK_SECRET": "hook"}
    with pytest.raises(SystemCheckError, match="user:long-random-password"):
        call_command("check", deploy=True)


def start(tmp_path, **env):
    base = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CURATOR_VAR_DIR": str(tmp_path / "var")}
    deployment = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "news.example.com",
        "SITE_URL": "https://news.example.com",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
        "ANYMAIL_POSTMARK_SERVER_TOKEN": "server-token",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO, env={**base, **deployment, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_a_deployment_refuses_to_start_with_open_webhooks_in_one_line(tmp_path):
    refused = start(tmp_path)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith("Curator will not start:") and "ANYMAIL_WEBHOOK_SECRET" in line

    fine = start(tmp_path, ANYMAIL_WEBHOOK_SECRET="hook:" + secrets.token_urlsafe(24))
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert "no issues" in fine.stdout

    off = start(tmp_path, MAILING_WEBHOOKS="False")
    assert off.returncode == 0, off.stdout + off.stderr
