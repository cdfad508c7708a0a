"""Feed documents that once cost minutes to parse, built at the sizes the security report measured."""

from __future__ import annotations


def deep_divs(count: int, form: str = "cdata") -> bytes:
    """An RSS item whose description nests `count` <div>s: 0.55 MB at 50,000, 2.2 MB at 200,000 (CDATA).

    `form` is how the HTML sits in the XML: "cdata", "escaped" (&lt;div&gt;) or "raw" (XML elements).
    """
    html = "<div>" * count + "deep text" + "</div>" * count
    if form == "cdata":
        body = f"<![CDATA[{html}]]>"
    elif form == "escaped":
        body = html.replace("<", "&lt;").replace(">", "&gt;")
    else:
        body = html
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Deep</title><link>https://deep.example/</link>'
        "<item><title>Nested</title><link>https://deep.example/nested</link><guid>nested-1</guid>"
        f"<description>{body}</description></item>"
        "<item><title>Plain</title><link>https://deep.example/plain</link><guid>plain-1</guid>"
        "<description>&lt;p&gt;An ordinary &lt;b&gt;post&lt;/b&gt;.&lt;/p&gt;</description></item>"
        "</channel></rss>"
    ).encode()
