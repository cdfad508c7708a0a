"""Where picks and sections sit in an issue: every reorder, under the issue lock."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from curator.editions.actions.locks import lock_editable
from curator.editions.models import Pick, Section, WorkflowError


class StaleOrder(WorkflowError):
    """The ids sent are not exactly this issue's sections and picks."""


def next_position(section: Section) -> int:
    current = Pick.objects.filter(section=section).aggregate(top=Max("position"))["top"]
    return 0 if current is None else current + 1


def _renumber(rows: list, moved_pk: int, direction: int) -> list:
    """Swap the moved row with its neighbour and return the rows whose position changed."""
    index = next(i for i, row in enumerate(rows) if row.pk == moved_pk)
    target = index + direction
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    return changed


@transaction.atomic
def move_pick(pick: Pick, direction: int) -> None:
    """Up (-1) or down (+1) by one place; past a section's edge it moves into the neighbouring section."""
    locked = lock_editable(pick.issue_id)
    pick = Pick.objects.get(pk=pick.pk)
    siblings = list(Pick.objects.filter(section_id=pick.section_id).order_by("position", "id"))
    index = next(i for i, row in enumerate(siblings) if row.pk == pick.pk)
    if 0 <= index + direction < len(siblings):
        Pick.objects.bulk_update(_renumber(siblings, pick.pk, direction), ["position"])
        return
    sections = list(locked.sections.order_by("position", "id"))
    s_index = next(i for i, row in enumerate(sections) if row.pk == pick.section_id)
    if not 0 <= s_index + direction < len(sections):
        return  # already first (or last) of the whole issue
    neighbour = sections[s_index + direction]
    others = list(Pick.objects.filter(section=neighbour).order_by("position", "id"))
    others = [*others, pick] if direction < 0 else [pick, *others]
    pick.section = neighbour
    for position, row in enumerate(others):
        row.position = position
    Pick.objects.bulk_update(others, ["position", "section"])


@transaction.atomic
def move_section(section: Section, direction: int) -> None:
    lock_editable(section.issue_id)
    rows = list(Section.objects.filter(issue_id=section.issue_id).order_by("position", "id"))
    Section.objects.bulk_update(_renumber(rows, section.pk, direction), ["position"])


def save_picks(formset: Any, byline: str) -> None:
    """The issue page's pick cards; a new or moved pick goes to the end of its section.

    Runs inside the page's save, after `issue_page.save_issue_fields` took the issue lock.
    """
    instances = formset.save(commit=False)
    for pick in formset.deleted_objects:
        pick.delete()  # releases its entry back to the shortlist
    moved = {f.instance.pk for f in formset.initial_forms if "section" in f.changed_data}
    for pick in instances:
        if pick.pk is None or pick.pk in moved:
            pick.position = next_position(pick.section)
        if pick.pk is None and not pick.byline:
            pick.byline = byline
        pick.save()


def save_sections(formset: Any) -> None:
    """The issue page's sections; a new one goes last."""
    instances = formset.save(commit=False)
    for section in formset.deleted_objects:
        section.delete()
    top = max((s.position for s in Section.objects.filter(issue=formset.instance)), default=-1)
    for section in instances:
        if section.pk is None:
            top += 1
            section.position = top
        section.save()


@transaction.atomic
@transaction.atomic
def set_order(issue_id: int, section_order: list[int], pick_order: dict[int, list[int]]) -> None:
    """Store the order of the issue's sections and of the picks under each section.

    Under the issue's row lock (the one the sender takes), so a reorder can neither interleave
    with another editor's save nor change an issue whose send has just started.
    """
    lock_editable(issue_id)
    sections = {s.pk: s for s in Section.objects.filter(issue_id=issue_id)}
    picks = {p.pk: p for p in Pick.objects.filter(issue_id=issue_id)}
    sent_picks = [pk for ids in pick_order.values() for pk in ids]
    if (
        sorted(section_order) != sorted(sections)
        or not set(pick_order) <= set(sections)
        or sorted(sent_picks) != sorted(picks)
    ):
        raise StaleOrder("The issue has changed since this page was loaded: reload it and try again.")
    changed_sections = []
    for position, pk in enumerate(section_order):
        if sections[pk].position != position:
            sections[pk].position = position
            changed_sections.append(sections[pk])
    changed_picks = []
    for section_id, ids in pick_order.items():
        for position, pk in enumerate(ids):
            pick = picks[pk]
            if (pick.section_id, pick.position) != (section_id, position):
                pick.section_id, pick.position = section_id, position
                changed_picks.append(pick)
    Section.objects.bulk_update(changed_sections, ["position"])
    Pick.objects.bulk_update(changed_picks, ["section", "position"])
