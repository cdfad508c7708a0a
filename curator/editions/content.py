"""An issue as display-ready content: the one shape the email renderer and the web archive share.

Both the email (mailing.render) and the archive page draw from `issue_content`, so what an
editor previews, what subscribers receive and what the archive shows cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import markdown as md
import nh3
from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from curator.editions import naming
from curator.editions.models import Issue, Pick, Section
from curator.editions.plain_text import html_to_plain_text
from curator.feeds.sanitize import safe_url

ALLOWED_TAGS = {"p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "br", "h3", "h4", "hr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def link_target(href: str) -> str | None:
    """An absolute http(s) URL with a host or a mailto: address, else None (the link text stays, unlinked).

    nh3's scheme list only judges URLs that have a scheme: relative (`/admin/`) and protocol-relative
    (`//evil.example/x`) links passed untouched, and in an email or a feed reader they point wherever
    the reader's client resolves them. The same text goes to the email, the archive and the feeds, so a
    link must mean one thing everywhere.
    """
    value = href.strip()
    if value.lower().startswith("mailto:"):
        return value if "@" in value else None
    return safe_url(value) or None


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    return link_target(value) if (tag, attribute) == ("a", "href") else value


def markdown_to_html(text: str) -> str:
    """Editors write Markdown; only a small, email-safe subset of HTML survives.

    Templates mark the result safe, so this runs at render time on every view of the text, never
    once on save: whatever reached the row by any route is cleaned before a browser sees it.
    """
    raw = md.markdown(text or "", extensions=["sane_lists"])
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def markdown_to_text(text: str) -> str:
    """Plain-text alternative: the same cleaned HTML, read out as text (no `**`, links as `text (url)`)."""
    return html_to_plain_text(markdown_to_html(text))


@dataclass
class PickContent:
    title: str
    url: str
    blurb_html: str
    blurb_text: str
    byline: str
    source_name: str = ""
    byline_url: str = ""  # the writer's byline link, http(s) only (team/models.py)
    pick_id: int | None = None  # lets the email swap `url` for a click-counting link (mailing/clicks.py)


@dataclass
class SectionContent:
    title: str
    picks: list[PickContent] = field(default_factory=list)


@dataclass
class IssueContent:
    issue: Issue
    title: str
    month_label: str
    display_name: str  # subject, page title, feed item: `Recommended Reading — November 2026` (naming.py)
    headline: str  # the title's own words beyond site name and month; '' when it adds nothing
    intro_html: str
    intro_text: str
    sign_off_html: str
    sign_off_text: str
    sections: list[SectionContent] = field(default_factory=list)
    web_url: str = ""  # where the archive shows it once sent; emails link to it as "read on the web"


def issue_web_url(issue: Issue) -> str:
    return f"{settings.SITE_URL}{reverse('editions:issue', args=[issue.slug])}"


def _byline_url(pick: Pick) -> str:
    """The pick's own byline link, else its writer's profile link; stored data, so only http(s) survives."""
    assignment = getattr(pick, "assignment", None)
    if assignment is None:
        return ""
    link = assignment.byline_link
    member = getattr(assignment.writer, "team_member", None) if assignment.writer_id else None
    if not link and member is not None:
        link = member.link
    return safe_url(link)


def issue_content(issue: Issue) -> IssueContent:
    """Build the content in a fixed number of queries, whatever the number of picks."""
    picks = Pick.objects.select_related("entry__source", "assignment__writer__team_member").order_by("position", "id")
    sections = Section.objects.filter(issue=issue).prefetch_related(Prefetch("picks", queryset=picks))
    content = IssueContent(
        issue=issue,
        title=issue.title,
        month_label=naming.month_label(issue.month),
        display_name=issue.display_name,
        headline=naming.title_remainder(issue.title, issue.month),
        intro_html=markdown_to_html(issue.intro),
        intro_text=markdown_to_text(issue.intro),
        sign_off_html=markdown_to_html(issue.sign_off),
        sign_off_text=markdown_to_text(issue.sign_off),
        web_url=issue_web_url(issue),
    )
    for section in sections:
        items = [
            PickContent(
                title=pick.title,
                # A stored URL goes into href: only absolute http(s) survives (no javascript:, data:).
                url=safe_url(pick.url),
                blurb_html=markdown_to_html(pick.blurb),
                blurb_text=markdown_to_text(pick.blurb),
                byline=" ".join(pick.byline.split()),  # one line: the text part keeps it whole
                byline_url=_byline_url(pick) if pick.byline.strip() else "",
                source_name=pick.entry.source.name if pick.entry_id and pick.entry else "",
                pick_id=pick.pk,
            )
            for pick in section.picks.all()
        ]
        if items:  # empty sections are an editing state, not something readers should see
            content.sections.append(SectionContent(title=section.title, picks=items))
    return content
