"""Everything a feed says is untrusted: HTML is cut down to an allowlist, everything else becomes plain text."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import nh3
from django.utils.safestring import SafeString

from curator.feeds.web_urls import NotWebURL, web_url_parts

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_ATTRIBUTES = {("a", "href"), ("img", "src")}
SAFE_SCHEMES = {"http", "https", "mailto"}
# Their text content is code or styling, never prose worth keeping.
DROP_CONTENT_TAGS = {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math"}
# Plain text is what drafts, embeddings and ranking read: a figure's caption describes a picture the reader
# of a blurb never sees (Substack opens most posts with one), so it is left out of the text, and a form's
# labels and buttons are not prose either. The sanitized HTML keeps both.
TEXT_DROP_CONTENT_TAGS = DROP_CONTENT_TAGS | {"figcaption", "form", "button"}

# figcaption and figure too: a caption run into the paragraph after it ("...sizes.Every team...") makes
# one bogus sentence of the two.
_BLOCK_END = re.compile(
    r"(?i)</(p|div|li|h[1-6]|blockquote|pre|tr|section|article|figure|figcaption|dd|dt|header|footer|aside)>"
    r"|<br\s*/?>"
)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def safe_url(url: str, base: str = "") -> str:
    """An absolute http(s) URL, or "" for anything else (javascript:, data:, relative junk)."""
    url = (url or "").strip()
    if not url:
        return ""
    url = urljoin(base, url) if base else url
    try:
        web_url_parts(url)
    except NotWebURL:
        return ""
    return url


def clean_html(fragment: str, base_url: str = "") -> str:
    """Sanitized HTML: no scripts, handlers, forms, frames, styles, javascript:/data: URLs. Links made absolute."""

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) in URL_ATTRIBUTES:
            absolute = urljoin(base_url, value.strip()) if base_url else value.strip()
            scheme = urlsplit(absolute).scheme.lower()
            return absolute if scheme in SAFE_SCHEMES else None
        return value

    return nh3.clean(
        fragment or "",
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=SAFE_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def sanitized_markup(fragment: str) -> SafeString:
    """Stored HTML, cleaned again at the moment it is shown.

    Ingest already cleans, but a stored value can change behind that door (an admin form, a
    data migration, a raw UPDATE); render-time cleaning keeps the page safe whatever the row says.
    """
    # safe: the string is nh3 output under the allowlist above, produced right here at render time.
    return SafeString(clean_html(fragment))


def escape_text_as_html(text: str) -> str:
    """text/plain content shown as HTML: escaped, paragraphs kept."""
    paragraphs = [p.strip() for p in _BLANK_LINES.split(text or "") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def html_to_text(fragment: str) -> str:
    """Readable plain text from an HTML fragment: tags gone, entities decoded, paragraphs kept."""
    # Block ends get blank lines before the tags go, so paragraphs survive as paragraphs. The end tag
    # itself stays: without it every <div> would stay open and the HTML parser, whose cost grows with
    # the square of the nesting depth, would see a flat page of 40,000 divs as 40,000 levels deep.
    marked = _BLOCK_END.sub("\n\n\\g<0>", fragment or "")
    cleaned = nh3.clean(marked, tags=set(), clean_content_tags=TEXT_DROP_CONTENT_TAGS)
    text = html.unescape(cleaned)
    # Text that *spelled* a tag (&lt;script&gt;) decodes into one; it is markup noise, never prose.
    text = _TAG.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def plain_line(value: str, max_length: int = 1000) -> str:
    """Titles and author names: one line of plain text."""
    if "<" not in value and "&" not in value:
        return " ".join(value.split())[:max_length]  # the common case, without a trip through nh3
    return " ".join(html_to_text(value).split())[:max_length]


# C0 controls and DEL (tab and newlines aside). Lenient feed parsing and model decoding both let
# them through, and PostgreSQL refuses NUL in text and jsonb columns.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str) -> str:
    return _CONTROL.sub("", text)
