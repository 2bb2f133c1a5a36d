"""The one access policy for participant data.

Every read or write of a participant's data asks `authorize()`, which decides from
organization membership × role × care-team membership × break-the-glass, and writes the
audit event for the access (or for the refusal) in the same transaction.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import Membership, Role
from audit.models import Action, Outcome
from audit.services import record_event
from participants.audit_events import access_event_type
from participants.models import (
    LEFT_AFTER_ADMISSION_STATUSES,
    OPEN_STATUSES,
    PRE_ADMISSION_STATUSES,
    BreakGlassGrant,
    CareTeamMember,
    Episode,
    Participant,
)
from tandem.errors import AccessDenied, InvalidInput


class Scope(StrEnum):
    """What part of a participant's record an access touches."""

    DEMOGRAPHICS = "demographics"  # name, contact details, emergency contact
    SCHEDULE = "schedule"  # sessions, enrolments, attendance
    CLINICAL = "clinical"  # assessments, diagnoses, plans, notes, alerts
    BILLING = "billing"  # claims and payers
    # The discharge, its summary (and addenda), the aftercare plan and the follow-ups: the
    # part of the chart that stays open once the participant has left care.
    AFTERCARE = "aftercare"


CLINICAL_ROLES = frozenset(
    {
        Role.THERAPIST,
        Role.COUNSELLOR,
        Role.PRESCRIBER,
        Role.NURSE,
        Role.CASE_MANAGER,
        Role.PEER,
        Role.INTAKE,
    }
)
OVERSIGHT_ROLES = frozenset({Role.DIRECTOR, Role.SUPERVISOR})
# Scopes a role reaches for every participant of its organization, care team or not.
ORGANIZATION_WIDE: dict[str, frozenset[Scope]] = {
    Role.DIRECTOR: frozenset(Scope),
    Role.SUPERVISOR: frozenset(
        {Scope.DEMOGRAPHICS, Scope.SCHEDULE, Scope.CLINICAL, Scope.AFTERCARE}
    ),
    Role.FRONT_DESK: frozenset({Scope.DEMOGRAPHICS, Scope.SCHEDULE}),
    Role.BILLING: frozenset({Scope.DEMOGRAPHICS, Scope.SCHEDULE, Scope.BILLING}),
    Role.AUDITOR: frozenset(),
}
# Roles that may open a new referral (create a participant record).
REFERRAL_ROLES = frozenset({Role.DIRECTOR, Role.SUPERVISOR, Role.INTAKE, *CLINICAL_ROLES})
READ_ACTIONS = frozenset({Action.VIEW, Action.SEARCH, Action.PRINT, Action.EXPORT})
# After discharge the chart is read-only: these parts refuse every write (the aftercare part,
# with the summary's addenda and the follow-ups, stays open) until a new episode opens.
CLOSED_AFTER_DISCHARGE = frozenset({Scope.CLINICAL, Scope.SCHEDULE})
CLOSED_CHART_MESSAGE = (
    "This chart is closed: the participant was discharged. Only addenda to the discharge "
    "summary, the aftercare plan and follow-ups can be added."
)
# Program capabilities: what a role may do for its organization as a whole, not for one
# participant's record. One row per capability; a service asks `require_capability`.
CAPABILITIES: dict[str, frozenset[str]] = {
    "staff.manage": frozenset({Role.DIRECTOR}),
    # Writing and signing progress and group notes: clinical staff and oversight.
    "note.sign": (CLINICAL_ROLES - {Role.INTAKE}) | OVERSIGHT_ROLES,
    # Co-signing the notes the program marks as needing it; the notes-due board.
    "note.cosign": OVERSIGHT_ROLES,
    # The program's note settings: due time, co-signature list, formats.
    "note.settings": frozenset({Role.DIRECTOR}),
    # The program outcomes board: aggregates only, for those who run the program.
    "outcomes.read": frozenset({Role.DIRECTOR}),
    # Sees every task of the organization (the overdue board) and acts on any of them.
    "worklist.oversee": frozenset({Role.DIRECTOR, Role.SUPERVISOR}),
    # Works the follow-up call list: every discharged participant of the organization (oversight)
    # or those whose care team at discharge they were on.
    "follow_up.call_all": frozenset({Role.DIRECTOR, Role.SUPERVISOR}),
    "follow_up.call": frozenset(
        {
            Role.DIRECTOR,
            Role.SUPERVISOR,
            Role.THERAPIST,
            Role.COUNSELLOR,
            Role.NURSE,
            Role.CASE_MANAGER,
            Role.PEER,
        }
    ),
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    role: str
    why: str
    break_glass: BreakGlassGrant | None = None
    can_break_glass: bool = False
    closed_chart: bool = False


def roles_in(user, organization_id: int) -> set[str]:
    """The active roles a user holds in an organization (cached on the user object)."""
    cache = getattr(user, "_tandem_roles", None)
    if cache is None:
        cache = {}
        for org_id, role in Membership.objects.filter(user=user, is_active=True).values_list(
            "organization_id", "role"
        ):
            cache.setdefault(org_id, set()).add(role)
        user._tandem_roles = cache
    return cache.get(organization_id, set())


def organizations_of(user) -> list[int]:
    roles_in(user, 0)
    return sorted(user._tandem_roles)


def staff_roles(user) -> set[str]:
    """Every active role a staff member holds, in any organization (none for participants)."""
    if user is None or not user.is_authenticated or user.kind != user.Kind.STAFF:
        return set()
    return {role for org in organizations_of(user) for role in roles_in(user, org)}


# Pages that are not one participant's chart (lists, queues, program pages), by URL name,
# with the rule that says who may open them. The view refuses with the same rule and the
# navigation offers the link with it, so no one is shown a link that answers 403.
PageRule = Callable[[object], bool]
_pages: dict[str, PageRule] = {}


def register_page(url_name: str, rule: PageRule) -> None:
    _pages[url_name] = rule


def may_open(user, url_name: str) -> bool:
    """Whether this user may open the program page named `url_name`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return _pages[url_name](user)


def _signed_in(user) -> bool:
    return True


def _finds_participants(user) -> bool:
    return bool(staff_roles(user) - {Role.AUDITOR})


def _opens_referrals(user) -> bool:
    return bool(staff_roles(user) & REFERRAL_ROLES)


def home_sections(user) -> set[str]:
    """What a staff member's home page shows: program oversight (census, critical alerts,
    referrals waiting, under-dosed participants), the referral queue for intake, today's
    sessions and arrivals for the front desk, and a caseload for clinical staff."""
    roles = staff_roles(user)
    sections: set[str] = set()
    if roles & OVERSIGHT_ROLES:
        sections |= {"census", "critical_alerts", "referrals", "under_dosed"}
    if Role.INTAKE in roles:
        sections.add("referrals")
    if Role.FRONT_DESK in roles:
        sections.add("today")
    if roles & CLINICAL_ROLES:
        sections.add("caseload")
    return sections


register_page("home", _signed_in)
register_page("participants:search", _finds_participants)
register_page("participants:new", _opens_referrals)


def may(user, capability: str, organization_id: int) -> bool:
    """Whether this user holds a program capability in an organization."""
    return capability_decision(user, capability, organization_id).allowed


def capability_decision(user, capability: str, organization_id: int) -> Decision:
    """Pure decision (no audit) on a program capability, from the CAPABILITIES rows."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Decision(False, "", "not signed in")
    if user.kind != user.Kind.STAFF:
        return Decision(False, "", "not staff")
    roles = roles_in(user, organization_id)
    granting = roles & CAPABILITIES[capability]
    if granting:
        role = sorted(granting)[0]
        return Decision(True, role, f"{role} holds {capability}")
    role_label = ",".join(sorted(roles))
    if not roles:
        return Decision(False, "", "not a member of this organization")
    return Decision(False, role_label, f"the {role_label} role does not hold {capability}")


def require_capability(
    user, capability: str, organization_ids: list[int], *, event_type: str, record=None
) -> Decision:
    """Allow when the user holds the capability in one of these organizations; otherwise
    audit the refusal (as `event_type`, refused) and raise AccessDenied.

    Call this outside the service's transaction, so the refusal's event is kept.
    """
    decisions = [capability_decision(user, capability, org) for org in organization_ids]
    for decision in decisions:
        if decision.allowed:
            return decision
    refusal = next(
        (d for d in decisions if d.role),
        decisions[0] if decisions else Decision(False, "", "no organization in common"),
    )
    record_event(
        actor=user,
        event_type=event_type,
        decision=refusal,
        record=record,
        details={"capability": capability},
    )
    raise AccessDenied("Your role does not allow this.")


# Facts and decisions remembered for the length of one request (see RequestDecisions), so a
# page that asks about one participant several times reads the care team once. Outside a
# request nothing is remembered; any care-team, episode or break-the-glass write forgets all.
_request_memo: ContextVar[dict | None] = ContextVar("tandem_access_request_memo", default=None)


@contextmanager
def decisions_for_one_request() -> Iterator[None]:
    """Remember access facts until the block ends; nothing outlives it."""
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def forget_decisions() -> None:
    """Drop what this request remembered, after a write that can change a decision."""
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


@receiver(post_save, sender=CareTeamMember)
@receiver(post_delete, sender=CareTeamMember)
@receiver(post_save, sender=BreakGlassGrant)
@receiver(post_delete, sender=BreakGlassGrant)
@receiver(post_save, sender=Episode)
@receiver(post_delete, sender=Episode)
def _forget_on_write(**kwargs) -> None:
    forget_decisions()


def _remembered(key: tuple, compute: Callable[[], object]):
    memo = _request_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def on_care_team(user, participant: Participant) -> bool:
    return _remembered(
        ("care_team", user.pk, participant.pk),
        CareTeamMember.objects.filter(
            user=user, ended_on__isnull=True, episode__participant=participant
        ).exists,
    )


def _intake_case(participant: Participant) -> bool:
    return _remembered(
        ("intake_case", participant.pk),
        Episode.objects.filter(participant=participant, status__in=PRE_ADMISSION_STATUSES).exists,
    )


def active_grant(user, participant: Participant) -> BreakGlassGrant | None:
    return _remembered(
        ("grant", user.pk, participant.pk),
        BreakGlassGrant.objects.filter(
            user=user, participant=participant, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first,
    )


def care_ended(participant: Participant) -> bool:
    """Whether the participant left care after admission and has no open episode since."""
    return _remembered(("care_ended", participant.pk), lambda: _care_ended(participant))


def _care_ended(participant: Participant) -> bool:
    statuses = set(
        Episode.objects.filter(participant=participant)
        .exclude(status__in=LEFT_AFTER_ADMISSION_STATUSES, admitted_on__isnull=True)
        .values_list("status", flat=True)
    )
    return bool(statuses & LEFT_AFTER_ADMISSION_STATUSES) and not statuses & OPEN_STATUSES


def _on_team_at_discharge(user, participant: Participant) -> bool:
    """On the care team the day the participant left care (their membership ended then)."""
    return _remembered(
        ("team_at_discharge", user.pk, participant.pk),
        CareTeamMember.objects.filter(
            user=user,
            episode__participant=participant,
            episode__status__in=LEFT_AFTER_ADMISSION_STATUSES,
            ended_on=F("episode__discharged_on"),
        ).exists,
    )


def decide(user, participant: Participant, action: str, scope: Scope) -> Decision:
    """Pure decision (no audit): may this user do this action on this part of the record?

    Within a request the answer is remembered per (user, participant, action, scope).
    """
    key = ("decide", getattr(user, "pk", None), participant.pk, str(action), str(scope))
    return _remembered(
        key,
        lambda: _closed_chart(
            _decide(user, participant, action, scope), participant, action, scope
        ),
    )


def _closed_chart(
    decision: Decision, participant: Participant, action: str, scope: Scope
) -> Decision:
    """After discharge the chart is read-only except the aftercare part: one rule for
    every page, service and API call."""
    if (
        decision.allowed
        and action not in READ_ACTIONS
        and scope in CLOSED_AFTER_DISCHARGE
        and care_ended(participant)
    ):
        return Decision(
            False, decision.role, "the chart is closed after discharge", closed_chart=True
        )
    return decision


def _decide(user, participant: Participant, action: str, scope: Scope) -> Decision:
    if user is None or not user.is_authenticated or not user.is_active:
        return Decision(False, "", "not signed in")
    if user.kind == user.Kind.PARTICIPANT:
        # Participants read their own record and add self-reports to it; staff do the rest.
        own = participant.user_id == user.pk
        allowed = own and (
            action in READ_ACTIONS or (action == Action.CREATE and scope == Scope.CLINICAL)
        )
        return Decision(allowed, "participant", "own record" if own else "not their record")
    roles = roles_in(user, participant.organization_id)
    if not roles:
        return Decision(False, "", "not a member of this participant's organization")
    role_label = ",".join(sorted(roles))
    if action == Action.EXPORT and not roles & (CLINICAL_ROLES | OVERSIGHT_ROLES):
        return Decision(False, role_label, "only clinical staff may export a record")
    for role in sorted(roles):
        if scope in ORGANIZATION_WIDE.get(role, frozenset()):
            return Decision(True, role, f"{role} reaches {scope} for the whole organization")
    clinical_roles = roles & CLINICAL_ROLES
    if clinical_roles and scope != Scope.BILLING:
        if on_care_team(user, participant):
            return Decision(True, role_label, "on the care team")
        if Role.INTAKE in roles and _intake_case(participant):
            return Decision(True, Role.INTAKE, "intake coordinator on a case not yet admitted")
        if (action in READ_ACTIONS or scope == Scope.AFTERCARE) and _on_team_at_discharge(
            user, participant
        ):
            return Decision(True, role_label, "on the care team at discharge")
        grant = active_grant(user, participant)
        if grant is not None:
            return Decision(True, role_label, "break-the-glass", break_glass=grant)
        return Decision(
            False, role_label, "not on this participant's care team", can_break_glass=True
        )
    return Decision(False, role_label, f"the {role_label} role does not reach {scope} data")


def authorize(
    user,
    participant: Participant,
    action: str,
    scope: Scope,
    *,
    record=None,
    details: dict | None = None,
    event_type: str = "",
) -> Decision:
    """Decide and audit; raise AccessDenied (after auditing the refusal) when refused."""
    decision = decide(user, participant, action, scope)
    audit_access(
        user,
        participant,
        action,
        scope,
        decision,
        record=record,
        details=details,
        event_type=event_type,
    )
    if not decision.allowed:
        raise AccessDenied(refusal_message(decision))
    return decision


def refusal_message(decision: Decision) -> str:
    """What a refused person is told: the reason's kind, never who is on the care team."""
    if decision.closed_chart:
        return CLOSED_CHART_MESSAGE
    if decision.can_break_glass:
        return "You are not on this participant's care team."
    return "Your role does not give access to this part of the record."


def audit_access(
    user,
    participant: Participant,
    action: str,
    scope: Scope,
    decision: Decision,
    *,
    record=None,
    details: dict | None = None,
    event_type: str = "",
) -> None:
    """Write the one event for an access already decided (allowed or refused); its type is
    the access itself (`chart.viewed`…) unless the caller names a more precise one."""
    record_event(
        actor=user,
        event_type=event_type or access_event_type(action, scope),
        decision=decision,
        participant=participant,
        record=record,
        record_type="" if record is not None else "participants.Participant",
        record_id="" if record is not None else str(participant.public_id),
        details={"scope": str(scope), **(details or {})},
    )


def require(user, participant: Participant, action: str, scope: Scope) -> Decision:
    """Check a write before its transaction opens; only a refusal is audited here.

    The write itself is audited by the service, inside its transaction, with the
    decision's role and break-glass grant. Call this outside `transaction.atomic()`, or a
    refusal's audit event would roll back with the refused write.
    """
    decision = decide(user, participant, action, scope)
    if not decision.allowed:
        authorize(user, participant, action, scope)
    return decision


def break_the_glass(user, participant: Participant, reason: str) -> BreakGlassGrant:
    """Open time-limited emergency access for a clinician outside the care team."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise InvalidInput(
            "Write the reason for emergency access (at least 10 characters).", field="reason"
        )
    decision = decide(user, participant, Action.VIEW, Scope.CLINICAL)
    if decision.allowed and decision.break_glass is None:
        raise InvalidInput("You already have access to this record; no need to break the glass.")
    if not decision.allowed and not decision.can_break_glass:
        record_event(
            actor=user,
            event_type="break_glass.opened",
            decision=decision,
            participant=participant,
            reason=reason,
        )
        raise AccessDenied("Your role cannot use emergency access to clinical records.")
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=user,
            participant=participant,
            reason=reason,
            expires_at=timezone.now() + timedelta(minutes=settings.TANDEM_BREAK_GLASS_MINUTES),
        )
        record_event(
            actor=user,
            event_type="break_glass.opened",
            decision=decision,
            outcome=Outcome.ALLOWED,
            participant=participant,
            record=grant,
            break_glass=grant,
            details={"expires_at": grant.expires_at.isoformat()},
        )
    return grant


def visible_participants(user) -> QuerySet[Participant]:
    """Participants a staff member may find by search: their organizations' records.

    Search shows identity only (name, record number, date of birth, status); opening any
    part of the chart still goes through `authorize`.
    """
    orgs = [org for org in organizations_of(user) if roles_in(user, org) - {Role.AUDITOR}]
    return Participant.objects.filter(organization_id__in=orgs, entered_in_error_at__isnull=True)


def caseload(user) -> QuerySet[Episode]:
    """Open episodes where the user is on the active care team."""
    return Episode.objects.filter(
        care_team__user=user, care_team__ended_on__isnull=True, status__in=OPEN_STATUSES
    ).distinct()


def holds_listed_role(user, organization_id: int, listed: frozenset[str] | set[str] | list) -> bool:
    """Whether the user holds one of the roles a program's own data lists (for example the
    roles whose notes need a co-signature); the one place such a list meets a user's roles."""
    return bool(roles_in(user, organization_id) & set(listed))


def link_holder_decision(participant: Participant, target: str) -> Decision:
    """Whoever holds a valid single-use link (sent to the participant) may see and answer
    the one target it opens, and nothing else of the record; `links` checks the link first."""
    return Decision(True, "participant", f"single-use link to one {target}")
