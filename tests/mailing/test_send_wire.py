"""The per-batch wire template: same message as the general path, with or without PIPELINING."""

import pytest

from curator.mailing import control, send
from curator.mailing.models import Subscriber
from curator.mailing.render import build_message, prepare_issue, wire_bytes, wire_template

pytestmark = pytest.mark.django_db


def parse(data: bytes):
    import email
    from email import policy

    return email.message_from_bytes(data, policy=policy.default)


def test_it_produces_the_same_message_as_the_general_path(issue):
    reader = Subscriber.objects.create(email="zoe@example.com", name="Zoë <Z>", status="active")
    prepared = prepare_issue(issue)
    fast = parse(wire_bytes(wire_template(prepared), reader))
    slow = parse(build_message(prepared, reader).message().as_bytes(linesep="\r\n"))
    for header in ("To", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post", "From"):
        assert fast[header].strip() == slow[header].strip(), header  # folding may differ
    fast_text, fast_html = fast.get_payload()
    slow_text, slow_html = slow.get_payload()
    assert fast_text.get_content() == slow_text.get_content()
    assert fast_html.get_content() == slow_html.get_content()
    assert "Hi Zoë &lt;Z&gt;," in fast_html.get_content() and "Hi Zoë <Z>," in fast_text.get_content()


def test_it_falls_back_for_addresses_the_template_cannot_carry(issue):
    prepared = prepare_issue(issue)
    template = wire_template(prepared)
    assert wire_bytes(template, Subscriber(pk=7, email="zoë@exämple.com")) is None


@pytest.mark.parametrize("pipelining", [True, False])
def test_it_delivers_with_and_without_pipelining(issue, smtp_server, pipelining):
    smtp_server.handler.pipelining = pipelining
    smtp_server.handler.refuse.add("refused@example.com")
    ok = Subscriber.objects.create(email="ok@example.com", name="Zoë", status="active")
    Subscriber.objects.create(email="refused@example.com", status="active")
    control.send_issue(issue)
    send.run_sending(issue.pk)
    assert smtp_server.handler.per_recipient() == {ok.email: 1}
    (message,) = smtp_server.handler.messages_to(ok.email)
    assert "Hi Zoë," in message.get_payload()[0].get_content()
    statuses = dict(issue.deliveries.values_list("subscriber__email", "status"))
    assert statuses == {"ok@example.com": "sent", "refused@example.com": "failed"}
