"""Find markup that a browser would run: script elements, on* handlers, javascript: URLs.

Pages are parsed the way a browser parses them (html5lib implements the WHATWG algorithm), so
tricks that fool a regex (unquoted attributes, odd whitespace, entities in URLs, foreign SVG
content) are seen exactly as the browser sees them. Text that merely *shows* `<script>` after
escaping is text, not an element, and is not reported.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import html5lib

# Attributes whose value a browser follows or loads as a URL.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "poster", "background", "cite", "lowsrc", "dynsrc",
    "xlink:href", "{http://www.w3.org/1999/xlink}href", "ping", "manifest", "codebase", "archive",
}  # fmt: skip
# Script types a browser does not execute: data blocks such as json_script's output.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# Browsers drop tab/newline/control characters anywhere in a URL scheme, and leading spaces.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data:text/html|data:image/svg)", re.IGNORECASE)
_REFRESH_URL = re.compile(r"url\s*=\s*(.*)$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Finding:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def is_dangerous_url(value: str) -> bool:
    return bool(_DANGEROUS_SCHEME.match(_URL_NOISE.sub("", value or "")))


def _script_finding(element: ET.Element) -> str | None:
    script_type = (element.get("type") or "").strip().lower()
    if script_type in DATA_SCRIPT_TYPES:
        return None
    src = (element.get("src") or "").strip()
    if (element.text or "").strip():
        return f"inline script {element.text.strip()[:80]!r}"
    # Our own files (static files, the admin's jsi18n view) are what script-src 'self' allows too.
    if not src.startswith("/") or src.startswith("//") or is_dangerous_url(src):
        return f"script from {src!r}"
    return None


def _element_findings(element: ET.Element) -> list[str]:
    found = []
    tag = _local(element.tag) if isinstance(element.tag, str) else ""
    if tag == "script":
        finding = _script_finding(element)
        if finding:
            found.append(finding)
    if tag in ("object", "embed", "applet"):
        found.append(f"<{tag}> element")
    for name, value in element.attrib.items():
        local = _local(name)
        if local.startswith("on"):
            found.append(f"<{tag} {local}={value[:60]!r}> event handler")
        elif (name in URL_ATTRIBUTES or local in URL_ATTRIBUTES) and is_dangerous_url(value):
            found.append(f"<{tag} {local}={value[:60]!r}> script URL")
    if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
        match = _REFRESH_URL.search(element.get("content") or "")
        if match and is_dangerous_url(match.group(1).strip("'\" ")):
            found.append(f"<meta refresh {element.get('content')!r}>")
    return found


def live_script(markup: str, where: str = "page") -> list[Finding]:
    """Every place in an HTML document (or fragment) where script could run, with iframes' srcdoc."""
    tree = html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)
    findings: list[Finding] = []
    for element in tree.iter():
        findings.extend(Finding(where, what) for what in _element_findings(element))
        srcdoc = element.get("srcdoc") if isinstance(element.tag, str) else None
        if srcdoc:
            findings.extend(live_script(srcdoc, f"{where} (iframe srcdoc)"))
    return findings
