"""Every place that turns off escaping says why, next to it.

`mark_safe`, `SafeString(...)`, `format_html`, `|safe`, `|safeseq` and `{% autoescape off %}` are the
only ways text reaches a page unescaped. Each one in the tree carries a `safe:` comment on its line
or on one of the three lines above, naming what makes it safe (nh3 at render time, escaped arguments,
a plain-text part). A new one without a reason fails here, so it gets a second look in review; the
crawler (tests/test_xss_crawl.py) then checks that the reason holds with hostile data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCANNED = ("curator", "summarizer", "templates")
UNESCAPING = re.compile(
    r"\bmark_safe\s*\(|\bSafeString\s*\(|\bformat_html(_join)?\s*\(|\|\s*safe(seq)?\b|\{%\s*autoescape\s+off\b"
)
REASON = re.compile(r"(#|\{#)\s*safe:\s*\S")
LOOKBACK = 3


def unexplained(path: Path, text: str) -> list[str]:
    """`path:line` of each unescaping construct with no `safe:` reason on its line or just above."""
    lines = text.splitlines()
    missing = []
    for number, line in enumerate(lines):
        if not UNESCAPING.search(line) or line.lstrip().startswith(("import ", "from ")):
            continue
        window = lines[max(0, number - LOOKBACK) : number + 1]
        if not any(REASON.search(candidate) for candidate in window):
            missing.append(f"{path}:{number + 1}: {line.strip()}")
    return missing


def scanned_files() -> list[Path]:
    files = []
    for folder in SCANNED:
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts:
                files.append(path)
    return files


def test_it_finds_a_reason_next_to_every_unescaping_construct():
    missing = [hit for path in scanned_files() for hit in unexplained(path.relative_to(REPO), path.read_text())]
    assert not missing, "add a `# safe: <why>` (or `{# safe: ... #}`) comment, or escape instead:\n" + "\n".join(
        missing
    )


def test_it_scans_the_places_that_unescape_today():
    hits = [path.name for path in scanned_files() if UNESCAPING.search(path.read_text())]
    assert {"admin.py", "sanitize.py", "_issue_body.html", "issue-body.html"} <= set(hits)


@pytest.mark.parametrize(
    "code",
    [
        "return mark_safe(obj.content_html)",
        "return SafeString(value)",
        "return format_html('<b>{}</b>', title)",
        "{{ pick.blurb_html|safe }}",
        "{{ items|safeseq }}",
        "{% autoescape off %}{{ x }}{% endautoescape %}",
    ],
)
def test_it_fails_on_an_unexplained_one(code):
    assert unexplained(Path("x.py"), f"a = 1\n{code}\n") == [f"x.py:2: {code}"]
    assert unexplained(Path("x.py"), f"# safe: nh3 output\n{code}\n") == []
