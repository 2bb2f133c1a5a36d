"""Writes to participant records and episodes: each one transaction with its audit event."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization, Program, Site
from accounts.roles import roles_in
from audit.models import Action
from audit.services import field_changes, record_event
from participants.access import (
    Scope,
    forget_decisions,
    may,
    require,
    require_capability,
    require_care_team_change,
)
from participants.duplicates import likely_matches
from participants.models import (
    EPISODE_PASSES_THROUGH,
    EPISODE_TRANSITIONS,
    LEAVING_CARE_STATUSES,
    OPEN_STATUSES,
    PRE_ADMISSION_STATUSES,
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
    Participant,
    PlaceEnd,
)
from tandem import dates, lifecycle
from tandem.errors import InvalidInput
from tandem.hooks import Hook
from tandem.lifecycle import check_transition, lock_current, save_new_version
from tandem.validation import validate

DEMOGRAPHIC_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "sex_at_birth",
    "gender_identity",
    "preferred_language",
    "phone",
    "email",
    "address",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
)

MIN_LEAVING_REASON = 3
DUPLICATE_MESSAGE = (
    "This person may already have a record. Open the existing record, "
    "or write why a new record is needed."
)


class LikelyDuplicate(InvalidInput):
    """A new record asked for a person who likely has one already, without a reason for a
    second: `matches` are those records, with why each matched, as `likely_matches` gives
    them (the page shows them; the API answers 409 listing their ids)."""

    def __init__(self, matches: list[tuple[Participant, list[str]]]) -> None:
        super().__init__(DUPLICATE_MESSAGE, field="duplicate_reason")
        self.matches = matches


# Links a service sets itself; `validate` checks the rest of the record.
PARTICIPANT_LINKS = ("organization", "user", "recorded_by")
EPISODE_LINKS = ("participant", "program", "site", "primary_clinician")
TRANSITION_INPUTS = {"status_reason": "reason", "admitted_on": "on", "discharged_on": "on"}


# Checks other modules add before an episode may move to a status (for example: admission
# needs a recorded level-of-care decision). Each returns an error message or None.
@dataclass(frozen=True)
class TransitionGuard:
    to_status: str
    check: Callable[[Episode, str], str | None]


TRANSITION_GUARDS: Hook[TransitionGuard] = Hook("participants.transition_guards")


# Called inside the care-team write's transaction as hook(episode, previous, new, by=...) when
# an episode's primary clinician changes (admission or a care-team change); monitoring
# registers one so open alerts follow the case to the new primary clinician.
PrimaryChangeHook = Callable[..., object]
PRIMARY_CHANGE: Hook[PrimaryChangeHook] = Hook("participants.primary_change")


# Called inside the write's transaction as hook(member, by=..., decision=..., left_team=...) when
# someone's place on a care team is ended by hand (`left_team`: they hold no other place on
# the participant's team); worklist hands their open tasks about the participant back, and
# monitoring their open alerts. Each returns what it handed back, for the write's audit event.
MemberEndedHook = Callable[..., dict | None]
MEMBER_ENDED: Hook[MemberEndedHook] = Hook("participants.member_ended")


# Called inside the status change's transaction as hook(episode, on=..., by=..., now=...) when
# an episode leaves care; scheduling registers one that ends future enrolments and releases
# the individual slot, so this module needs no knowledge of the calendar.
LeavingCareHook = Callable[..., dict | None]
LEAVING_CARE: Hook[LeavingCareHook] = Hook("participants.leaving_care")


# Called inside the status change's transaction as hook(episode) after every status change
# (admission included); measurement registers one that keeps its stored due moments current.
StatusChangeHook = Callable[[Episode], object]
STATUS_CHANGE: Hook[StatusChangeHook] = Hook("participants.status_change")


# Called inside the write's transaction as hook(participant_id) when a participant's record
# is written: a referral opened (the participant and their episode, or a new episode on the
# record of a person referred again) or demographics changed (a status change follows
# `STATUS_CHANGE`, a record entered in error `tandem.lifecycle.WITHDRAWN`); outcomes registers
# one that keeps its facts current.
ChangedHook = Callable[[int], object]
CHANGED: Hook[ChangedHook] = Hook("participants.changed")


# Called inside the write's transaction as hook(episode) when an episode opens (a referral, or
# a person referred again); discharge registers one that notes a readmission when the
# participant was discharged before.
EpisodeOpenedHook = Callable[[Episode], object]
EPISODE_OPENED: Hook[EpisodeOpenedHook] = Hook("participants.episode_opened")


def _changed(participant_id: int) -> None:
    for hook in CHANGED.implementations():
        hook(participant_id)


def _primary_changed(episode: Episode, previous: Any, new: Any, *, by: Any) -> None:
    for hook in PRIMARY_CHANGE.implementations():
        hook(episode, previous, new, by=by)


def next_record_number(organization_id: int) -> str:
    """Record numbers are sequential per organization: T-000123."""
    last = (
        Participant.objects.filter(organization_id=organization_id, record_number__startswith="T-")
        .order_by("-record_number")
        .values_list("record_number", flat=True)
        .first()
    )
    number = int(last[2:]) + 1 if last and last[2:].isdigit() else 1
    return f"T-{number:06d}"


def create_referral(
    *,
    program: Program,
    by: Any,
    demographics: dict[str, Any],
    referred_on: date,
    referral_source: str = "",
    site: Site | None = None,
    duplicate_reason: str = "",
) -> Episode:
    """Open a new participant record with a referred episode.

    When the person likely has a record already, a new one needs a written reason
    (`duplicate_reason`), kept on the referral's audit event with the matches it overrode.
    """
    require_capability(
        by,
        "referral.open",
        [program.organization_id],
        event_type="participant.referred",
        record=program,
        refusal="Your role cannot open referrals.",
    )
    _check_site(program, site)
    duplicate_reason = (duplicate_reason or "").strip()
    with transaction.atomic():
        # One new record at a time in an organization: two desks referring at once would
        # otherwise take the same record number, or both miss each other's new record in the
        # duplicate check.
        Organization.objects.select_for_update().filter(pk=program.organization_id).first()
        found = likely_matches(
            by,
            first_name=demographics.get("legal_first_name", ""),
            last_name=demographics.get("legal_last_name", ""),
            date_of_birth=demographics.get("date_of_birth"),
            phone=demographics.get("phone", ""),
            email=demographics.get("email", ""),
        )
        if found and not duplicate_reason:
            raise LikelyDuplicate(found)
        matches = [str(person.public_id) for person, _why in found]
        participant = Participant(
            organization=program.organization,
            record_number=next_record_number(program.organization_id),
            recorded_by=by,
            **{k: v for k, v in demographics.items() if k in DEMOGRAPHIC_FIELDS},
        )
        validate(participant, exclude=PARTICIPANT_LINKS)
        participant.save()
        return _open_referred_episode(
            participant,
            program=program,
            site=site,
            by=by,
            referred_on=referred_on,
            referral_source=referral_source,
            event_type="participant.referred",
            reason=duplicate_reason if matches else "",
            details={"likely_matches": matches} if matches else {},
        )


def refer_again(
    participant: Participant,
    *,
    program: Program,
    by: Any,
    referred_on: date,
    referral_source: str = "",
    site: Site | None = None,
) -> Episode:
    """Open a new referred episode on the record of a person whose care here has ended
    (discharged, declined, transferred out), so a return keeps one clinical history instead
    of a second record; the discharge follower notes it as a readmission.

    Whoever opens referrals in the person's organization may refer them again, care team or
    not (their care has ended); anyone else is refused on that record, and audited there."""
    require_capability(
        by,
        "referral.open",
        [participant.organization_id],
        event_type="participant.referred_again",
        participant=participant,
        refusal="Your role cannot open referrals.",
    )
    if participant.organization_id != program.organization_id:
        raise InvalidInput("That program belongs to another organization.", field="program")
    _check_site(program, site)
    with transaction.atomic():
        # Locked, so two people referring the same person at once open one episode.
        current = Participant.objects.select_for_update().get(pk=participant.pk)
        if current.entered_in_error_at is not None:
            raise InvalidInput("This record was entered in error; it cannot be referred again.")
        if current.episodes.filter(status__in=OPEN_STATUSES).exists():
            raise InvalidInput("This person already has an open referral or episode.")
        return _open_referred_episode(
            current,
            program=program,
            site=site,
            by=by,
            referred_on=referred_on,
            referral_source=referral_source,
            event_type="participant.referred_again",
        )


def _check_site(program: Program, site: Site | None) -> None:
    if site is not None and site.program_id != program.pk:
        raise InvalidInput("That site belongs to another program.", field="site")


def _open_referred_episode(
    participant: Participant,
    *,
    program: Program,
    site: Site | None,
    by: Any,
    referred_on: date,
    referral_source: str,
    event_type: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> Episode:
    """A referred episode on a saved participant, inside the caller's transaction: the
    referrer on the care team when they coordinate intake, the audit event, and what follows
    a participant's change and an episode's opening."""
    episode = Episode(
        participant=participant,
        program=program,
        site=site,
        referred_on=referred_on,
        referral_source=referral_source,
    )
    validate(episode, exclude=EPISODE_LINKS)
    episode.save()
    if may(by, "intake.coordinate", program.organization_id):
        CareTeamMember.objects.create(episode=episode, user=by, role=CareTeamRole.INTAKE)
    record_event(
        actor=by,
        event_type=event_type,
        participant=participant,
        record=participant,
        role=",".join(sorted(roles_in(by, program.organization_id))),
        reason=reason,
        details={"episode": str(episode.public_id), "program": program.pk, **(details or {})},
    )
    forget_decisions()
    _changed(participant.pk)
    for hook in EPISODE_OPENED.implementations():
        hook(episode)
    return episode


def update_demographics(
    participant: Participant, *, by: Any, changes: dict[str, Any], expected_version: int
) -> Participant:
    """Change demographic fields, refusing if someone else saved in between."""
    unknown = set(changes) - set(DEMOGRAPHIC_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown field(s): {', '.join(sorted(unknown))}.")
    decision = require(by, participant, Action.CHANGE, Scope.DEMOGRAPHICS)
    with transaction.atomic():
        current = lock_current(
            Participant,
            participant.pk,
            expected_version=expected_version,
            what="participant record",
        )
        before = {name: getattr(current, name) for name in changes}
        for name, value in changes.items():
            setattr(current, name, value)
        validate(current, exclude=PARTICIPANT_LINKS)
        diff = field_changes(before, changes)
        if not diff:
            return current
        save_new_version(current, changes)
        record_event(
            actor=by,
            event_type="participant.demographics_changed",
            participant=current,
            record=current,
            decision=decision,
            details={"changes": diff},
        )
        _changed(current.pk)
    return current


def mark_entered_in_error(participant: Participant, *, by: Any, reason: str) -> Participant:
    """Withdraw a record opened by mistake (a duplicate, the wrong person). It stays in the
    database with who withdrew it, when and why, and leaves every list and chart page."""
    lifecycle.clean_reason(reason, ask="Say why this record was entered in error.")
    decision = require(by, participant, Action.CHANGE, Scope.DEMOGRAPHICS)
    with transaction.atomic():
        return lifecycle.mark_entered_in_error(
            participant, by=by, reason=reason, decision=decision, what="participant record"
        )


def transition_episode(
    episode: Episode,
    *,
    to_status: str,
    by: Any,
    on: date,
    reason: str = "",
    expected_version: int,
    confirmed: bool = False,
    now: datetime | None = None,
    pass_through: bool = False,
) -> Episode:
    """Move an episode along its lifecycle; invalid moves are refused with the allowed ones.

    Leaving care (discharged, declined, transferred out) needs a reason and `confirmed`; it
    ends the care team's memberships on that date and runs the leaving-care hooks. With
    `pass_through`, a move listed in EPISODE_PASSES_THROUGH takes its intermediate step.
    """
    _check_transition_input(to_status, on)
    decision = require(by, episode.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        current = lock_current(
            Episode, episode.pk, expected_version=expected_version, what="episode"
        )
        return _transition(
            current,
            to_status=to_status,
            by=by,
            on=on,
            reason=(reason or "").strip(),
            confirmed=confirmed,
            now=now,
            decision=decision,
            pass_through=pass_through,
        )


SCREENING_PASSED = "Screening completed with the level-of-care decision."


def admit_episode(
    episode: Episode,
    *,
    by: Any,
    on: date,
    primary_clinician: Any,
    expected_version: int,
    reason: str = "Admitted after the level-of-care decision.",
) -> Episode:
    """Admit a referred or screening episode: one access decision, the admission guards run
    once, the named primary clinician put on the care team (replacing the current one, which
    the admission form shows), and a referred episode passed through screening."""
    _check_transition_input(EpisodeStatus.ADMITTED, on)
    decision = require(by, episode.participant, Action.CHANGE, Scope.CLINICAL)
    if primary_clinician is None or not may(
        primary_clinician, "primary_clinician.serve", episode.participant.organization_id
    ):
        raise InvalidInput("Choose the primary clinician.", field="primary_clinician")
    with transaction.atomic():
        current = lock_current(
            Episode, episode.pk, expected_version=expected_version, what="episode"
        )
        if current.status not in PRE_ADMISSION_STATUSES:
            raise InvalidInput("Only a referred or screening episode can be admitted.")
        # The care team first: an intake coordinator reaches the case only until admission.
        previous = current.primary_clinician
        _put_on_care_team(
            current,
            user=primary_clinician,
            role=CareTeamRole.PRIMARY_CLINICIAN,
            by=by,
            replaces=previous if previous not in (None, primary_clinician) else None,
            decision=decision,
        )
        return _transition(
            current,
            to_status=EpisodeStatus.ADMITTED,
            by=by,
            on=on,
            reason=reason,
            confirmed=False,
            now=None,
            decision=decision,
            pass_through=True,
        )


def _check_transition_input(to_status: str, on: date) -> None:
    if to_status not in EpisodeStatus.values:
        raise InvalidInput(f"{to_status!r} is not an episode status.", field="to_status")
    dates.check(on, field="on", label="The date")


def _transition(
    current: Episode,
    *,
    to_status: str,
    by: Any,
    on: date,
    reason: str,
    confirmed: bool,
    now: datetime | None,
    decision: Any,
    pass_through: bool,
) -> Episode:
    """One move of a locked episode, inside the caller's transaction and decision."""
    via = EPISODE_PASSES_THROUGH.get((current.status, to_status)) if pass_through else None
    if via is not None:
        current = _transition(
            current,
            to_status=via,
            by=by,
            on=on,
            reason=SCREENING_PASSED,
            confirmed=False,
            now=now,
            decision=decision,
            pass_through=False,
        )
    check_transition(
        EPISODE_TRANSITIONS, EpisodeStatus, current.status, to_status, subject="An episode"
    )
    if on < current.referred_on:
        raise InvalidInput("The date cannot be before the referral date.", field="on")
    if to_status == EpisodeStatus.ADMITTED:
        # The guards read the admission's day (the level-of-care decision in effect on it).
        current.admitted_on = on
    for guard in TRANSITION_GUARDS.implementations():
        problem = guard.check(current, to_status) if guard.to_status == to_status else None
        if problem:
            raise InvalidInput(problem, field="to_status")
    before = {
        "status": current.status,
        "admitted_on": current.admitted_on,
        "discharged_on": current.discharged_on,
    }
    current.status = to_status
    current.status_reason = reason
    ended: list[dict[str, Any]] = []
    if to_status == EpisodeStatus.ADMITTED:
        ended = _end_care_team(
            current,
            on=on,
            how=PlaceEnd.ADMISSION,
            by=by,
            reason=ADMISSION_END_REASON,
            now=now,
            roles=[CareTeamRole.INTAKE],
        )
    if to_status in (EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT):
        if current.admitted_on and on < current.admitted_on:
            raise InvalidInput("Discharge cannot be before admission.", field="on")
        current.discharged_on = on
    validate(current, exclude=EPISODE_LINKS, names=TRANSITION_INPUTS)
    left_care: dict[str, Any] = {}
    if to_status in LEAVING_CARE_STATUSES:
        _check_leaving_care(to_status, reason, confirmed)
        left_care["care_team_ended"] = _end_care_team(
            current,
            on=on,
            how=PlaceEnd.LEFT_CARE,
            by=by,
            reason=left_care_end_reason(to_status),
            now=now,
        )
        for hook in LEAVING_CARE.implementations():
            left_care.update(hook(current, on=on, by=by, now=now or timezone.now()) or {})
    save_new_version(current, ["status", "status_reason", "admitted_on", "discharged_on"])
    forget_decisions()
    for status_hook in STATUS_CHANGE.implementations():
        status_hook(current)
    after = {
        "status": current.status,
        "admitted_on": current.admitted_on,
        "discharged_on": current.discharged_on,
    }
    record_event(
        actor=by,
        event_type="episode.status_changed",
        participant=current.participant,
        record=current,
        decision=decision,
        details={
            "changes": field_changes(before, after),
            "reason": reason,
            **({"care_team_ended": ended} if ended else {}),
            **left_care,
        },
    )
    if to_status == EpisodeStatus.ADMITTED and current.primary_clinician_id:
        # Anything the intake coordinator still holds moves to the primary clinician.
        _primary_changed(current, None, current.primary_clinician, by=by)
    return current


def _check_leaving_care(to_status: str, reason: str, confirmed: bool) -> None:
    label = EpisodeStatus(to_status).label.lower()
    if len(reason) < MIN_LEAVING_REASON:
        raise InvalidInput(f"Say why the participant is {label}.", field="reason")
    if not confirmed:
        raise InvalidInput(
            f"Confirm that the participant is {label}: their future sessions end and "
            "their care team is closed.",
            field="confirm",
        )


ADMISSION_END_REASON = "Admitted: intake ends at admission."


def left_care_end_reason(status: str) -> str:
    """Why every place on the care team ends when the stay ends in `status`, in the words the
    place keeps (the synthetic histories write the same)."""
    return f"{EpisodeStatus(status).label}: the care team ends with the stay."


def _end_care_team(
    episode: Episode,
    *,
    on: date,
    how: str,
    by: Any,
    reason: str,
    now: datetime | None,
    roles: list[str] | None = None,
) -> list[dict[str, Any]]:
    """End the episode's active care-team places (or those in `roles`) with it."""
    rows = CareTeamMember.objects.filter(episode=episode, ended_on__isnull=True)
    if roles is not None:
        rows = rows.filter(role__in=roles)
    return _end_places(rows, on=on, how=how, by=by, reason=reason, now=now)


def _end_places(
    rows, *, on: date, how: str, by: Any, reason: str, now: datetime | None
) -> list[dict[str, Any]]:
    """The one way a place on a care team ends, whatever ends it (admission, leaving care, a
    replacement, by hand): on a date, with who, when, how and why, the row staying as
    history. Returns each ended place (its id, who held it in which role, why it ended) for
    the write's audit event, so the trail names who left the team."""
    ended = [
        {
            "place": str(place.public_id),
            "user": place.user_id,
            "name": str(place.user),
            "role": place.role,
            "reason": reason,
        }
        for place in rows.select_related("user").order_by("pk")
    ]
    # A new version: a page still offering to end one of these places is stale. A queryset
    # update stamps no `modified_at` of its own: an export of what changed since reads it.
    stamp = now or timezone.now()
    rows.update(
        ended_on=on,
        ended_at=stamp,
        ended_by=by,
        ended_how=how,
        end_reason=reason,
        version=F("version") + 1,
        modified_at=stamp,
    )
    forget_decisions()
    return ended


def add_care_team_member(
    episode: Episode, *, user: Any, role: str, by: Any, replaces: Any = None
) -> CareTeamMember:
    """Put a staff member on the care team.

    A new primary clinician replaces the current one only when the caller names who is
    replaced (`replaces`): a care-team change must never silently take a clinician off their
    participant.
    """
    if role not in CareTeamRole.values:
        raise InvalidInput(f"{role!r} is not a care-team role.", field="role")
    if not may(user, "care_team.join", episode.program.organization_id):
        raise InvalidInput(
            "That person is not clinical staff of this organization, who may join a care team.",
            field="user",
        )
    if replaces is not None and role != CareTeamRole.PRIMARY_CLINICIAN:
        raise InvalidInput("Only a primary clinician replaces someone.", field="replaces")
    decision = require_care_team_change(by, episode.participant)
    with transaction.atomic():
        current = Episode.objects.select_for_update().get(pk=episode.pk)
        return _put_on_care_team(
            current, user=user, role=role, by=by, replaces=replaces, decision=decision
        )


def _put_on_care_team(
    current: Episode, *, user: Any, role: str, by: Any, replaces: Any, decision: Any
) -> CareTeamMember:
    """The care-team write on a locked episode, inside the caller's transaction."""
    previous = None
    if role == CareTeamRole.PRIMARY_CLINICIAN:
        primaries = CareTeamMember.objects.filter(
            episode=current, role=role, ended_on__isnull=True
        ).exclude(user=user)
        previous = next(iter(m.user for m in primaries.select_related("user")), None)
        if previous is None and current.primary_clinician_id not in (None, user.pk):
            previous = current.primary_clinician
        replaces_pk = getattr(replaces, "pk", replaces)
        if previous is not None and replaces_pk != previous.pk:
            raise InvalidInput(
                f"{previous} is the primary clinician. To make {user} primary instead, "
                f"choose to replace {previous} explicitly.",
                field="replaces",
            )
        if previous is None and replaces is not None:
            raise InvalidInput("There is no other primary clinician to replace.", field="replaces")
    changed = role == CareTeamRole.PRIMARY_CLINICIAN and (
        previous is not None or current.primary_clinician_id != user.pk
    )
    member, created = CareTeamMember.objects.get_or_create(
        episode=current, user=user, role=role, ended_on__isnull=True
    )
    if role == CareTeamRole.PRIMARY_CLINICIAN:
        ended = _end_places(
            CareTeamMember.objects.filter(
                episode=current, role=role, ended_on__isnull=True
            ).exclude(pk=member.pk),
            on=current.program.today(),
            how=PlaceEnd.REPLACED,
            by=by,
            reason=f"Replaced as primary clinician by {user}.",
            now=None,
        )
        Episode.objects.filter(pk=current.pk).update(
            primary_clinician=user, modified_at=timezone.now()
        )
        current.primary_clinician = user
        if previous is not None:
            record_event(
                actor=by,
                event_type="episode.primary_clinician_changed",
                participant=current.participant,
                record=current,
                decision=decision,
                details={
                    "changes": {"primary_clinician": {"before": previous.pk, "after": user.pk}},
                    "care_team_ended": ended,
                },
            )
    if created:
        record_event(
            actor=by,
            event_type="care_team.member_added",
            participant=current.participant,
            record=member,
            decision=decision,
            details={
                "role": role,
                "user": user.pk,
                "changes": {
                    "user": {"before": None, "after": user.pk},
                    "role": {"before": None, "after": role},
                },
            },
        )
    forget_decisions()
    if changed:
        _primary_changed(current, previous, user, by=by)
    return member


def end_care_team_membership(
    member: CareTeamMember,
    *,
    by: Any,
    reason: str,
    expected_version: int,
    now: datetime | None = None,
) -> CareTeamMember:
    """Take a staff member off a participant's care team in one role: the place ends today
    (the program's day) and the row stays, with who ended it, when and why. In the same
    write what they held for this participant goes back to the team (`MEMBER_ENDED`: their
    open tasks, their open alerts), so nothing waits with someone who no longer works the case.

    The primary clinician is never simply taken off: the case would have no one to answer
    for it. Another clinician is made primary instead, replacing them.
    """
    reason = lifecycle.clean_reason(reason, ask="Say why this person leaves the care team")
    participant = member.episode.participant
    decision = require_care_team_change(by, participant)
    now = now or timezone.now()
    with transaction.atomic():
        episode = (
            Episode.objects.select_for_update().select_related("program").get(pk=member.episode_id)
        )
        current = lock_current(
            CareTeamMember, member.pk, expected_version=expected_version, what="care team"
        )
        if current.ended_on is not None:
            raise InvalidInput(f"{current.user}'s place on the care team has already ended.")
        if current.is_primary:
            raise InvalidInput(
                f"{current.user} is the primary clinician and cannot simply leave the care "
                f"team: first make another clinician the primary clinician, replacing "
                f"{current.user} (Add to care team, role primary clinician).",
                field="member",
            )
        if not episode.is_open:
            raise InvalidInput("This episode of care has ended; its care team ended with it.")
        ended_on = episode.program.today(now)
        ended = _end_places(
            CareTeamMember.objects.filter(pk=current.pk),
            on=ended_on,
            how=PlaceEnd.BY_HAND,
            by=by,
            reason=reason,
            now=now,
        )
        current.refresh_from_db()
        left_team = not CareTeamMember.objects.filter(
            episode=episode, user_id=current.user_id, ended_on__isnull=True
        ).exists()
        handed: dict[str, Any] = {}
        for hook in MEMBER_ENDED.implementations():
            handed.update(hook(current, by=by, decision=decision, left_team=left_team) or {})
        record_event(
            actor=by,
            event_type="care_team.member_ended",
            participant=participant,
            record=current,
            decision=decision,
            reason=reason,
            details={
                "role": current.role,
                "user": current.user_id,
                "care_team_ended": ended,
                "changes": {"ended_on": {"before": None, "after": ended_on.isoformat()}},
                **handed,
            },
        )
    return current
