"""Who writes which pick: claim, write, mark written, approve; the rules the pages and the API share.

Every rule is checked here, on the server, whatever page called: a Contributor may claim a free
pick and write only the blurbs they claimed; an Editor (team.approve_blurb) may edit and approve
any. Each step takes the issue row lock, so a claim cannot slip in while a send starts.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from curator.editions import workflow
from curator.editions.models import Pick, WorkflowError
from curator.team.models import Assignment, Member

State = Assignment.State
MAX_BYLINE = 200


def member_of(user: Any) -> Member:
    member, _ = Member.objects.get_or_create(user=user)
    return member


def assignment_of(pick: Pick) -> Assignment:
    assignment, _ = Assignment.objects.get_or_create(pick=pick)
    return assignment


def may_approve(user: Any) -> bool:
    return bool(user.has_perm("team.approve_blurb"))


def _require(user: Any, permission: str, what: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(f"You may not {what}.")


def _locked(pick: Pick) -> tuple[Pick, Assignment]:
    """The pick and its assignment, fresh, under the issue row lock (call inside a transaction)."""
    workflow.lock_editable(pick.issue_id)
    fresh = Pick.objects.get(pk=pick.pk)
    assignment, _ = Assignment.objects.select_for_update().get_or_create(pick=fresh)
    return fresh, assignment


def _require_writer(user: Any, assignment: Assignment, what: str) -> None:
    if assignment.writer_id != user.pk and not may_approve(user):
        raise PermissionDenied(f"You may not {what}: this pick is someone else's to write.")


def claim(pick: Pick, user: Any) -> Pick:
    """ "I'll write it": the pick becomes `user`'s, signed with their byline."""
    _require(user, "team.claim_pick", "claim picks")
    with transaction.atomic():
        pick, assignment = _locked(pick)
        if assignment.writer_id and assignment.writer_id != user.pk:
            raise WorkflowError(f"“{pick.title}” is already claimed by {member_of(assignment.writer).byline}.")
        if assignment.writer_id == user.pk and assignment.state != State.UNCLAIMED:
            return pick
        member = member_of(user)
        assignment.writer, assignment.state, assignment.claimed_at = user, State.CLAIMED, timezone.now()
        assignment.byline_link = member.link
        assignment.save()
        pick.byline = member.byline[:MAX_BYLINE]
        pick.save(update_fields=["byline"])
    return pick


def unclaim(pick: Pick, user: Any) -> Pick:
    with transaction.atomic():
        pick, assignment = _locked(pick)
        _require_writer(user, assignment, "give this pick back")
        assignment.writer, assignment.state, assignment.claimed_at = None, State.UNCLAIMED, None
        assignment.written_at, assignment.approved_by, assignment.byline_link = None, None, ""
        assignment.save()
    return pick


def write_blurb(pick: Pick, user: Any, blurb: str, byline: str | None = None) -> Pick:
    """Save the writer's blurb (and, if given, the byline of this one pick). An approved blurb that
    changes needs approving again."""
    with transaction.atomic():
        pick, assignment = _locked(pick)
        _require_writer(user, assignment, "edit this blurb")
        fields = []
        if blurb != pick.blurb:
            pick.blurb = blurb
            fields.append("blurb")
        if byline is not None and byline.strip() and byline.strip() != pick.byline:
            pick.byline = byline.strip()[:MAX_BYLINE]
            fields.append("byline")
        if fields:
            pick.save(update_fields=fields)
            if assignment.state == State.APPROVED:
                assignment.state, assignment.approved_by = State.WRITTEN, None
                assignment.save(update_fields=["state", "approved_by"])
    return pick


def mark_written(pick: Pick, user: Any) -> Pick:
    """The writer says the blurb is done; an empty blurb cannot be."""
    with transaction.atomic():
        pick, assignment = _locked(pick)
        if not assignment.writer_id:
            raise WorkflowError(f"“{pick.title}” is not claimed yet: claim it before marking it written.")
        _require_writer(user, assignment, "mark this blurb written")
        if not pick.blurb.strip():
            raise WorkflowError(f"“{pick.title}” has no blurb yet.")
        if assignment.state in (State.CLAIMED, State.UNCLAIMED):
            assignment.state, assignment.written_at = State.WRITTEN, timezone.now()
            assignment.save(update_fields=["state", "written_at"])
    return pick


def approve(pick: Pick, user: Any) -> Pick:
    """An editor accepts a written blurb."""
    _require(user, "team.approve_blurb", "approve blurbs")
    with transaction.atomic():
        pick, assignment = _locked(pick)
        if assignment.state != State.WRITTEN:
            raise WorkflowError(f"“{pick.title}” is {assignment.state}: only a written blurb can be approved.")
        assignment.state, assignment.approved_by = State.APPROVED, user
        assignment.save(update_fields=["state", "approved_by"])
    return pick
