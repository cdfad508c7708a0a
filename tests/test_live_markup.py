"""The checker the crawler relies on: it must see what a browser would run, and only that."""

from __future__ import annotations

import pytest

from tests.support.live_markup import live_script


@pytest.mark.parametrize(
    "markup",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        '<a href="  jav&#x09;ascript:alert(1)">x</a>',
        '<a href="JavaScript:alert(1)">x</a>',
        '<form action="javascript:alert(1)"><button>x</button></form>',
        '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<script src="https://evil.example/x.js"></script>',
        '<script src="//evil.example/x.js"></script>',
        '<object data="x.swf"></object>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    ],
)
def test_it_reports_markup_a_browser_would_run(markup):
    assert live_script(markup), markup


@pytest.mark.parametrize(
    "markup",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        '<input value="&lt;script&gt;alert(1)&lt;/script&gt; javascript:alert(1)">',
        "<textarea><script>alert(1)</script></textarea>",
        '<p title="onerror=alert(1)">javascript:alert(1)</p>',
        '<script src="/static/admin/js/core.js"></script>',
        '<script id="data" type="application/json">{"a": "<b>"}</script>',
        '<a href="https://example.org/?q=javascript:">x</a>',
    ],
)
def test_it_ignores_escaped_text_and_our_own_scripts(markup):
    assert live_script(markup) == [], markup
