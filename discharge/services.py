"""Discharging a participant: the one way an episode in care ends.

The discharge records the decision (type and its TEDS reason, date, who decided, why), the
aftercare plan and the follow-up consent, closes or hands over every item still open on the
participant as the clinician chose, drafts the summary from the record, and moves the episode
through `participants.services.transition_episode` (which ends the care team and runs the
leaving-care hooks: future enrolments end, individual sessions are cancelled). A transition
guard refuses any other way to discharge an episode in care.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from audit.models import Action
from audit.services import field_changes, record_event
from discharge import followups, handover, summary
from discharge.models import Aftercare, ContactConsent, Discharge, FollowUpChannel, Handover
from discharge.types import NO_FOLLOW_UP_TYPES, TEDS_REASON_OF, TRANSFER_TYPES, DischargeType
from participants.access import Scope, require, who_may_take_over
from participants.models import IN_CARE_STATUSES, Episode, EpisodeStatus
from participants.services import transition_episode
from tandem import dates, lifecycle
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.validation import validate

AFTERCARE_FIELDS = (
    "next_level_of_care",
    "next_provider",
    "first_appointment_on",
    "first_appointment_at",
    "first_appointment_place",
    "on_moud",
    "medications",
    "next_prescriber",
    "mutual_help",
    "recovery_housing",
    "peer_contact",
    "safety_plan",
    "crisis_resources",
)
# Crisis lines every aftercare plan starts with (clinical reference, section 7).
DEFAULT_CRISIS_RESOURCES = (
    "988 Suicide & Crisis Lifeline: call or text 988, or chat at 988lifeline.org "
    "(press 2 for Spanish). SAMHSA National Helpline: 1-800-662-4357 (TTY 1-800-487-4889), "
    "free, confidential, 24/7, English and Spanish. Crisis Text Line: text HOME to 741741."
)
DISCHARGE_LINKS = ("participant", "episode", "decided_by", "recorded_by")
AFTERCARE_LINKS = ("discharge", "participant", "recorded_by")


@dataclass(frozen=True)
class ItemChoice:
    """What the clinician chose for one open item: close it with a note, or hand it over."""

    choice: str  # Handover.Choice
    to: Any = None
    note: str = ""


def guard_discharge(episode: Episode, to_status: str) -> str | None:
    """Transition guard: an episode in care ends only through the discharge workflow."""
    if (
        episode.status in IN_CARE_STATUSES
        and not Discharge.objects.filter(episode=episode).exists()
    ):
        return (
            "Use the discharge page to discharge or transfer a participant in care: it records "
            "the discharge type, the aftercare plan and the follow-up consent."
        )
    return None


def discharge(
    episode: Episode,
    *,
    by: Any,
    type: str,
    on: date,
    reason: str,
    expected_version: int,
    aftercare: dict[str, Any] | None = None,
    follow_up_consent: bool = False,
    channel: str = "",
    choices: dict[str, ItemChoice] | None = None,
    now: datetime | None = None,
) -> Discharge:
    """Discharge a participant in care; refused whole (nothing written) on any bad input."""
    now = now or timezone.now()
    if type not in DischargeType.values:
        raise InvalidInput("Choose the discharge type.", field="type")
    dates.check(on, field="date", label="The discharge date")
    reason = lifecycle.clean_reason(reason, ask="Say why the participant is leaving care")
    aftercare = dict(aftercare or {})
    unknown = set(aftercare) - set(AFTERCARE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown aftercare field(s): {', '.join(sorted(unknown))}.")
    consent = bool(follow_up_consent) and type not in NO_FOLLOW_UP_TYPES
    if consent and channel not in FollowUpChannel.values:
        raise InvalidInput("Choose how the participant wants to be contacted.", field="channel")
    participant = episode.participant
    decision = require(by, participant, Action.CHANGE, Scope.CLINICAL)
    if episode.status not in IN_CARE_STATUSES:
        raise InvalidInput("Only a participant in care can be discharged.", field="episode")
    if on > episode.program.today(now):
        raise InvalidInput("The discharge date cannot be in the future.", field="date")
    if episode.admitted_on and on < episode.admitted_on:
        raise InvalidInput("Discharge cannot be before admission.", field="date")
    items = handover.open_items(participant)
    checked = _check_choices(items, choices or {}, participant=participant)
    with transaction.atomic():
        # A stale form is refused before anything is closed or handed over, so the refusal
        # leaves no rolled-back events behind and the page sent back audits itself.
        locked = Episode.objects.select_for_update().get(pk=episode.pk)
        if locked.version != expected_version:
            raise ConcurrentEdit("episode")
        record = Discharge(
            participant=participant,
            episode=episode,
            type=type,
            teds_reason=TEDS_REASON_OF[type],
            discharged_on=on,
            decided_by=by,
            reason=reason,
            level_of_care=episode.level_of_care,
            recorded_by=by,
            recorded_at=now,
        )
        validate(record, exclude=DISCHARGE_LINKS)
        record.save()
        plan = Aftercare(
            discharge=record,
            participant=participant,
            recorded_by=by,
            recorded_at=now,
            **({"crisis_resources": DEFAULT_CRISIS_RESOURCES} | aftercare),
        )
        validate(plan, exclude=AFTERCARE_LINKS)
        plan.save()
        ContactConsent.objects.create(
            discharge=record,
            participant=participant,
            consented=consent,
            channel=channel if consent else "",
        )
        handed = _apply_choices(record, items, checked, by=by, decision=decision, now=now)
        transition_episode(
            episode,
            to_status=EpisodeStatus.TRANSFERRED_OUT
            if type in TRANSFER_TYPES
            else EpisodeStatus.DISCHARGED,
            by=by,
            on=on,
            reason=reason,
            expected_version=expected_version,
            confirmed=True,
            now=now,
        )
        summary.draft(record, by=by, now=now)
        scheduled = followups.schedule(record, now=now) if consent else []
        followups.schedule_appointment_check(plan)
        followups.changed(participant.pk)
        record_event(
            actor=by,
            event_type="discharge.recorded",
            participant=participant,
            record=record,
            decision=decision,
            reason=reason,
            details={
                "type": type,
                "teds_reason": record.teds_reason,
                "discharged_on": on.isoformat(),
                "follow_up_consent": consent,
                "follow_ups": [f.day for f in scheduled],
                "handovers": handed,
                "moud_gap": plan.moud_gap,
            },
        )
    return record


def _check_choices(
    items: list[handover.OpenItem], choices: dict[str, ItemChoice], *, participant: Any
) -> dict[str, ItemChoice]:
    """Every open item needs a choice, and a choice names an item still open; a handover
    names active staff of the organization who may take it over (`who_may_take_over`, asked
    once for everyone named; the worklist asks the same of a task's owner), so what is handed
    over reaches someone who can act on it, and
    someone other than the one it belongs to when its kind refuses that. All of it is
    checked here, before anything is closed or handed over, so a refusal names the item."""
    open_keys = {item.key for item in items}
    for key in choices:
        if key not in open_keys:
            raise InvalidInput(
                "Nothing with this id is open on the participant any more: "
                "read the open items again.",
                field=key,
            )
    staff = set(
        Membership.objects.filter(
            organization_id=participant.organization_id, is_active=True
        ).values_list("user_id", flat=True)
    )
    may = who_may_take_over({c.to for c in choices.values() if c.to is not None}, participant)
    checked: dict[str, ItemChoice] = {}
    for item in items:
        choice = choices.get(item.key)
        if choice is None or choice.choice not in Handover.Choice.values:
            raise InvalidInput(
                f"Choose whether to close or hand over: {item.title}.", field=item.key
            )
        if choice.choice == Handover.Choice.HANDED_OVER:
            if choice.to is None or choice.to.pk not in staff:
                raise InvalidInput(
                    f"Name the staff member who takes over: {item.title}.", field=item.key
                )
            if choice.to.pk == item.held_by:
                raise InvalidInput(
                    f"{choice.to} has it already: hand it over to someone else, or close it: "
                    f"{item.title}.",
                    field=item.key,
                )
            if choice.to.pk not in may:
                raise InvalidInput(
                    f"{choice.to} cannot open this participant's record: hand over to someone "
                    f"on the care team or who oversees it: {item.title}.",
                    field=item.key,
                )
        if choice.choice == Handover.Choice.CLOSED and len((choice.note or "").strip()) < 3:
            raise InvalidInput(f"Say why it can be closed: {item.title}.", field=item.key)
        checked[item.key] = choice
    return checked


def _apply_choices(
    record: Discharge,
    items: list[handover.OpenItem],
    checked: dict[str, ItemChoice],
    *,
    by: Any,
    decision: Any,
    now: datetime,
) -> list[dict[str, str]]:
    done = []
    for item in items:
        choice = checked[item.key]
        kind = handover.provider(item.kind)
        note = (choice.note or "").strip()
        if choice.choice == Handover.Choice.CLOSED:
            kind.close(
                record.participant, item.item_id, by=by, note=note, decision=decision, now=now
            )
        else:
            kind.hand_over(
                record.participant,
                item.item_id,
                to=choice.to,
                by=by,
                note=note,
                decision=decision,
                now=now,
            )
        Handover.objects.create(
            discharge=record,
            kind=item.kind,
            item_id=item.item_id,
            title=item.title[:200],
            choice=choice.choice,
            handed_to=choice.to if choice.choice == Handover.Choice.HANDED_OVER else None,
            note=note[:300],
        )
        done.append({"kind": item.kind, "item": item.item_id, "choice": choice.choice})
    return done


def update_aftercare(
    plan: Aftercare, *, by: Any, changes: dict[str, Any], expected_version: int
) -> Aftercare:
    """Change the aftercare plan after discharge (it stays open on a closed chart); a new
    first-appointment date queues its own check."""
    allowed = set(AFTERCARE_FIELDS) | {"first_appointment_kept"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"Unknown aftercare field(s): {', '.join(sorted(unknown))}.")
    decision = require(by, plan.participant, Action.CHANGE, Scope.AFTERCARE)
    with transaction.atomic():
        row = lifecycle.lock_current(
            Aftercare, plan.pk, expected_version=expected_version, what="aftercare plan"
        )
        before = {name: getattr(row, name) for name in changes}
        for name, value in changes.items():
            setattr(row, name, value)
        validate(row, exclude=AFTERCARE_LINKS)
        diff = field_changes(before, changes)
        if not diff:
            return row
        lifecycle.save_new_version(row, list(changes))
        if "first_appointment_on" in diff:
            followups.schedule_appointment_check(row)
        record_event(
            actor=by,
            event_type="discharge.aftercare_changed",
            participant=row.participant,
            record=row,
            decision=decision,
            details={"changes": diff, "moud_gap": row.moud_gap},
        )
    return row
