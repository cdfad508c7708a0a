"""The embedded demo: bundled feeds, drafted blurbs, one sent and one open issue, a few subscribers.

`make run` calls this through `manage.py load_demo`, so a fresh clone shows every part of the
workflow without network, broker or model. Running it again changes nothing that exists already.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from curator.editions import workflow
from curator.editions.acceptance import record_issue_acceptance
from curator.editions.models import Issue, Section
from curator.feeds.demo import load_demo_feeds
from curator.feeds.models import Entry
from curator.mailing.models import Subscriber
from curator.ranking.demo import SOURCE_NAME as RANKING_DEMO_SOURCE
from curator.ranking.demo import load_ranking_demo
from curator.ranking.pipeline import rank_all
from summarizer.drafting import draft_pending
from summarizer.models import Draft

DEMO_USERNAME = "demo"

PAST_INTRO = """Welcome to the demo issue of our monthly reading list. This month the team kept coming back
to one question: how much of what a model *appears* to know survives a change of distribution?

Below are the papers and posts we argued about over lunch, each signed by whoever championed it."""

PAST_SIGN_OFF = (
    "That's all for this month. Reply to this email with anything we should read next.\n\n— The research team"
)

CURRENT_INTRO = "A work-in-progress issue: open it in the admin, reorder the picks, edit a blurb and preview it."

SUBSCRIBERS = [
    ("ada@example.org", "Ada"),
    ("grace@example.org", "Grace"),
    ("alan@example.org", "Alan"),
]


@dataclass
class DemoReport:
    entries_new: int
    drafts: int
    username: str
    password: str | None


def _first_of_month(day: dt.date, months_back: int = 0) -> dt.date:
    year, month = day.year, day.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)


def ensure_demo_user() -> tuple[str, str | None]:
    """A staff superuser in the Publisher group with a random password kept in var/demo-login.txt.

    The password is random so a demo left running on a shared host is not open to a known login,
    and kept in var/ so every `make run` can print it again.
    """
    login_file = Path(settings.VAR_DIR) / "demo-login.txt"
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "first_name": "Demo",
            "last_name": "Editor",
            "email": "demo@example.org",
        },
    )
    password = None
    if created:
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save(update_fields=["password"])
        login_file.parent.mkdir(parents=True, exist_ok=True)
        login_file.write_text(password)
        publisher = Group.objects.filter(name="Publisher").first()
        if publisher:
            user.groups.add(publisher)
    elif login_file.exists():
        password = login_file.read_text().strip()
        if not user.check_password(password):
            password = None  # changed since: not ours to print
    return user.username, password


def _fill(issue: Issue, entries: list[Entry], user) -> None:
    sections = {section.title: section for section in Section.objects.filter(issue=issue)}
    by_section: dict[Section, list[Entry]] = {}
    fallback = next(iter(sections.values()))
    for entry in entries:
        section = sections.get(entry.source.section_hint) or fallback
        by_section.setdefault(section, []).append(entry)
    for section, items in by_section.items():
        workflow.add_entries_to_issue(items, issue, section, user)


@transaction.atomic
def _issues(user, ranking_picks: list[Entry]) -> None:
    if Issue.objects.exists():
        return
    today = timezone.localdate()
    entries = list(
        Entry.objects.select_related("source").exclude(source__name=RANKING_DEMO_SOURCE).order_by("-published_at", "pk")
    )
    past = Issue.objects.create(
        title=f"Recommended reading, {_first_of_month(today, 1):%B %Y}",
        month=_first_of_month(today, 1),
        intro=PAST_INTRO,
        sign_off=PAST_SIGN_OFF,
        created_by=user,
    )
    _fill(past, entries[:6] + ranking_picks, user)  # the ranking demo's past picks teach its model
    # The demo archive needs a sent issue; nobody was mailed, so it is marked sent directly.
    Issue.objects.filter(pk=past.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
    record_issue_acceptance(past.pk)  # what sending records, so the profile report has a month to show
    current = Issue.objects.create(
        title=f"Recommended reading, {_first_of_month(today):%B %Y}",
        month=_first_of_month(today),
        intro=CURRENT_INTRO,
        created_by=user,
    )
    _fill(current, entries[6:10], user)
    Entry.objects.filter(pk__in=[e.pk for e in entries[10:14]]).update(triage=Entry.Triage.SHORTLISTED)


def load_demo() -> DemoReport:
    new = load_demo_feeds()
    ranking_demo = load_ranking_demo()
    draft_pending()  # new entries were drafted on commit already; this catches any left over
    username, password = ensure_demo_user()
    user = get_user_model().objects.get(username=username)
    _issues(user, ranking_demo.picked)
    for email, name in SUBSCRIBERS:
        Subscriber.objects.get_or_create(
            email=email, defaults={"name": name, "status": Subscriber.Status.ACTIVE, "confirmed_at": timezone.now()}
        )
    rank_all()  # embeddings, stories, the team's model and this week's scores
    return DemoReport(entries_new=new, drafts=Draft.objects.count(), username=username, password=password)
