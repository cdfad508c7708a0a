"""Hostile markup in every text field of every model, then every page a person or a feed reader sees.

Rows are poisoned through `QuerySet.update`, which skips forms, model cleaning and ingest sanitizing:
that is what a raw SQL write, a data migration or a future admin field that forgot to clean would
leave behind. Then a superuser GETs every admin changelist, change, history and delete page, every
custom admin view and action page, the public pages and feeds, and the rendered emails. No page may
contain a live script element, an on* handler or a javascript: URL (tests/support/live_markup.py parses
each one with html5lib, as a browser would).
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import html5lib
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule

from curator.editions.models import Issue, LinkCheck, Pick
from curator.feeds.models import Entry, IngestRun, Sighting, Source
from curator.mailing import signups
from curator.mailing.confirmation import confirm_url, confirmation_message
from curator.mailing.models import Delivery, ProviderEvent, ScheduledSend, SignUp, Subscriber, SubscriberImport
from curator.mailing.render import render_issue
from curator.mailing.subscriptions import unsubscribe_url
from curator.outbox.models import OutboxMessage, WorkerHeartbeat
from curator.ranking.models import Embedding, Interests, Relevance, RelevanceModel, Story, StoryMembership
from summarizer.models import DecodingProfile, Draft, DraftOutcome, PlaygroundRun
from tests.support.live_markup import Finding, live_script

pytestmark = pytest.mark.django_db

# Starts as a URL (for fields that end up in href/src), goes on as markup in every context an
# escaping slip would expose: element content, a quoted attribute, an unquoted one, and Markdown.
PAYLOAD = (
    "javascript:alert(1)//'\"><script>alert(1)</script><img src=x onerror=alert(1)>"
    '<svg onload=alert(1)><a href="javascript:alert(1)">x</a> [md](javascript:alert(1)) '
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>'
)
PLAIN_TEXT_FIELDS = (models.CharField, models.TextField, models.URLField, models.EmailField)
# Models whose rows are machinery, not data anyone can write through the app.
SKIPPED_MODELS = {
    "contenttypes.contenttype": "the registry of installed models, written by migrate only",
    "sessions.session": "opaque signed blobs, never rendered; rewriting them would log the crawler out",
}
# Actions that do work rather than show a page; the permission walk (not this crawl) covers them.
SKIPPED_ACTIONS = {"run_tasks"}  # django-celery-beat: runs the periodic task itself, in-process here
STANDARD_VIEWS = ("changelist", "add", "history", "delete", "change", "autocomplete")


def poisoned(value: Any) -> Any:
    """JSON values keep their shape (lists stay lists, dicts keep their keys); every string is hostile."""
    if isinstance(value, str):
        return PAYLOAD
    if isinstance(value, list):
        return [poisoned(item) for item in value] or [PAYLOAD]
    if isinstance(value, dict):
        return {key: poisoned(item) for key, item in value.items()}
    return value


def text_fields(model: type[models.Model]) -> list[models.Field]:
    """Free-text columns. Choice fields and slugs are a closed set of values the code routes on."""
    return [
        field
        for field in model._meta.concrete_fields
        if type(field) in PLAIN_TEXT_FIELDS and not field.choices and not field.primary_key
    ]


def json_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.JSONField)]


def poison_every_row() -> dict[str, int]:
    """Hostile text in every text and JSON field of every row; returns the rows touched per model."""
    touched: dict[str, int] = {}
    for model in apps.get_models():
        if model._meta.label_lower in SKIPPED_MODELS:
            continue
        texts, jsons = text_fields(model), json_fields(model)
        if not texts and not jsons:
            continue
        rows = model._default_manager.all()
        for row in rows:
            changes = {}
            for field in texts:
                # A per-row suffix keeps unique columns unique; max_length is what the column holds.
                suffix = f" #{row.pk}"
                limit = (field.max_length or len(PAYLOAD) + len(suffix)) - len(suffix)
                changes[field.name] = PAYLOAD[:limit] + suffix
            for field in jsons:
                changes[field.name] = poisoned(getattr(row, field.attname))
            model._default_manager.filter(pk=row.pk).update(**changes)
        touched[model._meta.label_lower] = len(rows)
    return touched


def seed_every_model(editor: Any) -> dict[str, Any]:
    """At least one row of every model, in the states that show the most on screen."""
    now = timezone.now()
    source = Source.objects.create(name="Blog", url="https://blog.example.org/feed", tags=["ml"])
    entry = Entry.objects.create(
        source=source,
        guid="g1",
        url="https://blog.example.org/1",
        pdf_url="https://blog.example.org/1.pdf",
        title="Entry",
        authors=["Ada"],
        categories=["cs.LG"],
        tags=["t"],
        abstract="Abstract.",
        full_text="Full text.",
        content_html="<p>Body</p>",
        published_at=now,
    )
    Sighting.objects.create(source=source, guid="g1", entry=entry)
    IngestRun.objects.create(source=source, finished_at=now, errors=[{"guid": "g1", "error": "boom"}])
    profile = DecodingProfile.objects.get(is_default=True)
    Draft.objects.create(
        entry=entry,
        profile=profile,
        text="A drafted blurb.",
        engine=Draft.Engine.MODEL,
        parameters=profile.parameters(),
        flags=["42"],
        fallback_reason="none",
    )
    Draft.objects.create(entry=entry, text="Fallback.", engine=Draft.Engine.FALLBACK, fallback_reason="no model")
    issues = {}
    for status, month in (("sent", 1), ("draft", 2), ("sending", 3)):
        issue = Issue.objects.create(
            title=f"{status} issue",
            month=datetime.date(2026, month, 1),
            intro="Hi **all**",
            sign_off="Bye",
            created_by=editor,
        )
        section = issue.sections.first()
        Pick.objects.create(
            issue=issue,
            section=section,
            entry=entry,
            title="Pick",
            url="https://x.example/",
            blurb="Blurb *one*",
            byline="Ed",
            position=1,
        )
        Pick.objects.create(
            issue=issue,
            section=section,
            title="Hand-added",
            url="https://y.example/",
            blurb="Blurb two",
            byline="Ed",
            position=2,
        )
        Issue.objects.filter(pk=issue.pk).update(status=status, sent_at=now if status == "sent" else None)
        issues[status] = issue
    for n, pick in enumerate(Pick.objects.filter(issue=issues["draft"]).order_by("pk")):
        # One dead, one redirected: the issue page's link check panel shows every field of both.
        LinkCheck.objects.create(
            pick=pick,
            url=pick.url,
            ok=bool(n),
            status=200 if n else 404,
            final_url="https://z.example/",
            error="HTTP 404",
        )
    from curator.team.models import Assignment, Member, Suggestion, Vote

    Member.objects.create(user=editor, display_name="Ed", link="https://ed.example/")
    Suggestion.objects.create(entry=entry, user=editor, typed="https://blog.example.org/1", note="Read it")
    Vote.objects.create(entry=entry, user=editor)
    draft_pick = Pick.objects.filter(issue=issues["draft"], entry=entry).first()
    Assignment.objects.create(pick=draft_pick, writer=editor, state="claimed")
    active = Subscriber.objects.create(email="reader@example.org", name="Reader", status=Subscriber.Status.ACTIVE)
    pending = Subscriber.objects.create(email="new@example.org", name="New", status=Subscriber.Status.PENDING)
    SignUp.objects.create(email="new@example.org", name="New", mailbox_key="0" * 64, subscriber=pending)
    Delivery.objects.create(issue=issues["sending"], subscriber=active, message_id="<m@x>", error="4xx later")
    WorkerHeartbeat.objects.create(name="celery@crawl", queues=["default", "mail"], pid=1)
    ProviderEvent.objects.create(
        esp="postmark", event_key="e1", event_type="bounced", email="reader@example.org", action="bounce"
    )
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Entry),
        object_id=str(entry.pk),
        object_repr=str(entry),
        action_flag=CHANGE,
        change_message='[{"changed": {}}]',
    )
    crontab = CrontabSchedule.objects.create(minute="5")
    interval = IntervalSchedule.objects.create(every=5, period=IntervalSchedule.MINUTES)
    SolarSchedule.objects.create(event="sunrise", latitude=1, longitude=1)
    ClockedSchedule.objects.create(clocked_time=now)
    PeriodicTask.objects.create(
        name="crawl task",
        task="curator.feeds.tasks.ingest_all",
        interval=interval,
        description="desc",
        args="[]",
        kwargs="{}",
        queue="ingest",
    )
    PeriodicTask.objects.create(name="crawl cron", task="curator.feeds.tasks.ingest_all", crontab=crontab)
    draft = Draft.objects.filter(entry=entry).first()
    DraftOutcome.objects.create(
        key="pick-1", entry=entry, draft=draft, profile_name="p", model_id="m", similarity=0.5, verdict="edited"
    )
    PlaygroundRun.objects.create(
        created_by=editor,
        entry=entry,
        title="Run",
        input_hash="h",
        parameters={"strategy": "greedy"},
        outputs=[{"text": "out", "engine": "fallback"}],
        engine=Draft.Engine.FALLBACK,
        model_id="m",
    )
    SubscriberImport.objects.create(
        filename="list.csv",
        as_status=Subscriber.Status.ACTIVE,
        data=b"email\n",
        sha256="0" * 64,
        created_by=editor,
        errors=[[2, "bad row"]],
        failure="none",
    )
    ScheduledSend.objects.create(issue=issues["draft"], send_at=now, time_zone="UTC", scheduled_by=editor, note="n")
    second = Entry.objects.create(source=source, guid="g2", url="https://blog.example.org/2", title="Sibling")
    for item in (entry, second):
        Embedding.objects.create(entry=item, vector=bytes(1536), model_id="minilm", text_hash="h")
    fit = RelevanceModel.objects.create(kind=RelevanceModel.Kind.LOGISTIC, note="fit")
    Relevance.objects.create(entry=entry, score=0.9, margin=0.4, like=[[second.pk, "Sibling"]], model=fit)
    Relevance.objects.create(entry=second, score=0.5, margin=0.0, like=[[entry.pk, "Entry"]], model=fit)
    Interests.objects.update_or_create(pk=1, defaults={"text": "Interpretability and efficient inference."})
    story = Story.objects.create()
    for item in (entry, second):
        StoryMembership.objects.create(entry=item, story=story, reason=StoryMembership.Reason.CITES)
    OutboxMessage.objects.create(task="curator.mailing.tasks.send_confirmation", args=[1], last_error="refused")
    from curator.search.models import Topic

    topic = Topic.objects.create(name="Topic", slug="topic")
    topic.picks.add(*Pick.objects.filter(issue=issues["sent"]))
    topic.entries.add(entry)
    # Login lockout records: user agent, path and username come straight from an anonymous request.
    AccessAttempt.objects.create(
        user_agent="UA",
        ip_address="10.0.0.1",
        username="ed",
        http_accept="*/*",
        path_info="/admin/login/",
        get_data="",
        post_data="",
        failures_since_start=1,
    )
    AccessLog.objects.create(user_agent="UA", ip_address="10.0.0.1", username="ed", http_accept="*/*", path_info="/")
    AccessFailureLog.objects.create(
        user_agent="UA", ip_address="10.0.0.1", username="ed", http_accept="*/*", path_info="/admin/login/"
    )
    return {"issues": issues, "active": active, "pending": pending, "entry": entry}


def pk_values(model: type[models.Model]) -> list[str]:
    return [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]


def admin_urls() -> Iterator[str]:
    """Every GET page of the admin: index, app indexes, and each model's standard and custom views."""
    yield reverse("admin:index")
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        yield reverse("admin:app_list", args=[app_label])
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        changelist = reverse(f"admin:{info}_changelist")
        yield changelist
        yield f"{changelist}?q=%3Cscript%3Ealert(1)%3C/script%3E&all="
        yield reverse(f"admin:{info}_add")
        for pk in pk_values(model):
            for view in ("change", "history", "delete"):
                yield reverse(f"admin:{info}_{view}", args=[pk])
        for pattern in model_admin.get_urls():
            if not isinstance(pattern, URLPattern) or not pattern.name:
                continue
            if pattern.name.removeprefix(info + "_") in STANDARD_VIEWS:
                continue
            params = list(pattern.pattern.converters)
            if not params:
                yield reverse(f"admin:{pattern.name}")
                continue
            for pk in pk_values(model):
                yield reverse(f"admin:{pattern.name}", kwargs=dict.fromkeys(params, pk))
    yield reverse("admin:summarizer_decodingprofile_playground") + f"?entry={Entry.objects.first().pk}"


def is_html(response: Any) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


class Crawl:
    """Fetches pages with one client and collects what went wrong, so one run reports every hole."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.findings: list[Finding] = []
        self.errors: list[str] = []
        self.pages = 0

    def check_html(self, markup: str, where: str) -> None:
        self.pages += 1
        self.findings.extend(live_script(markup, where))

    def fetch(self, url: str, method: str = "get", data: dict | None = None) -> Any:
        try:
            response = getattr(self.client, method)(url, data or {}, follow=True)
        except Exception as exc:  # every failing page is reported together, not just the first
            self.errors.append(f"{method.upper()} {url}: {exc!r}")
            return None
        if response.status_code >= 500:
            self.errors.append(f"{method.upper()} {url}: HTTP {response.status_code}")
        elif is_html(response):
            self.check_html(response.content.decode(), f"{method.upper()} {url}")
        return response

    def check_feed(self, url: str) -> None:
        response = self.fetch(url)
        if response is None:
            return
        root = ET.fromstring(response.content)  # noqa: S314 - our own feed, produced by this test
        self.pages += 1
        for element in root.iter():
            where = f"{url} <{element.tag}>"
            if element.text and element.text.strip():
                # Feed readers render description/summary/content as HTML: check every text as a fragment.
                self.findings.extend(live_script(element.text, where))
            if element.tag.endswith("link") and live_script(f'<a href="{element.text or ""}">x</a>', where):
                self.findings.append(Finding(where, f"script URL {element.text!r}"))
            for name, value in element.attrib.items():
                if live_script(f'<a href="{value}">x</a>', where) and name in ("href", "src", "url"):
                    self.findings.append(Finding(where, f"{name}={value!r}"))


def crawl_everything(client: Client) -> Crawl:
    crawl = Crawl(client)
    for url in admin_urls():
        crawl.fetch(url)
    # Action pages: intermediate forms (add to issue, draft with profile, delete) and the messages after.
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        request = client.get(changelist).wsgi_request
        for action in set(model_admin.get_actions(request)) - SKIPPED_ACTIONS:
            crawl.fetch(changelist, "post", {"action": action, "_selected_action": pk_values(model)})
    # Public pages, the sign-up form echoing hostile input, and the token pages.
    crawl.fetch(reverse("editions:archive"))
    for issue in Issue.objects.filter(status=Issue.Status.SENT):
        crawl.fetch(reverse("editions:issue", args=[issue.slug]))
    crawl.fetch(reverse("mailing:subscribe"))
    crawl.fetch(reverse("mailing:subscribe"), "post", {"email": PAYLOAD, "name": PAYLOAD})
    crawl.fetch(reverse("mailing:subscribe_done"))
    confirmations = []
    for subscriber in Subscriber.objects.all():
        crawl.fetch(urlsplit(unsubscribe_url(subscriber)).path)
        signup = signups.for_subscriber(subscriber)
        SignUp.objects.filter(pk=signup.pk).update(name=PAYLOAD[:200])  # the confirm page shows a sign-up's name
        signup.refresh_from_db()
        token = signups.new_token(signup)
        confirmations.append((signup, token))
        crawl.fetch(urlsplit(confirm_url(token)).path)
    crawl.fetch(reverse("mailing:confirm", args=["not-a-token"]))
    crawl.check_feed(reverse("editions:feed_rss"))
    crawl.check_feed(reverse("editions:feed_atom"))
    # Search and topics: hostile rows indexed again (poisoning bypasses the save signals), then searched.
    from curator.search import documents
    from curator.search.models import Topic

    documents.rebuild()
    for query in (PAYLOAD, "pick", "entry", "blurb"):
        crawl.fetch(f"{reverse('search:search')}?{urlencode({'q': query})}")
        crawl.fetch(f"{reverse('admin:search')}?{urlencode({'q': query})}")
    for topic in Topic.objects.all():
        crawl.fetch(reverse("search:topic", args=[topic.slug]))
        crawl.check_feed(reverse("search:topic_feed", args=[topic.slug]))
    # The emails: every issue for every subscriber, the confirmation, and a test send through the admin.
    for issue in Issue.objects.all():
        for subscriber in Subscriber.objects.all():
            crawl.check_html(render_issue(issue, subscriber)[1], f"email of {issue.pk} to {subscriber.pk}")
        crawl.fetch(reverse("admin:editions_issue_send_test", args=[issue.pk]), "post")
    for signup, token in confirmations:
        for body, _ in confirmation_message(signup, token).alternatives:
            crawl.check_html(body, f"confirmation to {signup.subscriber_id}")
    for message in mail.outbox:
        for body, _ in message.alternatives:
            crawl.check_html(body, f"sent mail {message.subject!r}")
    return crawl


@pytest.fixture
def hostile_site(db, editor, django_user_model) -> tuple[Client, dict]:
    seeded = seed_every_model(editor)
    empty = [
        model._meta.label_lower
        for model in apps.get_models()
        if model._meta.label_lower not in SKIPPED_MODELS
        and (text_fields(model) or json_fields(model))
        and not model._default_manager.exists()
    ]
    assert not empty, f"seed_every_model() makes no row of {empty}: the crawler would not cover their fields"
    poison_every_row()
    crawler = django_user_model.objects.create_superuser("crawler", "crawler@example.org", "crawler-password")
    client = Client()
    client.force_login(crawler)
    return client, seeded


def test_it_renders_no_live_script_anywhere_from_hostile_rows(hostile_site):
    client, _ = hostile_site
    crawl = crawl_everything(client)
    assert not crawl.errors, "\n".join(crawl.errors)
    assert not crawl.findings, "\n".join(str(f) for f in crawl.findings[:40])
    assert crawl.pages > 150, crawl.pages  # the walk really reached the admin, public pages, feeds and mail


def test_it_shows_the_hostile_text_escaped_not_dropped(hostile_site):
    """The crawl is not vacuous: the payload reaches the pages, as text a reader can see."""
    client, _ = hostile_site
    entry = Entry.objects.first()
    response = client.get(reverse("admin:feeds_entry_change", args=[entry.pk]))
    tree = html5lib.parse(response.content.decode(), treebuilder="etree", namespaceHTMLElements=False)
    values = [el.get("value", "") for el in tree.iter("input")] + ["".join(el.itertext()) for el in tree.iter()]
    assert any("<script>alert(1)</script>" in value for value in values)
    assert live_script(PAYLOAD), "the payload itself must be live markup, or the crawl proves nothing"


def test_it_poisons_every_text_field_of_every_model(hostile_site):
    for model in apps.get_models():
        if model._meta.label_lower in SKIPPED_MODELS:
            continue
        rows = model._default_manager.all()
        if model is get_user_model():
            rows = rows.exclude(username="crawler")  # created after the poisoning, to log in with
        if model._meta.app_label == "axes" and any(f.name == "username" for f in model._meta.fields):
            rows = rows.exclude(username="crawler")  # the crawler's own login is logged after the poisoning
        for field in text_fields(model):
            for value in rows.values_list(field.name, flat=True):
                assert value.startswith(PAYLOAD[: min(20, (field.max_length or 99) - 8)]), (model, field.name, value)
