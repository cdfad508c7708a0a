"""One short string that changes whenever anything a reader would receive changes.

A publisher schedules (or an editor marks ready) the content they looked at; if that content is
edited afterwards, the scheduled send must not go out under the publisher's name. The fingerprint
covers every stored field the email, the archive and the feeds are built from: the issue's title,
month, slug (its web link), intro and sign-off, and each non-empty section's title with its picks in
order (title, URL, blurb, byline, source name, byline link). It reads the stored text, not rendered
HTML, so an upgrade of the Markdown renderer between scheduling and sending does not count as a change.

The byline link lives outside the issue: the pick's assignment keeps the writer's link from when they
claimed it, else the email shows the writer's profile link as it is at sending time (content.py), so a
writer who edits their profile after the publisher scheduled would change every reader's email. It is
added to a pick's fields only when there is one, so issues without byline links keep the fingerprint
they had before links counted.
"""

from __future__ import annotations

import hashlib
import json

from curator.editions.models import Issue, Pick


def content_fingerprint(issue: Issue | int) -> str:
    """SHA-256 (hex) of the issue's deliverable content, read from the database now."""
    issue_id = issue if isinstance(issue, int) else issue.pk
    row = Issue.objects.values_list("title", "month", "slug", "intro", "sign_off").get(pk=issue_id)
    picks = (
        Pick.objects.filter(issue_id=issue_id)
        .order_by("section__position", "section_id", "position", "id")
        .values_list(
            "section_id",
            "section__title",
            "title",
            "url",
            "blurb",
            "byline",
            "entry__source__name",
            "assignment__byline_link",
            "assignment__writer__team_member__link",
        )
    )
    sections: list[list] = []
    last_section = None
    for section_id, section_title, *fields, pick_link, profile_link in picks:
        if section_id != last_section:
            sections.append([section_title, []])
            last_section = section_id
        values = [value or "" for value in fields]
        if byline_link := pick_link or profile_link:  # the link content.py would show, as stored
            values.append(byline_link)
        sections[-1][1].append(values)
    title, month, slug, intro, sign_off = row
    payload = [title, month.isoformat() if month else "", slug, intro, sign_off, sections]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()
