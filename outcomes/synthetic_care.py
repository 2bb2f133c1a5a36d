"""The end-of-care part of the synthetic history: for each invented episode that left care,
a discharge record, follow-ups with answers, a baseline and a latest PHQ-9 and GAD-7 (a
PCL-5 for some), check-ins and a drug screen in the last month of care, and signed progress
notes, written with bulk_create so the board's after-care figures have something to count.
Every person and every answer is invented; answers are scored by the real scorer.

Each record is by whoever would write it: the stay's primary clinician decides and records
the discharge, gives the questionnaires, writes and signs the notes, records the screens and
makes the follow-up calls; the participant sends their own check-ins and answers the
follow-up link (no account of theirs: `recorded_by` empty, as a link's answer is).

Nothing here is left waiting for anyone: follow-ups are written only once due and already
answered through the link, read back on a call, or not reached; every note is signed; so no
worklist or call list picks them up. (The installation at scale writes its follow-ups as a
program would have them on the day, waiting ones included, with `follow_up_state`.)
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import User
from assessments.demo import MAKERS
from assessments.models import Administration, scored_columns
from assessments.scoring import ScoreResult, score
from checkins.models import CheckIn, Via
from discharge.models import (
    DEFAULT_CALL_AFTER_DAYS,
    DEFAULT_FOLLOW_UP_DAYS,
    ContactConsent,
    Discharge,
    FollowUp,
    FollowUpAnswers,
    FollowUpChannel,
    FollowUpStatus,
)
from discharge.types import TEDS_REASON_OF, DischargeType
from notes.models import DEFAULT_DUE_HOURS, NoteKind, ProgressNote
from participants.models import Episode, EpisodeStatus
from screens.detection import THC
from screens.models import DrugScreen, Flag, Panel, Result, ScreenResult, Validity

BATCH = 5000
CUP = "urine-cup-hhs"
NOT_COMPLETED = [
    (DischargeType.LEFT_EARLY, 60),
    (DischargeType.ADMINISTRATIVE, 20),
    (DischargeType.INCARCERATED, 4),
    (DischargeType.OTHER, 8),
]
CHANNELS = (FollowUpChannel.TEXT, FollowUpChannel.PHONE, FollowUpChannel.PORTAL)
STEPS = 10  # severity 0..1 in tenths, as the demo's instrument history draws it
# Where a follow-up stands (follow_up_state): the share answered through the link, on which
# day after it was sent; how many days the call list keeps a call waiting (a lognormal: most
# are made within days, a few wait weeks); how a call goes.
ANSWERED_SHARE = 0.5
ANSWER_DAYS = (0, 0, 0, 1, 1, 2)
CALL_WAIT = (1.0, 1.0)
ON_A_CALL = [("answered", 35), ("reached", 25), ("not_reached", 40)]


@dataclass
class Written:
    discharges: int
    follow_ups: int
    administrations: int
    notes: int


class _Scores:
    """A few answer sets per instrument and severity step, each scored once."""

    def __init__(self, rng: random.Random) -> None:
        self.sets: dict[tuple[str, int], list[tuple[dict, ScoreResult]]] = {}
        for code in ("phq-9", "gad-7", "pcl-5"):
            for step in range(STEPS + 1):
                self.sets[(code, step)] = [
                    (answers, score(code, answers))
                    for answers in (MAKERS[code](rng, step / STEPS) for _ in range(3))
                ]
        self.who5 = who5_sets(rng)

    def administration(
        self, rng: random.Random, code: str, level: float, episode: Episode, when: datetime, by
    ) -> Administration:
        step = max(0, min(STEPS, round(level * STEPS)))
        answers, result = rng.choice(self.sets[(code, step)])
        return Administration(
            participant_id=episode.participant_id,
            episode=episode,
            instrument=code,
            answers=answers,
            completed_at=when,
            recorded_by=by,
            recorded_at=when,
            **scored_columns(result),
        )


def _at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour, 0), tz)


@dataclass
class FollowUpState:
    """Where one follow-up stands on a given day, and when each step happened."""

    status: str
    sent_at: datetime | None = None
    answered_at: datetime | None = None
    called_at: datetime | None = None
    # Reached on a call and answered there (the answers are recorded on the call).
    on_call: bool = field(default=False)


def follow_up_state(
    due_on: date,
    *,
    today: date,
    consented: bool,
    channel: str,
    rng: random.Random,
    tz: ZoneInfo,
    call_after: int = DEFAULT_CALL_AFTER_DAYS,
) -> FollowUpState:
    """A follow-up as the program's jobs and staff would have left it by `today` (a past
    day's work done, today's and later not yet):

    - not due yet: scheduled; due without the participant's consent: stopped;
    - due: the questionnaire went out that morning (a participant who asked to be phoned goes
      straight on the call list); about half answer through the link within two days;
    - unanswered `call_after` days after sending: on the call list, where staff call within
      days (a few wait weeks); a call reads the answers back, reaches without them, or
      reaches no one. A call or answer whose day has not passed is still waiting.
    """
    if due_on > today:
        return FollowUpState(FollowUpStatus.SCHEDULED)
    if not consented:
        return FollowUpState(FollowUpStatus.STOPPED)
    sent_at = None
    if channel == FollowUpChannel.PHONE:
        listed = due_on
    else:
        sent_at = _at(due_on, 10, tz)
        if rng.random() < ANSWERED_SHARE:
            day = due_on + timedelta(days=rng.choice(ANSWER_DAYS))
            if day < today:
                return FollowUpState(
                    FollowUpStatus.ANSWERED, sent_at=sent_at, answered_at=_at(day, 18, tz)
                )
        listed = due_on + timedelta(days=call_after)
        if listed > today:
            return FollowUpState(FollowUpStatus.SENT, sent_at=sent_at)
    called_on = listed + timedelta(days=int(rng.lognormvariate(*CALL_WAIT)))
    if called_on >= today:
        return FollowUpState(FollowUpStatus.TO_CALL, sent_at=sent_at)
    called_at = _at(called_on, 11, tz)
    values, weights = zip(*ON_A_CALL, strict=True)
    outcome = rng.choices(values, weights)[0]
    if outcome == "answered":
        return FollowUpState(
            FollowUpStatus.ANSWERED,
            sent_at=sent_at,
            answered_at=called_at,
            called_at=called_at,
            on_call=True,
        )
    status = FollowUpStatus.REACHED if outcome == "reached" else FollowUpStatus.NOT_REACHED
    return FollowUpState(status, sent_at=sent_at, called_at=called_at)


def follow_up_answers(rng: random.Random, day: int, who5: list) -> dict:
    """Invented answers to the follow-up questionnaire (the WHO-5 pre-scored)."""
    used = rng.random() < 0.2 + day / 1000
    answers, result = rng.choice(who5)
    return {
        "used_since_discharge": used,
        "days_used": rng.randint(1, 10) if used else 0,
        "in_treatment": rng.random() < 0.6,
        "medication": rng.choice(FollowUpAnswers.Medication.values),
        "employment": rng.choice(FollowUpAnswers.Employment.values),
        "housing": rng.choice(FollowUpAnswers.Housing.values),
        "who5_answers": answers,
        "who5_total": result.total,
        "who5_band": result.band or "",
    }


def who5_sets(rng: random.Random) -> list[tuple[dict, ScoreResult]]:
    """A dozen invented WHO-5 answer sets, each scored once by the real scorer."""
    return [
        (answers, score("who-5", answers))
        for answers in ({str(n): rng.randint(1, 5) for n in range(1, 6)} for _ in range(12))
    ]


def write(
    episodes: list[Episode],
    *,
    today: date,
    rng: random.Random,
    tz: ZoneInfo,
    staffing: random.Random,
    collectors: Sequence[User] = (),
) -> Written:
    """The end-of-care records of every episode in `episodes` that left care by `today`, by
    its primary clinician (`episode.primary_clinician`, set on each). A drug screen was
    collected by the primary clinician or one of `collectors`, drawn with `staffing` (apart
    from `rng`, so who collected never moves the figures)."""
    scores = _Scores(rng)
    panel = Panel.objects.filter(code=CUP).prefetch_related("analytes").first()
    analytes = list(panel.analytes.all()) if panel else []
    left = [
        (e, e.discharged_on, e.admitted_on)
        for e in episodes
        if e.status in (EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT)
        and e.discharged_on is not None
        and e.admitted_on is not None
        and e.discharged_on <= today
    ]
    discharges, consents, administrations, checkins, screens, notes = [], [], [], [], [], []
    for episode, on, admitted in left:
        by = episode.primary_clinician
        stay = (on - admitted).days
        if episode.status == EpisodeStatus.TRANSFERRED_OUT:
            kind = DischargeType.STEPPED_DOWN
        elif rng.random() < (0.8 if stay >= 30 else 0.25):
            kind = DischargeType.COMPLETED
        else:
            values, weights = zip(*NOT_COMPLETED, strict=True)
            kind = rng.choices(values, weights)[0]
        discharges.append(
            Discharge(
                participant_id=episode.participant_id,
                episode=episode,
                type=kind,
                teds_reason=TEDS_REASON_OF[kind],
                discharged_on=on,
                decided_by=by,
                reason="Synthetic history discharge.",
                level_of_care=episode.level_of_care,
                recorded_by=by,
                recorded_at=_at(on, 16, tz),
            )
        )
        depression = rng.betavariate(2.4, 2.0)
        gain = rng.uniform(0.3, 0.75) if rng.random() < 0.72 else rng.uniform(-0.25, 0.1)
        progress = min(1.0, stay / 70)
        last_day = max(admitted, on - timedelta(days=rng.randint(1, 6)))
        measured = [
            ("phq-9", depression),
            ("gad-7", min(1.0, depression * 0.6 + rng.random() * 0.45)),
        ]
        if rng.random() < 0.3:
            measured.append(("pcl-5", rng.uniform(0.45, 0.85)))
        for code, base in measured:
            administrations.append(
                scores.administration(rng, code, base, episode, _at(admitted, 10, tz), by)
            )
            if stay >= 14:
                latest = max(0.0, min(1.0, base * (1 - gain * progress) + rng.gauss(0, 0.05)))
                administrations.append(
                    scores.administration(rng, code, latest, episode, _at(last_day, 11, tz), by)
                )
        if rng.random() < 0.75:
            for _ in range(rng.randint(1, 3)):
                day = on - timedelta(days=rng.randrange(min(30, stay + 1)))
                used = rng.random() < 0.2
                checkins.append(
                    CheckIn(
                        participant_id=episode.participant_id,
                        episode=episode,
                        mood=rng.randint(3, 8),
                        craving=rng.randint(0, 7),
                        used=used,
                        safety=False,
                        via=Via.LINK,
                        recorded_at=_at(day, 19, tz),
                    )
                )
        if panel is not None and analytes and rng.random() < 0.6:
            day = on - timedelta(days=rng.randrange(min(30, stay + 1)))
            screens.append(
                (
                    DrugScreen(
                        participant_id=episode.participant_id,
                        episode=episode,
                        panel=panel,
                        specimen=panel.specimen,
                        method=panel.method,
                        observed=rng.random() < 0.3,
                        collected_by=staffing.choice([by, *collectors]),
                        collected_at=_at(day, 9, tz),
                        validity=Validity.VALID,
                        note="Synthetic history screen.",
                        recorded_by=by,
                        recorded_at=_at(day, 9, tz),
                    ),
                    rng.random() < 0.15,
                )
            )
        day = admitted + timedelta(days=rng.randint(1, 6))
        while day <= on:
            ends = _at(day, 14, tz)
            due = ends + timedelta(hours=DEFAULT_DUE_HOURS)
            signed = due - timedelta(hours=rng.uniform(1, 20))
            if rng.random() < 0.2:
                signed = due + timedelta(hours=rng.lognormvariate(2.5, 1.0))
            notes.append(
                ProgressNote(
                    participant_id=episode.participant_id,
                    organization_id=episode.program.organization_id,
                    episode=episode,
                    kind=NoteKind.INDIVIDUAL,
                    sections={"Note": "Synthetic history note."},
                    service_date=day,
                    start_time=time(13, 0),
                    end_time=time(14, 0),
                    minutes=60,
                    due_at=due,
                    signed_by=by,
                    signed_at=signed,
                    recorded_by=by,
                    recorded_at=ends,
                )
            )
            day += timedelta(days=rng.randint(10, 18))
    discharges = Discharge.objects.bulk_create(discharges, batch_size=BATCH)
    follow_ups, answered = [], []
    for record in discharges:
        consented = rng.random() < 0.8
        consents.append(
            ContactConsent(
                discharge=record,
                participant_id=record.participant_id,
                consented=consented,
                channel=rng.choice(CHANNELS) if consented else "",
            )
        )
        if not consented:
            continue
        for after in DEFAULT_FOLLOW_UP_DAYS:
            due_on = record.discharged_on + timedelta(days=after)
            if due_on >= today:
                break
            roll = rng.random()
            reach = 0.75 - after / 1000
            status = (
                FollowUpStatus.ANSWERED
                if roll < reach * 0.8
                else FollowUpStatus.REACHED
                if roll < reach
                else FollowUpStatus.NOT_REACHED
            )
            row = FollowUp(
                discharge=record,
                participant_id=record.participant_id,
                day=after,
                due_on=due_on,
                status=status,
                sent_at=_at(due_on, 9, tz),
            )
            follow_ups.append(row)
            if status == FollowUpStatus.ANSWERED:
                row.answered_at = at = _at(due_on + timedelta(days=rng.randint(0, 3)), 18, tz)
            else:
                row.called_at = at = _at(due_on + timedelta(days=4), 11, tz)
                row.called_by = record.episode.primary_clinician
            if status != FollowUpStatus.NOT_REACHED:
                answered.append((row, at))
    ContactConsent.objects.bulk_create(consents, batch_size=BATCH)
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    answers = []
    for row, at in answered:
        used = rng.random() < 0.2 + row.day / 1000
        who5, result = rng.choice(scores.who5)
        answers.append(
            FollowUpAnswers(
                follow_up=row,
                participant_id=row.participant_id,
                used_since_discharge=used,
                days_used=rng.randint(1, 10) if used else 0,
                in_treatment=rng.random() < 0.6,
                medication=rng.choice(FollowUpAnswers.Medication.values),
                employment=rng.choice(FollowUpAnswers.Employment.values),
                housing=rng.choice(FollowUpAnswers.Housing.values),
                who5_answers=who5,
                who5_total=result.total,
                who5_band=result.band or "",
                recorded_by=row.called_by,
                recorded_at=at,
            )
        )
    FollowUpAnswers.objects.bulk_create(answers, batch_size=BATCH)
    Administration.objects.bulk_create(administrations, batch_size=BATCH)
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
    made = DrugScreen.objects.bulk_create([s for s, _ in screens], batch_size=BATCH)
    ScreenResult.objects.bulk_create(
        [
            ScreenResult(
                screen=screen,
                analyte=analyte,
                result=Result.POSITIVE if thc and analyte.code == THC else Result.NEGATIVE,
                flag=Flag.UNEXPECTED_POSITIVE if thc and analyte.code == THC else "",
            )
            for screen, (_, thc) in zip(made, screens, strict=True)
            for analyte in analytes
        ],
        batch_size=BATCH,
    )
    ProgressNote.objects.bulk_create(notes, batch_size=BATCH)
    return Written(len(discharges), len(follow_ups), len(administrations), len(notes))
