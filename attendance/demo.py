"""The demo's attendance history: a roll call for every session of the program that is over.

Mostly present; some late or left early; some excused and unexcused absences. Two
participants miss two sessions in a row without an excuse (their alert is raised the way
the roll call raises it) and a few miss this week's sessions, so the dose page has someone
to show. Deterministic (rows are drawn in a fixed order from random.Random(rng_seed)) and
idempotent (only missing rows are written).
"""

import random

from django.db import transaction
from django.utils import timezone

from attendance import weekly
from attendance.dose import current_week
from attendance.models import Attendance, AttendanceStatus
from attendance.services import check_missed_sessions
from audit.services import record_event
from participants.demo import DemoContext
from participants.models import Episode
from scheduling.models import Enrolment, Session, SessionMode
from tandem.grouping import by_participant

STREAKS = 2  # participants with two unexcused absences in a row
SHORT_THIS_WEEK = 3  # participants who miss this week's sessions so far


def seed_attendance(context: DemoContext) -> None:
    """Take the roll call of every past session of the demo program that has none yet."""
    program = context.program
    now = timezone.now()
    rng = random.Random(context.rng_seed)
    enrolments = list(
        Enrolment.objects.filter(
            session__program=program,
            session__status=Session.Status.SCHEDULED,
            session__ends_at__lte=now,
        )
        .select_related("session", "participant")
        .prefetch_related("session__staff")
        .order_by("session__starts_at", "session_id", "participant__record_number")
    )
    if not enrolments:
        context.stdout("    no past sessions to take roll call for")
        return
    existing = set(
        Attendance.objects.filter(session__program=program).values_list(
            "session_id", "participant_id"
        )
    )
    by_person = by_participant(enrolments)
    numbers = {e.participant_id: e.participant.record_number for e in enrolments}
    people = sorted(by_person, key=numbers.__getitem__)
    streakers = rng.sample(
        [p for p in people if len(by_person[p]) >= 2],
        min(STREAKS, sum(1 for p in people if len(by_person[p]) >= 2)),
    )
    this_week = current_week(program, now)
    in_week = [
        p
        for p in people
        if p not in streakers and any(e.session.date >= this_week for e in by_person[p])
    ]
    short = rng.sample(in_week, min(SHORT_THIS_WEEK, len(in_week)))
    forced = {
        (e.session_id, p): AttendanceStatus.UNEXCUSED for p in streakers for e in by_person[p][-2:]
    }
    forced.update(
        {
            (e.session_id, p): AttendanceStatus.EXCUSED
            for p in short
            for e in by_person[p]
            if e.session.date >= this_week
        }
    )
    fallback = context.staff.get("frontdesk")
    rows: list[Attendance] = []
    previous: dict[int, str] = {}
    for e in enrolments:
        session = e.session
        most = max(1, session.minutes - 5)
        draw, part = rng.random(), rng.randint(min(most, max(1, session.minutes // 2)), most)
        key = (session.pk, e.participant_id)
        status = forced.get(key) or _status(draw, previous.get(e.participant_id), session)
        previous[e.participant_id] = status
        if key in existing:
            continue
        minutes_by_status: dict[str, int] = {
            AttendanceStatus.PRESENT: session.minutes,
            AttendanceStatus.VIRTUAL: session.minutes,
            AttendanceStatus.LATE: part,
            AttendanceStatus.LEFT_EARLY: part,
        }
        minutes = minutes_by_status.get(status, 0)
        staff = list(session.staff.all())
        rows.append(
            Attendance(
                session=session,
                participant_id=e.participant_id,
                episode_id=e.episode_id,
                status=status,
                minutes=minutes,
                recorded_by=staff[0] if staff else fallback,
                recorded_at=session.ends_at,
            )
        )
    with transaction.atomic():
        Attendance.objects.bulk_create(rows, batch_size=2000)
        weekly.rebuild(Episode.objects.filter(program=program))
        if rows:
            record_event(
                actor=None,
                event_type="demo.imported",
                record_type="attendance.Attendance",
                details={"synthetic_demo_import": len(rows)},
            )
        for person in streakers:
            last = by_person[person][-1]
            row = Attendance.objects.select_related("participant", "session", "episode").get(
                session_id=last.session_id, participant_id=person
            )
            check_missed_sessions(row, by=None, now=now)
    context.stdout(f"    {len(rows)} roll call entries")


def _status(draw: float, previous: str | None, session: Session) -> str:
    """Mostly present; an unexcused absence never follows another one by chance."""
    if draw < 0.78:
        virtual = session.mode == SessionMode.VIRTUAL
        return AttendanceStatus.VIRTUAL if virtual else AttendanceStatus.PRESENT
    if draw < 0.84:
        return AttendanceStatus.LATE
    if draw < 0.89:
        return AttendanceStatus.LEFT_EARLY
    if draw < 0.95 or previous == AttendanceStatus.UNEXCUSED:
        return AttendanceStatus.EXCUSED
    return AttendanceStatus.UNEXCUSED
