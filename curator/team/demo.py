"""The demo's newsroom: three members with bylines, two suggestions with notes, picks in every writing state."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from curator.ranking.demo import read_demo_rows
from curator.team import claims
from curator.team.models import Member
from curator.team.suggestions import suggest

COLLEAGUES = [
    ("chris", "Chris", "https://chris.example.org/"),
    ("keita", "Keita", ""),
]
NOTES = [
    "The clearest explanation of this I have read; worth a pick.",
    "We argued about this at lunch: the ablations settle it.",
]
BLURB = "I've spent quite some time with it while preparing our next release; the second half is the part to read."


@transaction.atomic
def load_team_demo(editor: Any) -> None:
    """Idempotent: a second run finds the colleagues and changes nothing."""
    user_model = get_user_model()
    if user_model.objects.filter(username=COLLEAGUES[0][0]).exists():
        return
    Member.objects.update_or_create(user=editor, defaults={"display_name": "Dana", "voice_drafts": True})
    contributor = Group.objects.filter(name="Contributor").first()
    colleagues = []
    for username, name, link in COLLEAGUES:
        user = user_model.objects.create_user(username, f"{username}@example.org", is_staff=True, first_name=name)
        user.set_unusable_password()  # shown on the pages, never signed in
        user.save(update_fields=["password"])
        if contributor:
            user.groups.add(contributor)
        Member.objects.create(user=user, display_name=name, link=link)
        colleagues.append(user)
    current = Issue.objects.filter(status=Issue.Status.DRAFT).order_by("-month").first()
    picked = set(Pick.objects.exclude(entry=None).values_list("entry_id", flat=True))
    # Colleagues suggest papers on the team's topics: a suggestion counts as a pick for the ranking, so a
    # suggested robotics post would teach the demo's model the opposite of last month's decisions.
    on_topic = [row["title"] for row in read_demo_rows() if row["label"] == 1]
    candidates = (
        Entry.objects.filter(triage=Entry.Triage.NEW, title__in=on_topic).exclude(pk__in=picked).exclude(url="")
    )
    for user, note, entry in zip(colleagues, NOTES, candidates.order_by("-published_at")[:2], strict=False):
        suggest(entry.url, user, note)  # already in the inbox: the mark is added, nothing is fetched
    if current is None:
        return
    picks = list(Pick.objects.filter(issue=current).order_by("section__position", "position"))
    if len(picks) >= 1:
        claims.claim(picks[0], colleagues[0])
    if len(picks) >= 2:
        claims.claim(picks[1], colleagues[1])
        claims.write_blurb(picks[1], colleagues[1], BLURB)
        claims.mark_written(picks[1], colleagues[1])
    if len(picks) >= 3:
        claims.claim(picks[2], editor)
        claims.write_blurb(picks[2], editor, picks[2].blurb or BLURB)
        claims.mark_written(picks[2], editor)
        claims.approve(picks[2], editor)
