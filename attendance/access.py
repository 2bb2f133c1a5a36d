"""Who may take a session's roll call, and how each participant row on it is authorized.

The access policy (participants.access) decides by care team; a group session's facilitator
is often not on every participant's care team, yet must take the roll call. So a row is
authorized by the policy (SCHEDULE scope) and, when the policy would refuse, by the explicit
rule that the facilitators of a session reach its participants' schedule data — audited with
the reason "facilitator of this session". Billing reads attendance but never records it.
"""

from dataclasses import dataclass

from accounts.models import Role
from audit.models import Action, Outcome
from audit.services import record_event
from participants.access import ORGANIZATION_WIDE, Decision, Scope, decide, roles_in
from participants.audit_events import access_event_type
from participants.models import Participant
from scheduling.models import Session
from tandem.errors import AccessDenied

FACILITATOR_REASON = "facilitator of this session"
# Roles that reach schedule data for the whole organization but only read attendance.
READ_ONLY_ROLES = frozenset({Role.BILLING})
# Roles that open any roll call of their organization and see its dose page.
ROLL_CALL_ROLES = frozenset(
    role
    for role, scopes in ORGANIZATION_WIDE.items()
    if Scope.SCHEDULE in scopes and role not in READ_ONLY_ROLES
)


@dataclass(frozen=True)
class RollCallAccess:
    """What a user may do on one session's roll call, and why (for the audit trail)."""

    can_view: bool
    can_record: bool
    facilitator: bool
    role: str
    why: str


def is_facilitator(user, session: Session) -> bool:
    return session.staff.filter(pk=user.pk).exists()


def roll_call_access(user, session: Session) -> RollCallAccess:
    """Facilitators and organization-wide schedule roles take roll call; billing only reads it."""
    if user is None or not user.is_authenticated or user.kind != user.Kind.STAFF:
        return RollCallAccess(False, False, False, "", "not a staff member")
    roles = roles_in(user, session.program.organization_id)
    if not roles:
        return RollCallAccess(False, False, False, "", "not a member of this organization")
    label = ",".join(sorted(roles))
    if is_facilitator(user, session):
        return RollCallAccess(True, True, True, label, FACILITATOR_REASON)
    wide = sorted(roles & ROLL_CALL_ROLES)
    if wide:
        return RollCallAccess(True, True, False, wide[0], f"{wide[0]} reaches the whole schedule")
    if roles & READ_ONLY_ROLES:
        return RollCallAccess(True, False, False, label, "reads attendance for the organization")
    return RollCallAccess(False, False, False, label, "neither a facilitator nor a schedule role")


def row_decision(
    user, session: Session, participant: Participant, action: str, *, access: RollCallAccess
) -> Decision:
    """Decide one participant row: a facilitator of the session reaches every row of it;
    anyone else needs the access policy's SCHEDULE decision for that participant."""
    if participant.organization_id != session.program.organization_id:
        return Decision(False, access.role, "participant of another organization")
    if access.facilitator:
        return Decision(True, access.role, FACILITATOR_REASON)
    return schedule_decision(user, participant, action)


def schedule_decision(user, participant: Participant, action: str) -> Decision:
    """The policy's SCHEDULE decision, with writes refused to read-only roles."""
    decision = decide(user, participant, action, Scope.SCHEDULE)
    if decision.allowed and action != Action.VIEW and decision.role in READ_ONLY_ROLES:
        return Decision(False, decision.role, "billing reads attendance; it does not record it")
    return decision


def refuse(user, participant: Participant, action: str, decision: Decision) -> None:
    """Audit a refused row (outside any write transaction) and raise AccessDenied."""
    record_event(
        actor=user,
        event_type=access_event_type(action, Scope.SCHEDULE),
        participant=participant,
        outcome=Outcome.REFUSED,
        decision=decision,
        record_type="participants.Participant",
        record_id=str(participant.public_id),
        details={"scope": str(Scope.SCHEDULE)},
    )
    if decision.can_break_glass:
        raise AccessDenied("You are not on this participant's care team.")
    raise AccessDenied("Your role does not give access to this part of the record.")


def require_row(
    user, session: Session, participant: Participant, action: str, *, access: RollCallAccess
) -> Decision:
    """Check a row write before its transaction opens; only a refusal is audited here."""
    decision = row_decision(user, session, participant, action, access=access)
    if not decision.allowed:
        refuse(user, participant, action, decision)
    return decision


def require_schedule_write(user, participant: Participant) -> Decision:
    """Check a schedule write outside a session's roll call (make-up enrolment)."""
    decision = schedule_decision(user, participant, Action.CHANGE)
    if not decision.allowed:
        refuse(user, participant, Action.CHANGE, decision)
    return decision
