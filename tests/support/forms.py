"""Turn a rendered admin change form back into the POST data a browser would send."""

from __future__ import annotations


def _put(data: dict, form) -> None:
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.html_name] = "on" if value is True else value


def change_form_data(response) -> dict:
    data: dict = {}
    _put(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _put(data, formset.management_form)
        for form in formset.forms:
            _put(data, form)
    return data


def inline_prefix(response, model_name: str) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model._meta.model_name == model_name:
            return inline.formset.prefix
    raise LookupError(model_name)


def add_source(admin_client, url: str, **fields):
    data = {"name": "Added", "url": url, "kind": "rss", "arxiv_query": "", "active": "on", "section_hint": ""}
    data |= {"tags": "[]", "fetch_full_text": "on", **fields}
    return admin_client.post("/admin/feeds/source/add/", data)
