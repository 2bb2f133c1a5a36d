"""Who may read and change the program calendar and build the weekly schedule.

Participant-level schedule data (a person's week, profile, availability) goes through the
access policy with `Scope.SCHEDULE`; these role rules cover the program-wide pages, which
show groups, rooms and counts, not participants.
"""

from accounts.models import Role
from audit.models import Action, Outcome
from audit.services import record_event
from participants.access import (
    CLINICAL_ROLES,
    Decision,
    Scope,
    decide,
    organizations_of,
    require,
    roles_in,
)
from participants.audit_events import access_event_type
from tandem.errors import AccessDenied

CALENDAR_EDITORS = frozenset({Role.DIRECTOR, Role.SUPERVISOR})
CALENDAR_READERS = CALENDAR_EDITORS | CLINICAL_ROLES | {Role.FRONT_DESK}
SCHEDULE_BUILDERS = frozenset({Role.DIRECTOR})
# Roles that reach every schedule of the organization to read it, never to change it.
SCHEDULE_READ_ONLY = frozenset({Role.BILLING})
READ_ONLY_WHY = "billing reads schedules; it does not change them"


def program_roles(user, program) -> set[str]:
    return roles_in(user, program.organization_id)


def can_read_calendar(user, program) -> bool:
    return bool(program_roles(user, program) & CALENDAR_READERS)


def can_edit_calendar(user, program) -> bool:
    return bool(program_roles(user, program) & CALENDAR_EDITORS)


def can_build(user, program) -> bool:
    return bool(program_roles(user, program) & SCHEDULE_BUILDERS)


def reads_any_calendar(user) -> bool:
    """Whether the top bar shows this staff member the Schedule link."""
    if getattr(user, "kind", None) != "staff":
        return False
    return any(roles_in(user, org) & CALENDAR_READERS for org in organizations_of(user))


def require_role(user, program, roles: frozenset[str], what: str) -> str:
    """The user's role label, or AccessDenied naming what they tried to do."""
    held = program_roles(user, program) & roles
    if not held:
        raise AccessDenied(f"Your role cannot {what}.")
    return ",".join(sorted(held))


def _read_only(user, participant) -> bool:
    return roles_in(user, participant.organization_id) <= SCHEDULE_READ_ONLY


def can_write_schedule(user, participant) -> bool:
    """Whether the Schedule tab offers its forms (a check only; nothing is audited)."""
    allowed = decide(user, participant, Action.CHANGE, Scope.SCHEDULE).allowed
    return allowed and not _read_only(user, participant)


def require_schedule_write(user, participant) -> Decision:
    """The policy's SCHEDULE write decision, refused (and audited) for read-only roles.

    Like `participants.access.require`, call it before the write's transaction opens.
    """
    decision = require(user, participant, Action.CHANGE, Scope.SCHEDULE)
    if _read_only(user, participant):
        record_event(
            actor=user,
            event_type=access_event_type(Action.CHANGE, Scope.SCHEDULE),
            participant=participant,
            outcome=Outcome.REFUSED,
            decision=decision,
            details={"scope": str(Scope.SCHEDULE), "why": READ_ONLY_WHY},
        )
        raise AccessDenied("Your role reads schedules but does not change them.")
    return decision
