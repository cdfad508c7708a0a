"""Plain functions that build the rows tests need: issues, sections, picks, subscribers, members.

One signature each; fixtures in the conftest files call these, and test modules import them from here.
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from curator.editions.models import Issue, LinkCheck, Pick, Section
from curator.feeds.models import Entry, Source
from curator.mailing.models import Subscriber
from curator.team.models import Assignment
from tests.support.sample_texts import PAPER_ABSTRACT, POST_TEXT

# Every test's users hash their passwords with this (tests/conftest.py): the production hasher spends a second on each.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def role_group(name: str) -> Group:
    """The group from the editions migration; re-created when a transactional test flushed it."""
    if not Group.objects.filter(name=name).exists():
        call_command("sync_roles", stdout=io.StringIO())
    return Group.objects.get(name=name)


def create_member(
    django_user_model, username: str, role: str, first_name: str = "", last_name: str = "", email: str | None = None
):
    """A staff member in one role group, with the password `<username>-password`."""
    user = django_user_model.objects.create_user(
        username,
        f"{username}@example.org" if email is None else email,
        f"{username}-password",
        is_staff=True,
        first_name=first_name,
        last_name=last_name,
    )
    user.groups.add(role_group(role))
    return user


def send(issue: Issue) -> Issue:
    """Mark an issue sent the way the mailing app's sender finally does, skipping the delivery work."""
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
    issue.refresh_from_db()
    return issue


def add_pick(issue: Issue, entry: Entry | None = None, section_title: str = "Recommended reading", **fields) -> Pick:
    section = issue.sections.get(title=section_title)
    defaults = {"title": entry.title if entry else "Hand-added link", "url": "https://example.org/x"}
    return Pick.objects.create(issue=issue, section=section, entry=entry, **{**defaults, **fields})


def section(issue: Issue, title: str, position: int) -> Section:
    """The issue's default section of that name, or a new one when settings name other defaults."""
    return issue.sections.filter(title=title).first() or Section.objects.create(
        issue=issue, title=title, position=position
    )


def make_issue(status: str = Issue.Status.READY, title: str = "Recommended reading, March 2026") -> Issue:
    issue = Issue.objects.create(
        title=title,
        month=dt.date(2026, 3, 1),
        intro="Welcome to the March issue. This month we read about *sparse attention* and data pruning.",
        sign_off="That is all for March. See you in April!",
        status=Issue.Status.DRAFT,
    )
    feature = section(issue, "Feature", 0)
    reading = section(issue, "Recommended reading", 2)
    picks = [
        (feature, "Pruning datasets before you train", "https://blog.example.net/pruning-datasets",
         "A careful look at which training examples carry their weight, with [code](https://code.example.net/prune).",
         "Ada"),
        (reading, "Sparse attention, revisited", "https://arxiv.org/abs/2603.01234",
         "The authors show that most heads attend to a handful of tokens, and exploit it.", "Grace"),
        (reading, "Calibration of small language models", "https://research.example.com/calibration",
         "Short and practical: temperature scaling still wins.", "Alan"),
    ]  # fmt: skip
    positions = {feature.pk: 0, reading.pk: 0}
    for where, title, url, blurb, byline in picks:
        Pick.objects.create(
            issue=issue, section=where, title=title, url=url, blurb=blurb, byline=byline, position=positions[where.pk]
        )
        positions[where.pk] += 1
    if status != Issue.Status.DRAFT:
        Issue.objects.filter(pk=issue.pk).update(status=status)
        issue.refresh_from_db()
    return issue


def make_subscribers(count: int, status: str = Subscriber.Status.ACTIVE, prefix: str = "reader") -> list[Subscriber]:
    return Subscriber.objects.bulk_create(
        [Subscriber(email=f"{prefix}{i}@example.com", name=f"Reader {i}", status=status) for i in range(count)]
    )


def sent_issue_with_blurbs(user, make_entry, blurbs: list[str]) -> Issue:
    old = Issue.objects.create(title="Old", month=dt.date(2026, 6, 1))
    for text in blurbs:
        entry = make_entry()
        pick = Pick.objects.create(issue=old, section=old.sections.first(), entry=entry, title=entry.title, blurb=text)
        Assignment.objects.create(pick=pick, writer=user, state="approved")
    Issue.objects.filter(pk=old.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
    return old


def make_text_entry(source: Source, n: int, kind: str = "paper", **fields: object) -> Entry:
    """Entry number n of a source, with a paper abstract or a post's full text for the summarizer to read."""
    values: dict[str, object] = {
        "source": source,
        "guid": f"entry-{n}",
        "url": f"https://lab.example.org/{n}",
        "kind": kind,
        "title": "Sparse Ladder Attention for long documents" if kind == "paper" else "Checkpointing, explained",
    }
    if kind == "paper":
        values["abstract"] = PAPER_ABSTRACT
    else:
        values["full_text"] = POST_TEXT
    values.update(fields)
    return Entry.objects.create(**values)


def team_due_issue(team: dict, due: dt.datetime) -> Issue:
    """Chris claimed two picks and wrote neither; Keita wrote hers; one pick nobody claimed (its link is dead)."""
    issue = make_issue(status=Issue.Status.DRAFT)
    Issue.objects.filter(pk=issue.pk).update(due_at=due)
    first, second, third = Pick.objects.filter(issue=issue).order_by("pk")
    Assignment.objects.create(pick=first, writer=team["chris"], state=Assignment.State.CLAIMED)
    Assignment.objects.create(pick=second, writer=team["chris"], state=Assignment.State.CLAIMED)
    Assignment.objects.create(pick=third, writer=team["keita"], state=Assignment.State.WRITTEN)
    extra = Pick.objects.create(
        issue=issue, section=first.section, title="Nobody wrote me yet", url="https://example.org/open", position=5
    )
    LinkCheck.objects.create(pick=extra, url=extra.url, ok=False, status=404, error="HTTP 404 from the site")
    issue.refresh_from_db()
    return issue
