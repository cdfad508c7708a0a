"""`{% pick_topics content pick.pick_id as topics %}`: a pick's topics on the issue page, one query per page.

Lives in the project package because the issue page (editions) may not import search, which sits above it.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def pick_topics(context: Any, content: Any, pick_id: int | None) -> list:
    from curator.search.topics import topics_of_picks

    if not pick_id:
        return []
    key = ("pick_topics", id(content))
    cache = context.render_context
    if key not in cache:  # every pick of the issue at once, the first time a pick asks
        ids = [p.pick_id for section in content.sections for p in section.picks if p.pick_id]
        cache[key] = topics_of_picks(ids)
    return cache[key].get(pick_id, [])
