"""Who may write, sign and co-sign notes, and who may document a group session.

Individual notes follow the access policy (CLINICAL scope) plus the `note.sign`
capability. A group session's facilitator is often not on every member's care team, yet
writes each member's section: a facilitator holding `note.sign` reaches the members of
their own session for that session's note, audited with the reason "facilitator of this
session". Holders of `note.cosign` (supervisors, directors) open any group note of their
organization.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from audit.models import Action, Outcome
from audit.services import record_event
from participants.access import (
    Decision,
    Scope,
    capability_decision,
    decide,
    refusal_message,
    uses_staff_pages,
)
from participants.audit_events import access_event_type
from participants.models import Participant
from scheduling.models import Session
from tandem.errors import AccessDenied

FACILITATOR_REASON = "facilitator of this session"


@dataclass(frozen=True)
class GroupNoteAccess:
    """What a user may do on one session's group note, and why (for the audit trail)."""

    can_view: bool
    can_write: bool
    facilitator: bool
    role: str
    why: str


def group_note_access(user, session: Session) -> GroupNoteAccess:
    if not uses_staff_pages(user):
        return GroupNoteAccess(False, False, False, "", "not a staff member")
    org = session.program.organization_id
    writes = capability_decision(user, "note.sign", org)
    if writes.allowed and session.staff.filter(pk=user.pk).exists():
        return GroupNoteAccess(True, True, True, writes.role, FACILITATOR_REASON)
    oversees = capability_decision(user, "note.cosign", org)
    if oversees.allowed:
        return GroupNoteAccess(True, True, False, oversees.role, oversees.why)
    return GroupNoteAccess(False, False, False, writes.role, "not a facilitator of this session")


def record_group_read(
    user, session: Session, access: GroupNoteAccess, participants: Sequence[Participant]
) -> None:
    """The one event of an answer that shows a group note's members (the screen, or a refused
    signature naming the member whose section is missing), listing them."""
    record_event(
        actor=user,
        event_type="group_note.viewed",
        record=session,
        organization=session.program.organization_id,
        role=access.role,
        details={"scope": str(Scope.CLINICAL), "why": access.why},
        listed=participants,
    )


def member_decision(
    user, session: Session, participant: Participant, action: str, *, access: GroupNoteAccess
) -> Decision:
    """A facilitator reaches every member of their session; others need the policy."""
    if participant.organization_id != session.program.organization_id:
        return Decision(False, access.role, "participant of another organization")
    if access.facilitator and access.can_write:
        return Decision(True, access.role, FACILITATOR_REASON)
    return decide(user, participant, action, Scope.CLINICAL)


def refuse_member(user, participant: Participant, action: str, decision: Decision) -> None:
    """Audit a refused member (outside any write transaction) and raise AccessDenied."""
    record_event(
        actor=user,
        event_type=access_event_type(action, Scope.CLINICAL),
        participant=participant,
        outcome=Outcome.REFUSED,
        decision=decision,
        record_type="participants.Participant",
        record_id=str(participant.public_id),
        details={"scope": str(Scope.CLINICAL)},
    )
    raise AccessDenied(refusal_message(decision))


def require_group_write(user, session: Session, event_type: str) -> GroupNoteAccess:
    access = group_note_access(user, session)
    if not access.can_write:
        record_event(
            actor=user,
            event_type=event_type,
            record=session,
            outcome=Outcome.REFUSED,
            role=access.role,
            details={"scope": str(Scope.CLINICAL), "why": access.why},
        )
        raise AccessDenied(
            "Only the session's facilitators, supervisors and directors document a group."
        )
    return access


def require_member(
    user, session: Session, participant: Participant, *, access: GroupNoteAccess
) -> Decision:
    decision = member_decision(user, session, participant, Action.CHANGE, access=access)
    if not decision.allowed:
        refuse_member(user, participant, Action.CHANGE, decision)
    return decision


def require_note_capability(user, participant: Participant, capability: str, *, event_type: str):
    """A program capability (`note.sign`, `note.cosign`) checked for a write on one
    participant's note; a refusal is audited on that participant's trail."""
    decision = capability_decision(user, capability, participant.organization_id)
    if not decision.allowed:
        record_event(
            actor=user,
            event_type=event_type,
            participant=participant,
            decision=decision,
            details={"scope": str(Scope.CLINICAL), "capability": capability},
        )
        raise AccessDenied("Your role does not allow this.")
    return decision
