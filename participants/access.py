"""The one access policy for participant data.

Every read or write of a participant's data asks `authorize()`, which decides from
organization membership × role × care-team membership × break-the-glass, and writes the
audit event for the access (or for the refusal) in the same transaction.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache, partial
from operator import contains
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from accounts.models import Role, User
from accounts.roles import keep_roles_of, organizations_of, roles_in, staff_roles
from audit.models import Action, Outcome
from audit.services import record_event, record_event_reading
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
from tandem.hooks import Hook


class AboutSomeone(Protocol):
    """A row of a list that names the participant it is about (or no one)."""

    @property
    def participant(self) -> Participant | None: ...


T = TypeVar("T", bound=AboutSomeone)


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
# The licensed clinicians: they sign, diagnose and decide the level of care. Nurses, case
# managers and peer specialists fill in intake sections but do not sign or diagnose.
LICENSED_ROLES = frozenset(
    {Role.DIRECTOR, Role.SUPERVISOR, Role.THERAPIST, Role.COUNSELLOR, Role.PRESCRIBER, Role.INTAKE}
)
# Staff who give care (care teams, groups, individual sessions): not the front desk,
# billing or the auditor.
CARE_ROLES = frozenset(Role.values) - {Role.FRONT_DESK, Role.BILLING, Role.AUDITOR}
READ_ACTIONS = frozenset({Action.VIEW, Action.SEARCH, Action.PRINT, Action.EXPORT})
ANY_ACTION = frozenset({*READ_ACTIONS, Action.CREATE, Action.CHANGE, Action.DELETE})
# Participant decisions: the scopes (and actions on them) a role reaches for every
# participant of its organization, care team or not. Billing reads the schedule for claims
# and never changes it.
ORGANIZATION_WIDE: dict[str, dict[Scope, frozenset[str]]] = {
    Role.DIRECTOR: dict.fromkeys(Scope, ANY_ACTION),
    Role.SUPERVISOR: {
        Scope.DEMOGRAPHICS: ANY_ACTION,
        Scope.SCHEDULE: ANY_ACTION,
        Scope.CLINICAL: ANY_ACTION,
        Scope.AFTERCARE: ANY_ACTION,
    },
    Role.FRONT_DESK: {Scope.DEMOGRAPHICS: ANY_ACTION, Scope.SCHEDULE: ANY_ACTION},
    Role.BILLING: {
        Scope.DEMOGRAPHICS: ANY_ACTION,
        Scope.SCHEDULE: READ_ACTIONS,
        Scope.BILLING: ANY_ACTION,
    },
    Role.AUDITOR: {},
}
# Roles that may open a new referral (create a participant record).
REFERRAL_ROLES = frozenset({Role.DIRECTOR, Role.SUPERVISOR, Role.INTAKE, *CLINICAL_ROLES})
# After discharge the chart is read-only: these parts refuse every write (the aftercare part,
# with the summary's addenda and the follow-ups, stays open) until a new episode opens.
CLOSED_AFTER_DISCHARGE = frozenset({Scope.CLINICAL, Scope.SCHEDULE})
# What staff are told when the closed chart refuses a write (`refusal_message`).
CLOSED_CHART_MESSAGE = (
    "This chart is closed: the participant was discharged. Only addenda to the discharge "
    "summary, the aftercare plan and follow-ups can be added."
)
# What a participant is told instead, in their language, when they send a check-in or a
# questionnaire after their discharge: spoken to them, not about them.
CARE_ENDED_MESSAGE = gettext_noop(
    "Your time in the program has ended, so this can no longer be sent here and was not "
    "kept. If you agreed to hear from the program after you left, it will send you its own "
    "follow-up questions."
)
# The role a decision names for the participant themselves: their own account, or whoever
# holds a single-use link sent to them.
PARTICIPANT_ROLE = "participant"
# Program capabilities: what a role may do for its organization as a whole, or beyond one
# participant's care team. One row per capability; code asks `may`, `require_capability`,
# `holds_anywhere` or `decide_with_capability`, never a role name.
CAPABILITIES: dict[str, frozenset[str]] = {
    # Staff and the audit trail.
    "staff.manage": frozenset({Role.DIRECTOR}),
    # Reads who works for the organization (name, credentials, still working here or not), as
    # FHIR's Practitioner, which a CareTeam and an Encounter name: everyone who reads those,
    # so every role but the auditor, who reads no participant's record over FHIR.
    "staff.read": frozenset(Role.values) - {Role.AUDITOR},
    "audit.read": frozenset({Role.AUDITOR, Role.DIRECTOR}),
    # Finding people and opening records.
    "participants.find": frozenset(Role.values) - {Role.AUDITOR},
    "referral.open": REFERRAL_ROLES,
    "intake.coordinate": frozenset({Role.INTAKE}),
    "record.export": CLINICAL_ROLES | OVERSIGHT_ROLES,
    # Gives a participant their own portal login (an invitation to choose a password), sends
    # a new sign-in link, turns portal access off: the clinicians, intake and oversight, as
    # they reach the record; not the front desk or billing.
    "portal.invite": CLINICAL_ROLES | OVERSIGHT_ROLES,
    # Care: who joins care teams, runs sessions, is a primary clinician, signs and decides.
    "care_team.join": CARE_ROLES,
    "sessions.facilitate": CARE_ROLES,
    "primary_clinician.serve": frozenset(
        {Role.THERAPIST, Role.COUNSELLOR, Role.PRESCRIBER, Role.SUPERVISOR, Role.DIRECTOR}
    ),
    "caseload.hold": CLINICAL_ROLES,
    "clinical.sign": LICENSED_ROLES,
    "diagnosis.record": LICENSED_ROLES,
    "level_of_care.decide": LICENSED_ROLES,
    # Records a participant's consents and their revocations (42 CFR Part 2 consents among
    # them): the clinicians and intake staff who take them, and oversight. Peer specialists,
    # the front desk and billing do not.
    "consent.record": (CLINICAL_ROLES - {Role.PEER}) | OVERSIGHT_ROLES,
    # Reads which consents are on file and whether each is in force (kind, status, dates; never
    # what a Part 2 consent lets be disclosed, or to whom): the front desk before booking a
    # telehealth session and billing before a claim, besides the staff who read the consents.
    "consent.status_read": CLINICAL_ROLES | OVERSIGHT_ROLES | {Role.FRONT_DESK, Role.BILLING},
    # Named as the program's own prescriber of a medication on a participant's list.
    "medication.prescribe": frozenset({Role.PRESCRIBER}),
    # Reviews a drug screen's unexpected result (an unexpected positive or negative, an
    # invalid specimen) for the care team: the clinicians who act on it and oversight.
    "drug_screen.review": frozenset(
        {
            Role.DIRECTOR,
            Role.SUPERVISOR,
            Role.THERAPIST,
            Role.COUNSELLOR,
            Role.PRESCRIBER,
            Role.NURSE,
        }
    ),
    # Adds the drug-screen panels the program uses (its devices' or lab's cut-offs) and
    # retires them: the director, as the program's other settings.
    "drug_screen.panels": frozenset({Role.DIRECTOR}),
    # The program calendar and the weekly schedule (groups, rooms, counts; no participants).
    "calendar.read": OVERSIGHT_ROLES | CLINICAL_ROLES | {Role.FRONT_DESK},
    "calendar.edit": OVERSIGHT_ROLES,
    "schedule.build": frozenset({Role.DIRECTOR}),
    "schedule.publish": frozenset({Role.DIRECTOR}),
    # Sessions and roll calls of the whole organization (a facilitator reaches their own).
    "sessions.list": frozenset(Role.values) - {Role.AUDITOR},
    "roll_call.read": frozenset({Role.DIRECTOR, Role.SUPERVISOR, Role.FRONT_DESK, Role.BILLING}),
    "roll_call.record": frozenset({Role.DIRECTOR, Role.SUPERVISOR, Role.FRONT_DESK}),
    "dose.read": OVERSIGHT_ROLES | CLINICAL_ROLES | {Role.FRONT_DESK},
    # Oversight: census, open critical alerts, the program's arrivals.
    "program.oversee": OVERSIGHT_ROLES,
    "arrivals.today": frozenset({Role.FRONT_DESK}),
    # Treatment plans: licensed clinicians sign them and record reviews; supervisors co-sign;
    # the director sets the program's plan rules and modality list.
    "plan.sign": frozenset(
        {Role.DIRECTOR, Role.SUPERVISOR, Role.THERAPIST, Role.COUNSELLOR, Role.PRESCRIBER}
    ),
    "plan.cosign": frozenset({Role.DIRECTOR, Role.SUPERVISOR}),
    "plan.settings": frozenset({Role.DIRECTOR}),
    "plan.board": frozenset({Role.DIRECTOR, Role.SUPERVISOR}),
    # Writing and signing progress and group notes: clinical staff and oversight.
    "note.sign": (CLINICAL_ROLES - {Role.INTAKE}) | OVERSIGHT_ROLES,
    # Co-signing the notes the program marks as needing it; the notes-due board.
    "note.cosign": OVERSIGHT_ROLES,
    # The program's note settings: due time, co-signature list, formats.
    "note.settings": frozenset({Role.DIRECTOR}),
    # Starts a FHIR bulk export of a program's participants for the program's own reporting
    # warehouse (docs/fhir.md): every record of everyone at once, so only the director, who
    # answers for the program's data, to start with.
    "fhir.bulk_export": frozenset({Role.DIRECTOR}),
    # The program outcomes board: aggregates only, for those who run the program.
    "outcomes.read": frozenset({Role.DIRECTOR}),
    # Sees every task of the organization (the overdue board) and acts on any of them.
    "worklist.oversee": frozenset({Role.DIRECTOR, Role.SUPERVISOR}),
    # Keeps the program's resource directory (adds local services).
    "casemanagement.resources": frozenset({Role.DIRECTOR, Role.SUPERVISOR, Role.CASE_MANAGER}),
    "measurement.configure": frozenset({Role.DIRECTOR}),
    "measurement.completion": frozenset({Role.DIRECTOR, Role.SUPERVISOR}),
    # Billing: the service days to bill and their export (`billing.read`), and the program's
    # list of payers (`billing.write`): the billing role and the director, who reach every
    # participant's billing part. A participant's coverage is their BILLING scope, decided by
    # the participant rule, so clinicians neither read member ids nor change them.
    "billing.read": frozenset({Role.DIRECTOR, Role.BILLING}),
    "billing.write": frozenset({Role.DIRECTOR, Role.BILLING}),
    # Records a physician's Medicare IOP certification on the Billing tab (and withdraws one
    # entered in error): only roles that may sign clinically; billing reads it there. Who
    # certifies is chosen among the staff holding `clinical.sign`.
    "billing.certify": LICENSED_ROLES,
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


def holds_anywhere(user, capability: str) -> bool:
    """Whether a staff member holds a capability in any of their organizations (links and
    program pages; a write still asks `require_capability` for its own organization)."""
    return bool(staff_roles(user) & CAPABILITIES[capability])


def organizations_with(user, capability: str) -> list[int]:
    """The organizations where a staff member holds a capability."""
    if not uses_staff_pages(user):
        return []
    granting = CAPABILITIES[capability]
    return [org for org in organizations_of(user) if roles_in(user, org) & granting]


def roles_grant(roles: Iterable[str], capability: str) -> bool:
    """Whether a set of roles someone is about to hold grants a capability (a change of a
    member of staff's roles that must leave someone managing staff)."""
    return bool(set(roles) & CAPABILITIES[capability])


def _holding(capability: str, organization_ids: list[int]) -> QuerySet[User]:
    """The open accounts holding a capability in these organizations through a role still
    held, a row for each membership granting it: the one reader of who holds what where."""
    return User.objects.filter(
        is_active=True,
        memberships__organization_id__in=organization_ids,
        memberships__is_active=True,
        memberships__role__in=CAPABILITIES[capability],
    )


def staff_holding(capability: str, organization_id: int) -> QuerySet[User]:
    """The open accounts holding a capability in an organization through a role still held,
    by name: whom a picker offers (facilitators, care-team members, primary clinicians) and
    to whom the program's oversight falls."""
    return (
        _holding(capability, [organization_id]).distinct().order_by("last_name", "first_name", "pk")
    )


def staff_holding_by_organization(
    capability: str, organization_ids: Iterable[int]
) -> dict[int, list[User]]:
    """`staff_holding` for several organizations in one query, by organization (a sweep
    handing each organization's cases with no one on them to its oversight)."""
    found: dict[int, list[User]] = {}
    rows = (
        _holding(capability, list(organization_ids))
        .annotate(held_in=F("memberships__organization_id"))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    for user in rows:
        found.setdefault(user.held_in, []).append(user)
    return found


def page_rule(capability: str) -> PageRule:
    """A `register_page` rule: the page opens for staff holding this capability anywhere."""
    return lambda user: holds_anywhere(user, capability)


# What a staff member's home page shows, each section with the capability that brings it.
HOME_SECTIONS: dict[str, tuple[str, ...]] = {
    "census": ("program.oversee",),
    "critical_alerts": ("program.oversee",),
    "referrals": ("program.oversee", "intake.coordinate"),
    "under_dosed": ("program.oversee",),
    "today": ("arrivals.today",),
    "caseload": ("caseload.hold",),
    "billing": ("billing.read",),
}


def home_sections(user) -> set[str]:
    """What a staff member's home page shows: program oversight (census, critical alerts,
    referrals waiting, under-dosed participants), the referral queue for intake, today's
    sessions and arrivals for the front desk, a caseload for clinical staff, and last week's
    service days to bill for billing."""
    return {
        section
        for section, capabilities in HOME_SECTIONS.items()
        if any(holds_anywhere(user, c) for c in capabilities)
    }


def section_organizations(user, section: str) -> list[int]:
    """The organizations whose part of a home section the user is shown: those where a role
    of theirs brings the section (a coordinator of intake here and a therapist elsewhere
    sees this organization's referrals, not the other's)."""
    return sorted(
        {
            org
            for capability in HOME_SECTIONS[section]
            for org in organizations_with(user, capability)
        }
    )


register_page("home", _signed_in)
register_page("participants:search", page_rule("participants.find"))
register_page("participants:new", page_rule("referral.open"))


def may(user, capability: str, organization_id: int) -> bool:
    """Whether this user holds a program capability in an organization."""
    return capability_decision(user, capability, organization_id).allowed


def capability_decision(user, capability: str, organization_id: int) -> Decision:
    """Pure decision (no audit) on a program capability, from the CAPABILITIES rows."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Decision(False, "", "not signed in")
    if not uses_staff_pages(user):
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
    user,
    capability: str,
    organization_ids: list[int],
    *,
    event_type: str = "",
    record=None,
    participant: Participant | None = None,
    refusal: str = "Your role does not allow this.",
) -> Decision:
    """Allow when the user holds the capability in one of these organizations; otherwise
    audit the refusal (as `event_type`, refused, when one is named, on `participant` when the
    capability is asked for one person's record) and raise AccessDenied with `refusal`.

    Call this outside the service's transaction, so the refusal's event is kept.
    """
    decisions = [capability_decision(user, capability, org) for org in organization_ids]
    for decision in decisions:
        if decision.allowed:
            return decision
    refused = next(
        (d for d in decisions if d.role),
        decisions[0] if decisions else Decision(False, "", "no organization in common"),
    )
    if event_type:
        record_event(
            actor=user,
            event_type=event_type,
            decision=refused,
            record=record,
            participant=participant,
            details={"capability": capability},
        )
    raise AccessDenied(refusal)


# Facts and decisions remembered for the length of one request (see RequestDecisions), so a
# page that asks about one participant several times reads the care team once. Outside a
# request nothing is remembered; every service that writes a care team, an episode or a
# break-the-glass grant (`participants.services`, `break_the_glass`) forgets all in its write.
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


def _remembered(key: tuple, compute: Callable[[], object]):
    memo = _request_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def on_care_team(user, participant: Participant) -> bool:
    return _remembered(
        ("care_team", user.pk, participant.pk), lambda: _on_care_team(user, participant)
    )


def _on_care_team(user, participant: Participant) -> bool:
    read = getattr(participant, "_prefetched_objects_cache", {}).get("episodes")
    if read is not None:
        teams = [getattr(e, "_prefetched_objects_cache", {}).get("care_team") for e in read]
        if all(team is not None for team in teams):
            # The page read the chart header's episodes and care teams already: no query.
            return any(
                m.user_id == user.pk and m.ended_on is None for team in teams for m in team or []
            )
    return CareTeamMember.objects.filter(
        user=user, ended_on__isnull=True, episode__participant=participant
    ).exists()


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
    read = getattr(participant, "_prefetched_objects_cache", {}).get("episodes")
    if read is not None:  # the page has read the episodes already (the chart header)
        return _left_care((e.status, e.admitted_on) for e in read)
    return participant.pk in _care_ended_among([participant.pk])


def _left_care(episodes: Iterable[tuple[str, date | None]]) -> bool:
    """Given a participant's episodes (status, admission date), leaving aside those who left
    before admission: whether they left care after admission with no open episode since."""
    statuses = {
        status
        for status, admitted_on in episodes
        if not (status in LEFT_AFTER_ADMISSION_STATUSES and admitted_on is None)
    }
    return bool(statuses & LEFT_AFTER_ADMISSION_STATUSES and not statuses & OPEN_STATUSES)


def _care_ended_among(participant_ids: list[int]) -> set[int]:
    """Of these participants, those who left care after admission with no open episode since."""
    episodes: dict[int, list[tuple[str, date | None]]] = {pk: [] for pk in participant_ids}
    for pk, status, admitted_on in Episode.objects.filter(
        participant_id__in=participant_ids
    ).values_list("participant_id", "status", "admitted_on"):
        episodes[pk].append((status, admitted_on))
    return {pk for pk, seen in episodes.items() if _left_care(seen)}


def _on_team_at_discharge(user, participant: Participant) -> bool:
    """On the care team the day the participant left care (their membership ended then, with
    the stay: not taken off the team by hand, nor replaced, that day)."""
    return _remembered(
        ("team_at_discharge", user.pk, participant.pk),
        CareTeamMember.objects.filter(
            user=user,
            episode__participant=participant,
            episode__status__in=LEFT_AFTER_ADMISSION_STATUSES,
            ended_on=F("episode__discharged_on"),
        )
        .filter(CareTeamMember.ended_with_the_stay())
        .exists,
    )


def decide(
    user, participant: Participant, action: str, scope: Scope, *, addendum: bool = False
) -> Decision:
    """Pure decision (no audit): may this user do this action on this part of the record?

    `addendum` marks a change that adds an addendum to a signed record (never changing it):
    allowed after discharge, to the care team at discharge too.
    Within a request the answer is remembered per (user, participant, action, scope).
    """
    key = ("decide", getattr(user, "pk", None), participant.pk, str(action), str(scope), addendum)
    return _remembered(
        key,
        lambda: _closed_chart(
            _rule(
                user,
                participant,
                action,
                scope,
                _Facts(
                    on_team=lambda: on_care_team(user, participant),
                    intake_case=lambda: _intake_case(participant),
                    team_at_discharge=lambda: _on_team_at_discharge(user, participant),
                    grant=lambda: active_grant(user, participant),
                ),
                addendum=addendum,
            ),
            action,
            scope,
            ended=lambda: care_ended(participant),
            addendum=addendum,
        ),
    )


def _closed_chart(
    decision: Decision,
    action: str,
    scope: Scope,
    *,
    ended: Callable[[], bool],
    addendum: bool = False,
) -> Decision:
    """After discharge the chart is read-only except the aftercare part and addenda to
    signed records: one rule for every page, service and API call."""
    if (
        decision.allowed
        and not addendum
        and action not in READ_ACTIONS
        and scope in CLOSED_AFTER_DISCHARGE
        and ended()
    ):
        return Decision(
            False, decision.role, "the chart is closed after discharge", closed_chart=True
        )
    return decision


def reaches_whole_organization(user, organization_id: int, action: str, scope: Scope) -> bool:
    """Whether `decide` allows this action on this part of every record of the organization
    by the user's role alone (directors, supervisors), so a list can be paged in SQL."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not uses_staff_pages(user) or action not in READ_ACTIONS - {Action.EXPORT}:
        return False
    return any(
        action in ORGANIZATION_WIDE.get(role, {}).get(scope, frozenset())
        for role in roles_in(user, organization_id)
    )


def decide_many(
    user, participants: Iterable[Participant], action: str, scope: Scope
) -> dict[int, Decision]:
    """`decide` for a list (a week's roster, a session's enrolments), by participant pk.

    The same rule as `decide` (care team, intake case, care team at discharge,
    break-the-glass, the closed chart), with every fact read in one query for the whole list
    instead of queries per participant. Within a request a participant already decided
    (by `decide` or an earlier list) is not asked again, so the panels of one page that
    list the same people read their facts once.
    """
    people = {p.pk: p for p in participants}
    if user is None or not user.is_authenticated or not user.is_active:
        return {pk: Decision(False, "", "not signed in") for pk in people}
    memo = _request_memo.get()
    known: dict[int, Decision] = {}
    if memo is not None:
        for pk in people:
            found = memo.get(("decide", user.pk, pk, str(action), str(scope), False))
            if found is not None:
                known[pk] = found
    people = {pk: p for pk, p in people.items() if pk not in known}
    asking = [
        p
        for p in people.values()
        if uses_staff_pages(user) and roles_in(user, p.organization_id) & CLINICAL_ROLES
    ]
    facts = _facts_of(user, asking, action, scope)
    ended: set[int] = set()
    if people and action not in READ_ACTIONS and scope in CLOSED_AFTER_DISCHARGE:
        ended = _care_ended_among(list(people))
    decisions = {
        pk: _closed_chart(
            _rule(user, p, action, scope, facts.get(pk, _NO_FACTS)),
            action,
            scope,
            ended=partial(contains, ended, pk),
        )
        for pk, p in people.items()
    }
    if memo is not None:
        for pk, decision in decisions.items():
            memo.setdefault(("decide", user.pk, pk, str(action), str(scope), False), decision)
    return {**known, **decisions}


def decide_for_staff(
    users: Iterable, participant: Participant, action: str, scope: Scope
) -> dict[int, Decision]:
    """`decide` for one participant and a list of people (whom a discharge may hand an item
    to), by user pk: the same rule, with everyone's roles read in one query and the facts
    about this participant for all of them in one more (a third when someone holds a
    break-the-glass grant). Within a request the decisions are remembered as `decide`'s."""
    people = {u.pk: u for u in users}
    keep_roles_of(people.values())
    asking = [
        u
        for u in people.values()
        if u.is_active
        and uses_staff_pages(u)
        and roles_in(u, participant.organization_id) & CLINICAL_ROLES
    ]
    facts = _facts_for_staff(asking, participant, action, scope)
    decisions = {
        pk: _closed_chart(
            _rule(u, participant, action, scope, facts.get(pk, _NO_FACTS)),
            action,
            scope,
            ended=lambda: care_ended(participant),
        )
        for pk, u in people.items()
    }
    memo = _request_memo.get()
    if memo is not None:
        for pk, decision in decisions.items():
            memo.setdefault(
                ("decide", pk, participant.pk, str(action), str(scope), False), decision
            )
    return decisions


def _facts_for_staff(
    asking: list, participant: Participant, action: str, scope: Scope
) -> dict[int, "_Facts"]:
    """The participant rule's facts for these clinicians and one participant."""
    if not asking:
        return {}
    return _facts_read(
        User.objects.filter(pk__in=[u.pk for u in asking]),
        user=OuterRef("pk"),
        participant=participant,
        intake=any(Role.INTAKE in roles_in(u, participant.organization_id) for u in asking),
        at_discharge=action in READ_ACTIONS or scope == Scope.AFTERCARE,
    )


def _may_hold(user, decision: Decision) -> bool:
    """Whether a decision lets someone be given a participant's item to act on: a staff
    member (the participant's own account reads the record, it does not work it) who opens
    the record themselves, not through a break-the-glass grant, which is for one emergency
    look and lapses, leaving the item with someone who cannot open it."""
    return uses_staff_pages(user) and decision.allowed and decision.break_glass is None


def may_take_over(user, participant: Participant) -> bool:
    """May this staff member be handed this participant's item (a task, an alert, a barrier
    or a referral to follow up): they can open the clinical record themselves (the care
    team, the program's oversight). The one question every hand-over and owner asks."""
    return user is not None and _may_hold(
        user, decide(user, participant, Action.VIEW, Scope.CLINICAL)
    )


def who_may_take_over(users: Iterable, participant: Participant) -> set[int]:
    """`may_take_over` for several people and one participant (whom a discharge offers to
    hand items to, the people it names): the pks of those who may, decided at once
    (`decide_for_staff`)."""
    people = {u.pk: u for u in users}
    decisions = decide_for_staff(people.values(), participant, Action.VIEW, Scope.CLINICAL)
    return {pk for pk, decision in decisions.items() if _may_hold(people[pk], decision)}


def may_take_over_for(user, participants: Iterable[Participant]) -> set[int]:
    """`may_take_over` for one person and several participants (the daily return asks it
    of each owner's tasks): the pks of the participants whose items they may hold, decided
    at once (`decide_many`)."""
    decisions = decide_many(user, participants, Action.VIEW, Scope.CLINICAL)
    return {pk for pk, decision in decisions.items() if _may_hold(user, decision)}


def viewable(user, rows: Iterable[T], scope: Scope = Scope.CLINICAL) -> list[T]:
    """The rows of a list (alerts, tasks, notes) whose participant the user may view, in
    their order, decided for the whole list at once (`decide_many`); a row about no one
    (a program's task) stays."""
    rows = list(rows)
    decisions = decide_many(
        user, [r.participant for r in rows if r.participant is not None], Action.VIEW, scope
    )
    return [r for r in rows if r.participant is None or decisions[r.participant.pk].allowed]


def _facts_of(user, asking: list[Participant], action: str, scope: Scope) -> dict[int, "_Facts"]:
    """The participant rule's facts for a clinician and these participants."""
    if not asking:
        return {}
    return _facts_read(
        Participant.objects.filter(pk__in=[p.pk for p in asking]),
        user=user,
        participant=OuterRef("pk"),
        intake=any(Role.INTAKE in roles_in(user, p.organization_id) for p in asking),
        at_discharge=action in READ_ACTIONS or scope == Scope.AFTERCARE,
    )


def _facts_read(
    rows: QuerySet,
    *,
    user: Any,
    participant: Any,
    intake: bool,
    at_discharge: bool,
) -> dict[int, "_Facts"]:
    """The rule's facts for each of `rows` (staff or participants) by its pk, in one query (a
    second only when someone holds a break-the-glass grant): `user` and `participant` are each
    a value or `OuterRef("pk")`, the row's own, so one statement serves both batch forms."""
    read = list(
        rows.values_list(
            "pk",
            Exists(
                CareTeamMember.objects.filter(
                    user=user, ended_on__isnull=True, episode__participant=participant
                )
            ),
            Exists(
                Episode.objects.filter(participant=participant, status__in=PRE_ADMISSION_STATUSES)
            )
            if intake
            else Value(False),
            Exists(
                CareTeamMember.objects.filter(
                    user=user,
                    episode__participant=participant,
                    episode__status__in=LEFT_AFTER_ADMISSION_STATUSES,
                    ended_on=F("episode__discharged_on"),
                ).filter(CareTeamMember.ended_with_the_stay())
            )
            if at_discharge
            else Value(False),
            Subquery(
                BreakGlassGrant.objects.filter(
                    user=user, participant=participant, expires_at__gt=timezone.now()
                )
                .order_by("-expires_at", "-pk")
                .values("pk")[:1]
            ),
        )
    )
    grants = BreakGlassGrant.objects.in_bulk([g for *_, g in read if g is not None])
    return {
        pk: _Facts(
            on_team=partial(bool, on_team),
            intake_case=partial(bool, intake_case),
            team_at_discharge=partial(bool, discharged_team),
            grant=partial(grants.get, grant),
        )
        for pk, on_team, intake_case, discharged_team, grant in read
    }


@dataclass(frozen=True)
class _Facts:
    """What the participant rule may ask about one staff member and one participant, each
    read only when the rule asks (a query for a single decision, a set lookup for a batch)."""

    on_team: Callable[[], bool]
    intake_case: Callable[[], bool]
    team_at_discharge: Callable[[], bool]
    grant: Callable[[], BreakGlassGrant | None]


# No fact in the staff member's favour (a role that asks none, a list's participant the
# facts were not read for, or what a role reaches by itself).
_NO_FACTS = _Facts(
    on_team=lambda: False,
    intake_case=lambda: False,
    team_at_discharge=lambda: False,
    grant=lambda: None,
)


# Every fact the rule may ask in the staff member's favour but a break-the-glass grant: what
# their roles can be allowed on some record of the organization.
_ON_THE_TEAM = _Facts(
    on_team=lambda: True,
    intake_case=lambda: True,
    team_at_discharge=lambda: True,
    grant=lambda: None,
)


def organizations_where_possible(user, action: str, scope: Scope) -> list[int]:
    """The organizations where the participant rule can allow this staff member `action` on
    `scope` of some record, on its care team if that is what the rule asks: what a list asks
    before any participant is named (the drug-screen panels a client may record on). Each
    record is still decided on its own when it is written."""
    return [
        org
        for org in organizations_of(user)
        if _possible(frozenset(roles_in(user, org)), action, scope)
    ]


@cache
def _possible(roles: frozenset[str], action: str, scope: Scope) -> bool:
    return bool(roles) and _staff_rule(roles, action, scope, _ON_THE_TEAM).allowed


def _rule(
    user,
    participant: Participant,
    action: str,
    scope: Scope,
    facts: _Facts,
    *,
    addendum: bool = False,
) -> Decision:
    """The participant rule, given the facts it may need (read lazily, in the order asked).
    The care team at discharge keeps reading the chart, the aftercare part and adding
    addenda to signed records."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Decision(False, "", "not signed in")
    if uses_portal(user):
        # Participants read their own record and add self-reports to it; staff do the rest.
        own = participant.user_id == user.pk
        allowed = own and (
            action in READ_ACTIONS or (action == Action.CREATE and scope == Scope.CLINICAL)
        )
        return Decision(allowed, PARTICIPANT_ROLE, "own record" if own else "not their record")
    roles = roles_in(user, participant.organization_id)
    if not roles:
        return Decision(False, "", "not a member of this participant's organization")
    return _staff_rule(frozenset(roles), action, scope, facts, addendum=addendum)


def _staff_rule(
    roles: frozenset[str], action: str, scope: Scope, facts: _Facts, *, addendum: bool = False
) -> Decision:
    """The participant rule for the roles a staff member holds in the participant's
    organization."""
    role_label = ",".join(sorted(roles))
    if action == Action.EXPORT and not roles & CAPABILITIES["record.export"]:
        return Decision(False, role_label, "only clinical staff may export a record")
    read_only = ""
    for role in sorted(roles):
        reach = ORGANIZATION_WIDE.get(role, {}).get(scope, frozenset())
        if action in reach:
            return Decision(True, role, f"{role} reaches {scope} for the whole organization")
        if reach:
            read_only = role
    clinical_roles = roles & CLINICAL_ROLES
    if clinical_roles and scope != Scope.BILLING:
        if facts.on_team():
            return Decision(True, role_label, "on the care team")
        if Role.INTAKE in roles and facts.intake_case():
            return Decision(True, Role.INTAKE, "intake coordinator on a case not yet admitted")
        if (
            action in READ_ACTIONS or scope == Scope.AFTERCARE or addendum
        ) and facts.team_at_discharge():
            return Decision(True, role_label, "on the care team at discharge")
        found = facts.grant()
        if found is not None:
            return Decision(True, role_label, "break-the-glass", break_glass=found)
        return Decision(
            False, role_label, "not on this participant's care team", can_break_glass=True
        )
    if read_only:
        return Decision(False, read_only, f"{read_only} reads {scope} data; it does not change it")
    return Decision(False, role_label, f"the {role_label} role does not reach {scope} data")


def scopes_reached_by_role(user) -> frozenset[Scope]:
    """The parts of a record this staff member's roles let them read on every record of each
    of their organizations, with no fact about the participant (care team, intake case,
    grant). What a page reads before the policy decides for one participant (the chart
    header's flags, read with the participant in one round trip, of their organizations'
    participants only) is limited to these, so a reader the policy then refuses (a clinician
    off the care team, staff of another organization) has read nothing of that part; what
    the care team reaches is read once the decision allows it."""
    organizations = organizations_of(user)
    if not organizations:
        return frozenset()
    return frozenset.intersection(
        *(_reach(frozenset(roles_in(user, org))) for org in organizations)
    )


@cache
def _reach(roles: frozenset[str]) -> frozenset[Scope]:
    """The scopes the participant rule lets these roles read with no fact in their favour."""
    return frozenset(
        scope for scope in Scope if _staff_rule(roles, Action.VIEW, scope, _NO_FACTS).allowed
    )


def decide_with_capability(
    user, participant: Participant, capability: str, action: str, scope: Scope
) -> Decision:
    """A participant decision that also needs a program capability (signing an intake,
    recording a diagnosis or a level-of-care decision): both must allow."""
    decision = decide(user, participant, action, scope)
    if decision.allowed and not may(user, capability, participant.organization_id):
        return Decision(
            False, decision.role, f"the {decision.role} role does not hold {capability}"
        )
    return decision


def require_with_capability(
    user,
    participant: Participant,
    capability: str,
    action: str,
    scope: Scope,
    *,
    refusal: str = "",
    addendum: bool = False,
) -> Decision:
    """`require` for a write that also needs a program capability; a refusal is audited
    and told with `refusal` when the capability (not the record) is what is missing."""
    decision = require(user, participant, action, scope, addendum=addendum)
    if not may(user, capability, participant.organization_id):
        missing = Decision(
            False, decision.role, f"the {decision.role} role does not hold {capability}"
        )
        audit_access(user, participant, action, scope, missing, details={"why": missing.why})
        raise AccessDenied(refusal or refusal_message(missing))
    return decision


FACILITATOR_REASON = "facilitator of this session"


@dataclass(frozen=True)
class RollCallAccess:
    """What a user may do on one session's roll call, and why (for the audit trail)."""

    can_view: bool
    can_record: bool
    facilitator: bool
    role: str
    why: str


def roll_call_access(user, session) -> RollCallAccess:
    """A session's facilitators take its roll call and reach every participant on it (a
    group's facilitator is often on few of its members' care teams); roles holding
    `roll_call.record` take any roll call of their organization; `roll_call.read` reads it."""
    if not uses_staff_pages(user):
        return RollCallAccess(False, False, False, "", "not a staff member")
    organization_id = session.program.organization_id
    roles = roles_in(user, organization_id)
    if not roles:
        return RollCallAccess(False, False, False, "", "not a member of this organization")
    label = ",".join(sorted(roles))
    if session.staff.filter(pk=user.pk).exists():
        return RollCallAccess(True, True, True, label, FACILITATOR_REASON)
    recording = capability_decision(user, "roll_call.record", organization_id)
    if recording.allowed:
        return RollCallAccess(
            True, True, False, recording.role, f"{recording.role} reaches the whole schedule"
        )
    if may(user, "roll_call.read", organization_id):
        return RollCallAccess(True, False, False, label, "reads attendance for the organization")
    return RollCallAccess(False, False, False, label, "neither a facilitator nor a schedule role")


def roll_call_row(
    user, session, participant: Participant, action: str, *, access: RollCallAccess
) -> Decision:
    """Decide one participant row of a session: its facilitators reach every row; anyone
    else needs the participant's SCHEDULE decision."""
    if participant.organization_id != session.program.organization_id:
        return Decision(False, access.role, "participant of another organization")
    if access.facilitator:
        return Decision(True, access.role, FACILITATOR_REASON)
    return decide(user, participant, action, Scope.SCHEDULE)


def roll_call_rows(
    user, session, participants: Iterable[Participant], action: str, *, access: RollCallAccess
) -> dict[int, Decision]:
    """`roll_call_row` for a page of a roll call, by participant pk: the SCHEDULE decisions
    anyone but a facilitator needs are read once for the page (`decide_many`)."""
    people = list(participants)
    decisions = (
        {}
        if access.facilitator
        else decide_many(
            user,
            [p for p in people if p.organization_id == session.program.organization_id],
            action,
            Scope.SCHEDULE,
        )
    )
    return {
        p.pk: decisions[p.pk]
        if p.pk in decisions
        else roll_call_row(user, session, p, action, access=access)
        for p in people
    }


def require_roll_call_row(
    user, session, participant: Participant, action: str, *, access: RollCallAccess
) -> Decision:
    """Check a row write before its transaction opens; only a refusal is audited here."""
    decision = roll_call_row(user, session, participant, action, access=access)
    if not decision.allowed:
        audit_access(user, participant, action, Scope.SCHEDULE, decision)
        raise AccessDenied(refusal_message(decision))
    return decision


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
    """What a refused person is told: the reason's kind, never who is on the care team. A
    participant refused by the closed chart is told in their own words and language that
    their stay has ended; staff read what is still open on the chart."""
    if decision.closed_chart:
        if decision.role == PARTICIPANT_ROLE:
            return gettext(CARE_ENDED_MESSAGE)
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
    reading: str = "",
) -> tuple | None:
    """Write the one event for an access already decided (allowed or refused); its type is
    the access itself (`chart.viewed`…) unless the caller names a more precise one.
    `reading`: a read the access allows, sent with the event in one round trip where the
    database allows it (`audit.services.record_event_reading`); the row it read, or None."""
    _, found = record_event_reading(
        reading,
        actor=user,
        event_type=event_type or access_event_type(action, scope),
        decision=decision,
        participant=participant,
        record=record,
        record_type="" if record is not None else "participants.Participant",
        record_id="" if record is not None else str(participant.public_id),
        details={"scope": str(scope), **(details or {})},
    )
    return found


def require(
    user, participant: Participant, action: str, scope: Scope, *, addendum: bool = False
) -> Decision:
    """Check a write before its transaction opens; only a refusal is audited here.

    The write itself is audited by the service, inside its transaction, with the
    decision's role and break-glass grant. Call this outside `transaction.atomic()`, or a
    refusal's audit event would roll back with the refused write. `addendum`: the write
    adds an addendum to a signed record (see `decide`).
    """
    decision = decide(user, participant, action, scope, addendum=addendum)
    if not decision.allowed:
        audit_access(user, participant, action, scope, decision)
        raise AccessDenied(refusal_message(decision))
    return decision


def care_team_change(user, participant: Participant) -> Decision:
    """May this user change the participant's care team (put someone on it, take someone
    off it): whoever may change the clinical record, the care team and the program's
    oversight; after discharge the closed chart refuses it."""
    return decide(user, participant, Action.CHANGE, Scope.CLINICAL)


def require_care_team_change(user, participant: Participant) -> Decision:
    """`care_team_change` before a care-team write's transaction opens; a refusal is
    audited here (see `require`)."""
    return require(user, participant, Action.CHANGE, Scope.CLINICAL)


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
        forget_decisions()
    return grant


def visible_participants(user) -> QuerySet[Participant]:
    """Participants a staff member may find by search: their organizations' records.

    Search shows identity only (name, record number, date of birth, status); opening any
    part of the chart still goes through `authorize`.
    """
    orgs = organizations_with(user, "participants.find")
    return Participant.objects.filter(organization_id__in=orgs, entered_in_error_at__isnull=True)


def own_records(user: Any) -> QuerySet[Participant]:
    """The record a participant's own account signs them in to: never one entered in error,
    which has left every page (portal, check-in, questionnaires, plan, safety plan)."""
    return Participant.objects.filter(user=user, entered_in_error_at__isnull=True)


def uses_portal(user: Any) -> bool:
    """Whether this account uses the portal as a participant: a participant's account, with a
    record of its own or not yet (or no longer, the one it had entered in error), which every
    portal page answers the same way; a staff account or a support person's never does, and
    goes to its own home."""
    return user is not None and user.is_authenticated and user.kind == user.Kind.PARTICIPANT


def uses_staff_pages(user: Any) -> bool:
    """Whether this account is a staff member's: it uses the staff pages (search, charts,
    schedules, notes) and may own tasks, prescribe or collect a screen; a participant's or a
    support person's account never does, whatever else it holds, and goes to its own home."""
    return user is not None and user.is_authenticated and user.kind == user.Kind.STAFF


def beyond_reach(user: Any, organization_id: int) -> bool:
    """Whether a staff member holds no role in this organization, so no rule (care team,
    intake case, break-the-glass) could ever open its records to them. An address naming such
    a record answers as one naming nothing (404, the refusal audited): the answer never tells
    staff of another organization that the record exists. Within their own organization a
    refusal stays a 403, which offers break-the-glass where it may be used."""
    return not roles_in(user, organization_id)


def uses_support_pages(user: Any) -> bool:
    """Whether this account is a support person's: it sees only what a participant's Part 2
    consent naming them shares (`shared_with_support`), never a chart or the portal."""
    return user is not None and user.is_authenticated and user.kind == user.Kind.SUPPORT


# What a Part 2 consent may share with a support person, and nothing else: the participant's
# upcoming session times, this week's attendance, and how to reach the program.
SUPPORT_SCHEDULE = "schedule"
SUPPORT_ATTENDANCE = "attendance"
SUPPORT_CONTACT = "contact"
SUPPORT_CATEGORIES = (SUPPORT_SCHEDULE, SUPPORT_ATTENDANCE, SUPPORT_CONTACT)
# hook(user, today) -> {participant pk: categories}: the consents in force naming the account's
# support person, on `today` (the program's date when None), as the module keeping them reads.
SupportShares = Callable[[Any, date | None], dict[int, frozenset[str]]]
SUPPORT_SHARES: Hook[SupportShares] = Hook("participants.support_shares")


def shared_with_support(user: Any, *, today: date | None = None) -> dict[int, frozenset[str]]:
    """The participants a support person's account may see, each with the categories of
    `SUPPORT_CATEGORIES` shared: only while a Part 2 consent naming them is in force (the
    consent's own status rule), so a revocation or an expiry ends it at once. Any other
    account gets nothing."""
    if not uses_support_pages(user):
        return {}
    shared: dict[int, frozenset[str]] = {}
    for shares in SUPPORT_SHARES.implementations():
        for participant_id, categories in shares(user, today).items():
            allowed = frozenset(categories) & frozenset(SUPPORT_CATEGORIES)
            shared[participant_id] = shared.get(participant_id, frozenset()) | allowed
    return {pk: categories for pk, categories in shared.items() if categories}


def own_record(user: Any) -> Participant | None:
    """The record this account opens as its own on the portal (their plan, their discharge
    summary): a participant's, as the rule lets them read it; a staff account has none, as it
    reaches records through the rule, never as its own."""
    if not uses_portal(user):
        return None
    return own_records(user).first()


def holds_caseload(user) -> bool:
    """Whether the user holds a clinical role anywhere, without which `caseload(user)` is
    empty: a page can say so without building the caseload's query (a director's home)."""
    return holds_anywhere(user, "caseload.hold")


def caseload(user) -> QuerySet[Episode]:
    """Open episodes where the user is on the active care team, in the organizations where
    they still hold a clinical role: a care-team row outlives a role that ended, and the
    rule reaches a participant through the care team only with such a role."""
    return Episode.objects.filter(
        care_team__user=user,
        care_team__ended_on__isnull=True,
        status__in=OPEN_STATUSES,
        participant__organization_id__in=organizations_with(user, "caseload.hold"),
    ).distinct()


def holds_listed_role(user, organization_id: int, listed: frozenset[str] | set[str] | list) -> bool:
    """Whether the user holds one of the roles a program's own data lists (for example the
    roles whose notes need a co-signature); the one place such a list meets a user's roles."""
    return bool(roles_in(user, organization_id) & set(listed))


def link_holder_decision(
    participant: Participant, target: str, scope: Scope = Scope.CLINICAL, *, storing: bool = False
) -> Decision:
    """Whoever holds a valid single-use link (sent to the participant) may see and answer
    the one target it opens, and nothing else of the record; `links` checks the link first.
    The answer is written to `scope`, so after discharge the closed chart refuses it as it
    refuses the participant's own account (a follow-up questionnaire's aftercare part stays
    open). `storing` asks again inside the transaction that stores the answer, with the
    stay read afresh under a lock (`care_ended_locked`)."""
    return _closed_chart(
        Decision(True, PARTICIPANT_ROLE, f"single-use link to one {target}"),
        Action.CREATE,
        scope,
        ended=(lambda: care_ended_locked(participant))
        if storing
        else (lambda: care_ended(participant)),
    )


def care_ended_locked(participant: Participant) -> bool:
    """`care_ended`, read afresh with the participant's episodes locked until the caller's
    transaction ends. The discharge locks the episode it ends: one that committed since the
    caller first asked is seen here, one under way is waited for and then seen, and one that
    starts later waits until the caller's write is stored (it then belongs to the stay)."""
    return _left_care(
        Episode.objects.select_for_update()
        .filter(participant=participant)
        .values_list("status", "admitted_on")
    )
