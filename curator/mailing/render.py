"""Issue -> (subject, html, text) per subscriber.

Rendering templates and inlining CSS is the expensive part, and it is the same for every reader,
so it happens once per issue (`prepare_issue`) with random placeholders where the personal bits
go; `personalize` then only substitutes escaped strings. The admin preview, the test send and
the real send all go through `render_issue`/`personalize`, so the preview is the email.
"""

from __future__ import annotations

import re
import secrets
import textwrap
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string

from curator.editions.content import issue_content
from curator.editions.models import Issue
from curator.mailing.clicks import track_links
from curator.mailing.models import Subscriber
from curator.mailing.subscriptions import unsubscribe_url

_INLINER = css_inline.CSSInliner(keep_at_rules=True)  # media queries cannot be inlined; keep them in <style>


@dataclass(frozen=True)
class PreparedIssue:
    issue_id: int
    subject: str
    html: str
    text: str
    unsubscribe_placeholder: str
    name_placeholder: str


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(issue_id: int, subscriber_id: int) -> str:
    """Stable per issue and person: a resend after a crash carries the same id, so clients can dedupe."""
    return f"<issue-{issue_id}.sub-{subscriber_id}@{site_domain()}>"


def base_context() -> dict:
    return {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}


_LIST_ITEM = re.compile(r"\s*(?:[-*]|\d+\.) ")


def wrap_text(text: str, width: int = 76) -> str:
    """Mail clients show plain text as is, and lines past 998 characters would force quoted-printable.

    A byline (`— Name`) stays on one line: a name broken in two reads as two people. List items
    wrap under their own text, not under the bullet.
    """
    lines: list[str] = []
    for line in re.sub(r"\n{3,}", "\n\n", text.strip()).splitlines():
        if len(line) <= width or (line.startswith("— ") and len(line) <= 200):
            lines.append(line)
            continue
        item = _LIST_ITEM.match(line)
        indent = " " * item.end() if item else line[: len(line) - len(line.lstrip())]
        lines.extend(
            textwrap.wrap(line, width=width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
        )
    return "\n".join(lines) + "\n"


_TAG = re.compile(r"(<[^>]*>)")


def break_long_html_lines(html: str, width: int = 200) -> str:
    """Turn some spaces in long text runs into newlines, which HTML renders identically.

    SMTP lines stop at 998 characters; a long paragraph on one line makes the whole part
    quoted-printable. Tags, <pre> and <style> (CSS strings may not break) are left untouched.
    """
    parts = _TAG.split(html)
    in_pre = False
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            lowered = part.lower()
            if lowered.startswith(("<pre", "<style")):
                in_pre = True
            elif lowered.startswith(("</pre", "</style")):
                in_pre = False
        elif not in_pre and len(part) > width:
            parts[i] = "\n".join(
                textwrap.wrap(
                    part,
                    width=width,
                    break_long_words=False,
                    break_on_hyphens=False,
                    drop_whitespace=False,
                    replace_whitespace=False,
                )
            )
    return "".join(parts)


def prepare_issue(issue: Issue) -> PreparedIssue:
    # Random placeholders: nothing an editor types can collide with them.
    unsubscribe_placeholder = f"curator-unsubscribe-{secrets.token_hex(8)}"
    name_placeholder = f"curator-name-{secrets.token_hex(8)}"
    context = {
        **base_context(),
        "content": track_links(issue_content(issue)) if settings.MAILING_TRACK_CLICKS else issue_content(issue),
        "unsubscribe_url": unsubscribe_placeholder,
        "greeting_name": name_placeholder,
    }
    subject = " ".join(render_to_string("mailing/issue-subject.txt", context).split())
    html = break_long_html_lines(_INLINER.inline(render_to_string("mailing/issue-body.html", context)))
    text = wrap_text(render_to_string("mailing/issue-body.txt", context))
    return PreparedIssue(issue.pk, subject, html, text, unsubscribe_placeholder, name_placeholder)


def personalize(prepared: PreparedIssue, subscriber: Subscriber) -> tuple[str, str, str]:
    url = unsubscribe_url(subscriber)
    name = " ".join(subscriber.name.split()) or "there"
    html = prepared.html.replace(prepared.unsubscribe_placeholder, escape(url)).replace(
        prepared.name_placeholder, escape(name)
    )
    text = prepared.text.replace(prepared.unsubscribe_placeholder, url).replace(prepared.name_placeholder, name)
    return prepared.subject, html, text


def render_issue(issue: Issue, subscriber: Subscriber) -> tuple[str, str, str]:
    return personalize(prepare_issue(issue), subscriber)


def compose(
    prepared: PreparedIssue,
    *,
    to: str,
    html: str,
    text: str,
    msg_id: str,
    list_unsubscribe_url: str,
    subject_prefix: str = "",
) -> EmailMultiAlternatives:
    """The MIME message: text first, HTML alternative, RFC 8058 one-click unsubscribe headers."""
    headers = {
        "Message-ID": msg_id,
        "List-Unsubscribe": f"<{list_unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.SITE_NAME} <newsletter.{site_domain()}>",
    }
    message = EmailMultiAlternatives(
        subject=subject_prefix + prepared.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def build_message(
    prepared: PreparedIssue,
    subscriber: Subscriber,
    msg_id: str | None = None,
    subject_prefix: str = "",
) -> EmailMultiAlternatives:
    _, html, text = personalize(prepared, subscriber)
    return compose(
        prepared,
        to=subscriber.email,
        html=html,
        text=text,
        msg_id=msg_id or message_id(prepared.issue_id, subscriber.pk),
        list_unsubscribe_url=unsubscribe_url(subscriber),
        subject_prefix=subject_prefix,
    )


@dataclass(frozen=True)
class WireTemplate:
    """The finished SMTP message as bytes, with placeholders where the personal values go.

    Generating MIME (headers, boundaries, encoding) costs more than everything else per message;
    doing it once per batch and substituting bytes makes per-person work a handful of replaces.
    Only used when the result is byte-for-byte what `build_message` would produce in content:
    8bit/7bit bodies (no quoted-printable or base64 to re-encode) and plain ASCII addresses.
    """

    data: bytes
    envelope_from: str
    recipient: bytes
    subscriber_id: bytes
    unsubscribe: bytes
    name_html: bytes
    name_text: bytes
    allows_8bit: bool


def wire_template(prepared: PreparedIssue) -> WireTemplate | None:
    token = secrets.token_hex(8)
    recipient, subscriber_id = f"rcpt{token}@placeholder.invalid", f"sub{token}"
    name_html, name_text = f"nameh{token}", f"namet{token}"
    message = compose(
        prepared,
        to=recipient,
        html=prepared.html.replace(prepared.name_placeholder, name_html),
        text=prepared.text.replace(prepared.name_placeholder, name_text),
        msg_id=f"<issue-{prepared.issue_id}.{subscriber_id}@{site_domain()}>",
        list_unsubscribe_url=prepared.unsubscribe_placeholder,
    )
    data = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]  # Django's MIME classes take linesep
    if b"quoted-printable" in data or b"base64" in data:
        return None
    placeholders = [recipient, subscriber_id, prepared.unsubscribe_placeholder, name_html, name_text]
    if not all(p.encode() in data for p in placeholders):
        return None
    return WireTemplate(
        data=data,
        envelope_from=sanitize_address(settings.DEFAULT_FROM_EMAIL, "utf-8"),
        recipient=recipient.encode(),
        subscriber_id=f"{subscriber_id}@".encode(),
        unsubscribe=prepared.unsubscribe_placeholder.encode(),
        name_html=name_html.encode(),
        name_text=name_text.encode(),
        allows_8bit=b"Content-Transfer-Encoding: 7bit" not in data,
    )


def wire_bytes(template: WireTemplate, subscriber: Subscriber) -> bytes | None:
    """The personalized message bytes, or None when this subscriber needs the general path."""
    email = subscriber.email
    name = " ".join(subscriber.name.split()) or "there"
    url = unsubscribe_url(subscriber)
    if not email.isascii() or any(c in email for c in "\r\n<>") or escape(url) != url:
        return None
    if not template.allows_8bit and not name.isascii():
        return None  # a 7bit part cannot carry the name's UTF-8 bytes
    return (
        template.data.replace(template.recipient, email.encode())
        .replace(template.subscriber_id, f"sub-{subscriber.pk}@".encode())
        .replace(template.unsubscribe, url.encode())
        .replace(template.name_html, escape(name).encode())
        .replace(template.name_text, name.encode())
    )
