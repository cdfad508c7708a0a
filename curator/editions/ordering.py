"""An issue's whole order at once: what the issue page sends after a drag and drop or a ▲▼ click.

The page sends the complete order (every section, every pick under its section) rather than one
move, so the stored order is exactly what the editor sees, and a page that has gone stale (a pick
added or removed in another tab) is refused instead of being merged into something nobody saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard

from django.db import transaction

from curator.editions.actions import positions
from curator.editions.actions.positions import StaleOrder
from curator.editions.models import Pick, Section, WorkflowError
from curator.ids import parse_id

__all__ = ["IssueOrder", "StaleOrder", "current_order", "parse_order", "set_order"]


@dataclass(frozen=True)
class IssueOrder:
    sections: list[int]
    picks: dict[int, list[int]]  # section id -> pick ids, first to last


def parse_order(data: object) -> IssueOrder:
    """The JSON body as ids, or WorkflowError for anything that is not the expected shape."""
    if not isinstance(data, dict):
        raise WorkflowError("Send the order as a JSON object.")
    sections, picks = data.get("sections"), data.get("picks")
    if not _int_list(sections) or not isinstance(picks, dict):
        raise WorkflowError("The order needs a list of sections and the picks of each section.")
    parsed: dict[int, list[int]] = {}
    for key, ids in picks.items():
        section_id = parse_id(key)
        if section_id is None or not (_int_list(ids) or ids == []):
            raise WorkflowError("Section and pick ids are whole numbers.")
        parsed[section_id] = list(ids)
    return IssueOrder(sections=list(sections), picks=parsed)


def _int_list(value: object) -> TypeGuard[list[int]]:
    return isinstance(value, list) and bool(value) and all(type(item) is int and parse_id(item) for item in value)


@transaction.atomic
def set_order(issue_id: int, order: IssueOrder) -> IssueOrder:
    """Store `order` as the issue's order of sections and picks; returns the order now stored."""
    positions.set_order(issue_id, order.sections, order.picks)
    return current_order(issue_id)


def current_order(issue_id: int) -> IssueOrder:
    sections = list(Section.objects.filter(issue_id=issue_id).order_by("position", "id").values_list("pk", flat=True))
    picks: dict[int, list[int]] = {pk: [] for pk in sections}
    for pk, section_id in (
        Pick.objects.filter(issue_id=issue_id).order_by("position", "id").values_list("pk", "section_id")
    ):
        picks[section_id].append(pk)
    return IssueOrder(sections=sections, picks=picks)
