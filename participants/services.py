"""Writes to participant records and episodes: each one transaction with its audit event."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F

from accounts.models import Membership, Program, Role, Site
from audit.models import Action
from audit.services import field_changes, record_event
from participants.access import REFERRAL_ROLES, Scope, require, roles_in
from participants.models import (
    EPISODE_TRANSITIONS,
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
    Participant,
)
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput
from tandem.lifecycle import check_transition, lock_current

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

# Checks other modules add before an episode may move to a status (for example: admission
# needs a recorded level-of-care decision). Each returns an error message or None.
TransitionGuard = Callable[[Episode, str], str | None]
_transition_guards: dict[str, list[TransitionGuard]] = {}


def register_transition_guard(to_status: str, guard: TransitionGuard) -> None:
    if guard not in _transition_guards.setdefault(to_status, []):
        _transition_guards[to_status].append(guard)


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
) -> Episode:
    """Open a new participant record with a referred episode."""
    if not roles_in(by, program.organization_id) & REFERRAL_ROLES:
        raise AccessDenied("Your role cannot open referrals.")
    if site is not None and site.program_id != program.pk:
        raise InvalidInput("That site belongs to another program.", field="site")
    with transaction.atomic():
        participant = Participant(
            organization=program.organization,
            record_number=next_record_number(program.organization_id),
            created_by=by,
            **{k: v for k, v in demographics.items() if k in DEMOGRAPHIC_FIELDS},
        )
        participant.full_clean(exclude=["organization", "user", "created_by"])
        participant.save()
        episode = Episode.objects.create(
            participant=participant,
            program=program,
            site=site,
            referred_on=referred_on,
            referral_source=referral_source,
        )
        if Role.INTAKE in roles_in(by, program.organization_id):
            CareTeamMember.objects.create(episode=episode, user=by, role=CareTeamRole.INTAKE)
        record_event(
            actor=by,
            event_type="participant.referred",
            participant=participant,
            record=participant,
            role=",".join(sorted(roles_in(by, program.organization_id))),
            details={"episode": str(episode.public_id), "program": program.pk},
        )
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
        current = Participant.objects.select_for_update().get(pk=participant.pk)
        if current.version != expected_version:
            raise ConcurrentEdit("participant record")
        before = {name: getattr(current, name) for name in changes}
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean(exclude=["organization", "user", "created_by"])
        diff = field_changes(before, changes)
        if not diff:
            return current
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        record_event(
            actor=by,
            event_type="participant.demographics_changed",
            participant=current,
            record=current,
            decision=decision,
            details={"changes": diff},
        )
    return current


def transition_episode(
    episode: Episode,
    *,
    to_status: str,
    by: Any,
    on: date,
    reason: str = "",
    expected_version: int,
) -> Episode:
    """Move an episode along its lifecycle; invalid moves are refused with the allowed ones."""
    if to_status not in EpisodeStatus.values:
        raise InvalidInput(f"{to_status!r} is not an episode status.", field="to_status")
    decision = require(by, episode.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        current = lock_current(
            Episode, episode.pk, expected_version=expected_version, what="episode"
        )
        check_transition(
            EPISODE_TRANSITIONS, EpisodeStatus, current.status, to_status, subject="An episode"
        )
        if on < current.referred_on:
            raise InvalidInput("The date cannot be before the referral date.", field="on")
        for guard in _transition_guards.get(to_status, []):
            problem = guard(current, to_status)
            if problem:
                raise InvalidInput(problem, field="to_status")
        before = {
            "status": current.status,
            "admitted_on": current.admitted_on,
            "discharged_on": current.discharged_on,
        }
        current.status = to_status
        current.status_reason = reason
        if to_status == EpisodeStatus.ADMITTED:
            current.admitted_on = on
        if to_status in (EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT):
            if current.admitted_on and on < current.admitted_on:
                raise InvalidInput("Discharge cannot be before admission.", field="on")
            current.discharged_on = on
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
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
            details={"changes": field_changes(before, after), "reason": reason},
        )
    return current


def add_care_team_member(episode: Episode, *, user: Any, role: str, by: Any) -> CareTeamMember:
    """Put a staff member on the care team; the primary clinician is also set on the episode."""
    if role not in CareTeamRole.values:
        raise InvalidInput(f"{role!r} is not a care-team role.", field="role")
    if not Membership.objects.filter(
        user=user, organization_id=episode.program.organization_id, is_active=True
    ).exists():
        raise InvalidInput("That person is not staff of this organization.", field="user")
    decision = require(by, episode.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        member, created = CareTeamMember.objects.get_or_create(
            episode=episode, user=user, role=role, ended_on__isnull=True
        )
        if role == CareTeamRole.PRIMARY_CLINICIAN:
            CareTeamMember.objects.filter(
                episode=episode, role=role, ended_on__isnull=True
            ).exclude(pk=member.pk).update(ended_on=episode.program.today())
            Episode.objects.filter(pk=episode.pk).update(primary_clinician=user)
        if created:
            record_event(
                actor=by,
                event_type="care_team.member_added",
                participant=episode.participant,
                record=member,
                decision=decision,
                details={"role": role, "user": user.pk},
            )
    return member
