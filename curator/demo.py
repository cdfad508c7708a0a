"""The embedded demo: bundled feeds, a week of new entries, drafted blurbs, one sent and one open issue,
a few subscribers.

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
from curator.editions.actions import triage
from curator.editions.models import Issue, Section
from curator.feeds.demo import load_demo_feeds
from curator.feeds.models import Entry
from curator.mailing import control
from curator.mailing.models import Subscriber
from curator.mailing.send import run_sending
from curator.ranking.demo import SOURCE_NAME as RANKING_DEMO_SOURCE
from curator.ranking.demo import load_ranking_demo
from curator.ranking.pipeline import rank_all
from curator.search.demo import load_topics_demo
from curator.team.demo import load_team_demo
from summarizer.drafting import draft_pending
from summarizer.models import Draft

DEMO_USERNAME = "demo"
# The month is shown beside the title everywhere (archive, feeds, subject), so the title does not repeat it.
ISSUE_TITLE = "Recommended reading"

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


def month_start(now: dt.datetime) -> dt.datetime:
    """Midnight on the first of `now`'s month in the site's time zone (TIME_ZONE), as an aware datetime.

    Last month's issue went out before this instant, so nothing published at or after it can be in it:
    counting the month in UTC instead would let a post from the first hours of this month (local time)
    into last month's issue, and the triage list would then flag it as featured in that issue.
    """
    first = timezone.localdate(now).replace(day=1)
    return dt.datetime.combine(first, dt.time.min, timezone.get_current_timezone())


def split_for_issues(entries: list[Entry], boundary: dt.datetime) -> tuple[list[Entry], list[Entry], list[Entry]]:
    """(last month's picks, this month's picks, shortlist) from the bundled feed entries.

    Last month's issue takes the newest six published before `boundary`; this month's issue and the
    shortlist take the newest of the rest, so each issue only carries what existed while it was made.
    """
    earlier = [e for e in entries if e.published_at is not None and e.published_at < boundary]
    past = sorted(earlier, key=lambda e: (e.published_at, e.pk))[-6:]
    rest = [e for e in entries if e not in past]
    return past, rest[:4], rest[4:8]


def demo_due_date(now: dt.datetime) -> dt.datetime:
    """Two days ahead at 17:00 local time: inside the reminder window, so reminders have something to show."""
    day = timezone.localdate(now) + dt.timedelta(days=2)
    return dt.datetime.combine(day, dt.time(17, 0), timezone.get_current_timezone())


@transaction.atomic
def _issues(user, ranking_picks: list[Entry]) -> None:
    if Issue.objects.exists():
        return
    boundary = month_start(timezone.now())
    this_month = boundary.date()
    entries = list(
        Entry.objects.select_related("source").exclude(source__name=RANKING_DEMO_SOURCE).order_by("-published_at", "pk")
    )
    past_picks, current_picks, shortlist = split_for_issues(entries, boundary)
    past = Issue.objects.create(
        title=ISSUE_TITLE,
        month=_first_of_month(this_month, 1),
        intro=PAST_INTRO,
        sign_off=PAST_SIGN_OFF,
        created_by=user,
    )
    _fill(past, past_picks + ranking_picks, user)  # the ranking demo's past picks teach its model
    workflow.transition(past, Issue.Status.READY, user)
    current = Issue.objects.create(
        title=ISSUE_TITLE, month=this_month, intro=CURRENT_INTRO, created_by=user, due_at=demo_due_date(timezone.now())
    )
    _fill(current, current_picks, user)
    triage.set_triage(Entry.objects.filter(pk__in=[e.pk for e in shortlist]), Entry.Triage.SHORTLISTED)


def _send_past_issue(user) -> None:
    """Send last month's demo issue to the demo subscribers through the normal send path.

    Its delivery rows then tell the truth on the issue page; the mail goes to EMAIL_BACKEND, which
    in the demo writes files to var/outbox/. A send interrupted earlier is finished here.
    """
    past = Issue.objects.filter(intro=PAST_INTRO).exclude(status=Issue.Status.SENT).first()
    if past is None:
        return
    if past.status == Issue.Status.READY:
        control.open_send(past, user)
    run_sending(past.pk)


def load_demo() -> DemoReport:
    new = load_demo_feeds()
    ranking_demo = load_ranking_demo()
    draft_pending()  # new entries were drafted on commit already; this catches any left over
    username, password = ensure_demo_user()
    user = get_user_model().objects.get(username=username)
    for email, name in SUBSCRIBERS:
        Subscriber.objects.get_or_create(
            email=email, defaults={"name": name, "status": Subscriber.Status.ACTIVE, "confirmed_at": timezone.now()}
        )
    _issues(user, ranking_demo.picked)
    load_team_demo(user)
    _send_past_issue(user)
    load_topics_demo()
    rank_all()  # embeddings, stories, the team's model and this week's scores
    return DemoReport(
        entries_new=new + ranking_demo.created, drafts=Draft.objects.count(), username=username, password=password
    )
