"""The issue page's picks, grouped under their sections in reading order.

Django renders an inline as one flat list; editors think of an issue as sections with picks
beneath. The formset stays Django's (same prefixes, same indexes, so saving works as before);
only the order in which its forms are laid out on the page changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.admin.helpers import InlineAdminForm, InlineAdminFormSet
from django.utils.safestring import SafeString

from curator.editions.models import Pick, Section


@dataclass(frozen=True)
class PickBadge:
    """A few words on a pick's card from a part composed onto the issue page (the team's link check).

    The card shows `text` escaped, in words so it reads without colour; `kind` is a fixed CSS
    modifier chosen by the code (`pick-badge-<kind>`), never stored text; `detail` is the tooltip.
    """

    kind: str
    text: str
    detail: str = ""


Badges = Mapping[int, Sequence[PickBadge]]  # by pick id


@dataclass
class PickCard:
    form: InlineAdminForm
    index: str  # the formset index, as in the form's id (picks-3); "empty" for the add template
    pick: Pick | None
    drafts: str | SafeString = ""
    entry: str | SafeString = ""
    badges: Sequence[PickBadge] = ()


@dataclass
class SectionGroup:
    section: Section
    cards: list[PickCard] = field(default_factory=list)


@dataclass
class PickGroups:
    formset: InlineAdminFormSet
    sections: list[SectionGroup]
    unsaved: list[PickCard]  # new picks (a form sent back with errors) and the add template, last


def group_picks(formset: InlineAdminFormSet, sections: list[Section], badges: Badges | None = None) -> PickGroups:
    """Every form of the pick formset, each under the section its pick is stored in, with its badges."""
    inline: Any = formset.opts
    groups = {section.pk: SectionGroup(section) for section in sections}
    unsaved: list[PickCard] = []
    forms = list(formset)
    for index, admin_form in enumerate(forms):
        pick = cast(Pick | None, admin_form.original)  # the stubs type it as a flag; it is the inline's object
        is_template = index == len(forms) - 1 and formset.has_add_permission
        card = PickCard(admin_form, "empty" if is_template else str(index), pick)
        if pick is None or pick.section_id not in groups:
            unsaved.append(card)
            continue
        card.entry = inline.entry_info(pick)
        card.badges = (badges or {}).get(pick.pk, ())
        if formset.has_change_permission:  # "Use this draft" changes the pick
            card.drafts = inline.draft_panel(pick)
        groups[pick.section_id].cards.append(card)
    return PickGroups(formset, list(groups.values()), unsaved)
