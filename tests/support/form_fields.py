"""Submit a page's form the way a browser would: every named field with the value the page shows."""

from __future__ import annotations

import html5lib


def form_fields(page: str, form_id: str) -> dict[str, list[str]]:
    """The successful controls of `<form id=form_id>`: inputs, checked boxes, selected options, textareas."""
    tree = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    form = next(el for el in tree.iter("form") if el.get("id") == form_id)
    data: dict[str, list[str]] = {}
    for element in form.iter():
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            unchecked = kind in ("checkbox", "radio") and element.get("checked") is None
            if kind in ("submit", "button", "file", "image") or unchecked:
                continue
            data.setdefault(name, []).append(element.get("value", "on" if kind == "checkbox" else ""))
        elif element.tag == "textarea":
            data.setdefault(name, []).append("".join(element.itertext()).removeprefix("\n"))
        elif element.tag == "select":
            options = [o for o in element.iter("option") if o.get("selected") is not None]
            chosen = [o.get("value", "".join(o.itertext())) for o in options]
            data.setdefault(name, []).extend(chosen)
    return data
