"""A real SMTP server (aiosmtpd) that records what it receives and can misbehave on request.

Also the settings every mailing test shares (site name, sender, no rate limit, a private cache namespace),
so that each folder's conftest can apply them with one call.
"""

from __future__ import annotations

import asyncio
import email
import os
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.ports import free_port


@dataclass
class Received:
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """Accepts everything unless told otherwise.

    refuse: addresses answered with 550 at RCPT (permanent).
    throttle: address -> how many times to answer 451 at RCPT before accepting (transient).
    drop: address -> how many times to answer 421 after the message data, which closes the connection.
    delay: seconds to wait before accepting each message, so a test can kill a sender mid-send.
    """

    refuse: set[str] = field(default_factory=set)
    throttle: dict[str, int] = field(default_factory=dict)
    drop: dict[str, int] = field(default_factory=dict)
    delay: float = 0.0
    pipelining: bool = True  # advertise RFC 2920 PIPELINING (aiosmtpd handles pipelined commands)
    received: list[Received] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return [responses[0], "250-PIPELINING", *responses[1:]] if self.pipelining else responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: no such mailbox"
        with self.lock:
            if self.throttle.get(address, 0) > 0:
                self.throttle[address] -= 1
                return "451 4.7.1 Too many messages, slow down"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                if self.drop.get(address, 0) > 0:
                    self.drop[address] -= 1
                    return "421 4.3.2 Service shutting down, closing connection"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted"

    def per_recipient(self) -> Counter:
        with self.lock:
            return Counter(rcpt for item in self.received for rcpt in item.rcpt_tos)

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [item.message for item in self.received if address in item.rcpt_tos]


@dataclass
class SMTPServer:
    host: str
    port: int
    handler: RecordingHandler


@contextmanager
def running_smtp_server(settings) -> Iterator[SMTPServer]:
    """A live SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield SMTPServer("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()


def apply_mailing_settings(settings) -> None:
    settings.SITE_URL = "https://news.example.org"
    settings.SITE_NAME = "Recommended Reading"
    settings.DEFAULT_FROM_EMAIL = "Recommended Reading <newsletter@example.org>"
    settings.MAILING_RATE_LIMIT = 0
    settings.MAILING_BATCH_SIZE = 100


def use_private_cache(settings) -> None:
    """Each test gets its own cache namespace (on the real Redis when REDIS_URL is set).

    Never cache.clear(): on Redis that flushes the database the Celery broker shares.
    """
    redis_url = os.environ.get("REDIS_URL")
    prefix = f"test-{uuid.uuid4().hex}"
    if redis_url:
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    settings.CACHES = {"default": {**backend, "KEY_PREFIX": prefix}}


def worker_mail_env(smtp_server: SMTPServer, settings, **extra: str) -> dict[str, str]:
    """The environment a worker subprocess needs to mail through this SMTP server, as the test process does."""
    return {
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "SITE_URL": settings.SITE_URL,
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
        **extra,
    }
