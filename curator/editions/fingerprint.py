"""One short string that changes whenever anything a reader would receive changes.

A publisher schedules (or an editor marks ready) the content they looked at; if that content is
edited afterwards, the scheduled send must not go out under the publisher's name. The fingerprint
covers every stored field the email, the archive and the feeds are built from: the issue's title,
month, slug (its web link), intro and sign-off, and each non-empty section's title with its picks in
order (title, URL, blurb, byline, source name). It reads the stored text, not rendered HTML, so an
upgrade of the Markdown renderer between scheduling and sending does not count as a change.
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
        .values_list("section_id", "section__title", "title", "url", "blurb", "byline", "entry__source__name")
    )
    sections: list[list] = []
    last_section = None
    for section_id, section_title, *fields in picks:
        if section_id != last_section:
            sections.append([section_title, []])
            last_section = section_id
        sections[-1][1].append([value or "" for value in fields])
    title, month, slug, intro, sign_off = row
    payload = [title, month.isoformat() if month else "", slug, intro, sign_off, sections]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()
