"""The demo's discharges: every synthetic participant who left care has a discharge record
(type, TEDS reason, aftercare plan, contact consent, summary), and their follow-ups are at
every stage: scheduled, sent, answered, on the call list, reached, not reached, stopped.
A few participants in care are discharged through the real workflow. Idempotent: episodes
that already have a discharge are left alone. All of it is synthetic demo data."""

from datetime import datetime, time, timedelta

from discharge import followups, services, summary
from discharge.handover import open_items
from discharge.models import (
    Aftercare,
    ContactConsent,
    Discharge,
    FollowUp,
    FollowUpChannel,
    FollowUpStatus,
)
from discharge.types import TEDS_REASON_OF, TRANSFER_TYPES, DischargeType
from medications import catalog
from medications.models import Medication
from medications.selectors import taken_on
from participants.demo import DemoContext
from participants.models import LEFT_AFTER_ADMISSION_STATUSES, Episode, EpisodeStatus

REASON = "Synthetic demo discharge."
TYPES = [
    DischargeType.COMPLETED,
    DischargeType.LEFT_EARLY,
    DischargeType.COMPLETED,
    DischargeType.ADMINISTRATIVE,
    DischargeType.COMPLETED,
    DischargeType.INCARCERATED,
    DischargeType.OTHER,
]
CHANNELS = [FollowUpChannel.TEXT, FollowUpChannel.PHONE, FollowUpChannel.PORTAL]
# How many participants in care the demo discharges through the workflow, days ago.
LIVE_DISCHARGES = (2, 9, 35)
ANSWERS = {
    "used_since_discharge": False,
    "days_used": 0,
    "in_treatment": True,
    "medication": "yes",
    "employment": "2",
    "housing": "3",
    "arrests": 0,
    "emergency_visits": 0,
}
WHO5_ANSWERS = {"1": 3, "2": 3, "3": 2, "4": 3, "5": 3}


def seed_discharges(context: DemoContext) -> None:
    program, director = context.program, context.staff["director"]
    backfilled = _backfill(context)
    live = 0
    if not Discharge.objects.filter(
        episode__program=program, reason__startswith="Synthetic demo: left"
    ).exists():
        live = _discharge_in_care(context)
    stages = _advance_follow_ups(context, director)
    context.stdout(
        f"    {backfilled + live} discharges ({live} through the workflow), "
        f"{stages} follow-ups moved on"
    )


def _backfill(context: DemoContext) -> int:
    """Episodes the participant seeder closed as discharged get their discharge record."""
    episodes = (
        Episode.objects.filter(
            program=context.program,
            status__in=LEFT_AFTER_ADMISSION_STATUSES,
            admitted_on__isnull=False,
            discharge__isnull=True,
        )
        .select_related("participant", "primary_clinician")
        .order_by("participant__record_number")
    )
    made = 0
    for index, episode in enumerate(episodes):
        on = episode.discharged_on or episode.admitted_on
        if on is None:
            continue
        transfer = episode.status == EpisodeStatus.TRANSFERRED_OUT
        kind = DischargeType.STEPPED_DOWN if transfer else TYPES[index % len(TYPES)]
        by = episode.primary_clinician or context.staff["director"]
        now = datetime.combine(on, time(16), tzinfo=context.program.tz)
        record = Discharge.objects.create(
            participant=episode.participant,
            episode=episode,
            type=kind,
            teds_reason=TEDS_REASON_OF[kind],
            discharged_on=on,
            decided_by=by,
            reason=REASON,
            level_of_care=episode.level_of_care,
            recorded_by=by,
            recorded_at=now,
        )
        Aftercare.objects.create(
            discharge=record,
            participant=episode.participant,
            recorded_by=by,
            recorded_at=now,
            next_level_of_care="Level 1 outpatient",
            next_provider="Riverside Outpatient Clinic (synthetic)",
            first_appointment_on=on + timedelta(days=5),
            first_appointment_at=time(10, 0),
            first_appointment_place="Riverside Outpatient Clinic, 2nd floor (synthetic)",
            first_appointment_kept="kept" if index % 3 else "missed",
            on_moud=index % 5 == 0,
            next_prescriber="" if index % 10 == 0 else "Dr. Example, Riverside (synthetic)",
            mutual_help="SMART Recovery, Tuesdays 7 pm (synthetic)",
            crisis_resources=services.DEFAULT_CRISIS_RESOURCES,
        )
        consented = kind != DischargeType.DIED and index % 4 != 3
        ContactConsent.objects.create(
            discharge=record,
            participant=episode.participant,
            consented=consented,
            channel=CHANNELS[index % len(CHANNELS)] if consented else "",
        )
        summary.draft(record, by=by, now=now)
        if consented:
            followups.schedule(record, now=now)
        made += 1
    return made


def _discharge_in_care(context: DemoContext) -> int:
    """A few active participants discharged through the workflow, days ago."""
    today = context.program.today()
    episodes = list(
        Episode.objects.filter(program=context.program, status=EpisodeStatus.ACTIVE)
        .exclude(primary_clinician__isnull=True)
        .select_related("participant", "primary_clinician", "program")
        .order_by("-participant__record_number")[: len(LIVE_DISCHARGES)]
    )
    made = 0
    for days_ago, episode in zip(LIVE_DISCHARGES, episodes, strict=False):
        on = max(today - timedelta(days=days_ago), episode.admitted_on or today)
        by = episode.primary_clinician
        choices = {
            item.key: services.ItemChoice("closed", note="Closed at discharge (synthetic demo).")
            for item in open_items(episode.participant)
        }
        kind = DischargeType.COMPLETED if made != 1 else DischargeType.TRANSFERRED_UP
        taken = taken_on(episode.participant, on)
        services.discharge(
            episode,
            by=by,
            type=kind,
            on=on,
            reason=f"Synthetic demo: left care ({DischargeType(kind).label.lower()}).",
            expected_version=episode.version,
            aftercare={
                "next_level_of_care": "Level 1 outpatient"
                if kind not in TRANSFER_TYPES
                else "Level 2.5 partial hospitalisation",
                "next_provider": "Riverside Outpatient Clinic (synthetic)",
                "first_appointment_on": on + timedelta(days=4),
                "first_appointment_at": time(9, 30),
                "first_appointment_place": "Riverside Outpatient Clinic (synthetic)",
                "on_moud": any(m.group == catalog.OUD for m in taken),
                "medications": medications_listed(taken),
            },
            follow_up_consent=True,
            channel=FollowUpChannel.TEXT,
            choices=choices,
            now=datetime.combine(on, time(16), tzinfo=context.program.tz),
        )
        made += 1
    return made


def medications_listed(taken: list[Medication]) -> str:
    """The aftercare plan's medications: the list as taken on the day of discharge, one a
    line, so the plan agrees with the summary's medications at discharge."""
    rows = sorted(taken, key=lambda m: (m.name, m.pk))
    return "\n".join(f"{m.name} {m.dose}".strip() for m in rows)


def _advance_follow_ups(context: DemoContext, director) -> int:
    """Follow-ups already due move on as they would have: sent and answered, on the call
    list, reached or not by phone; some signed summaries on the way."""
    today = context.program.today()
    due = list(
        FollowUp.objects.filter(
            discharge__episode__program=context.program,
            status=FollowUpStatus.SCHEDULED,
            due_on__lte=today,
        )
        .select_related("discharge__episode__program")
        .order_by("due_on", "pk")
    )
    for index, row in enumerate(due):
        sent_at = followups.morning_of(row.due_on, context.program)
        row = followups.send(row.pk, now=sent_at)
        stage = index % 4
        if row.status == FollowUpStatus.SENT and stage in (0, 1):
            followups.record_answers(
                row,
                answers={**ANSWERS, "who5": dict(WHO5_ANSWERS)},
                now=sent_at + timedelta(hours=5),
            )
            continue
        if row.status == FollowUpStatus.SENT and row.due_on <= today - timedelta(days=3):
            row = followups.check_unanswered(row.pk)
        if row.status == FollowUpStatus.TO_CALL and stage == 2:
            followups.record_call(
                row,
                by=director,
                reached=index % 8 == 2,
                note="Synthetic demo call.",
                expected_version=row.version,
            )
    for record in Discharge.objects.filter(episode__program=context.program, reason=REASON)[::3]:
        draft = summary.current_summary(record)
        if draft is not None and not draft.is_signed:
            draft = summary.save_text(
                draft,
                by=director,
                text={"course": "Synthetic demo course of treatment.", "recommendations": ""},
                expected_version=draft.version,
            )
            summary.sign(draft, by=director, expected_version=draft.version)
    return len(due)
