"""A synthetic past for one program, in bulk, for the demo: participants with varied
demographics, referrals, admissions, lengths of stay, discharges, weekly attendance and
alerts, written with bulk_create. Every person is invented. (`outcomes.installation`
writes whole installations at scale for the benchmarks and shares the names and spreads.)

The spreads are plausible, not fitted to anything: waits from referral to admission from
same-day to several weeks, lengths of stay long-tailed (a few days to most of a year), a
share never admitted, a share still in care, attendance that varies by person and by week.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.models import Program, Site, User
from attendance import weekly
from attendance.models import Attendance, AttendanceStatus
from monitoring.models import Alert, AlertStatus, Severity
from outcomes import synthetic_care
from outcomes.models import Ethnicity, Race, ReportingDemographics
from participants.models import Episode, EpisodeStatus, Participant, SexAtBirth
from scheduling.models import Enrolment, Group, Session, SessionMode, Track

FIRST_NAMES = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Casey",
    "Riley",
    "Morgan",
    "Jamie",
    "Avery",
    "Quinn",
]
LAST_NAMES = ["Synthetic", "Example", "Sample", "Fictional", "Madeup", "Invented", "Placeholder"]
RACES = [
    (Race.WHITE, 55),
    (Race.BLACK, 16),
    (Race.ASIAN, 6),
    (Race.AMERICAN_INDIAN, 3),
    (Race.PACIFIC_ISLANDER, 1),
    (Race.MORE_THAN_ONE, 7),
    (Race.NOT_REPORTED, 12),
]
ETHNICITIES = [(Ethnicity.HISPANIC, 20), (Ethnicity.NOT_HISPANIC, 70), (Ethnicity.NOT_REPORTED, 10)]
SEXES = [
    (SexAtBirth.MALE, 52),
    (SexAtBirth.FEMALE, 45),
    (SexAtBirth.INTERSEX, 1),
    (SexAtBirth.UNKNOWN, 2),
]
SEVERITIES = [
    (Severity.INFO, 30),
    (Severity.WARNING, 40),
    (Severity.HIGH, 20),
    (Severity.CRITICAL, 10),
]
# Track: (name, weekdays, start time, minutes per session, mode)
TRACKS = [
    ("Morning", (0, 2, 3), time(9, 0), 180, SessionMode.IN_PERSON),
    ("Evening", (0, 1, 3), time(18, 0), 180, SessionMode.IN_PERSON),
    ("Virtual", (1, 2, 4), time(12, 0), 180, SessionMode.VIRTUAL),
]
BATCH = 5000


@dataclass
class Generated:
    participants: int
    episodes: int
    sessions: int
    attendance: int
    alerts: int


def stay_alerts(
    rng: random.Random, episode: Episode, admitted: date, last: date, tz: ZoneInfo
) -> Iterator[dict[str, Any]]:
    """The fields of a stay's synthetic alerts (none to three, raised in office hours between
    admission and `last`, one in twenty still open if the person is in care), for the demo
    and the benchmark installations alike."""
    for _ in range(rng.choices((0, 1, 2, 3), (70, 18, 8, 4))[0]):
        day = admitted + timedelta(days=rng.randrange(max(1, (last - admitted).days)))
        raised = datetime.combine(day, time(rng.randrange(8, 18), rng.randrange(60)), tz)
        open_ = rng.random() < 0.05 and episode.discharged_on is None
        yield {
            "kind": "synthetic",
            "severity": _pick(rng, SEVERITIES),
            "title": "Synthetic alert",
            "status": AlertStatus.OPEN if open_ else AlertStatus.ACKNOWLEDGED,
            "acknowledged_at": None
            if open_
            else raised + timedelta(hours=rng.lognormvariate(1.0, 1.2)),
            "recorded_at": raised,
        }


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _weeks(first: date, last: date):
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        yield monday
        monday += timedelta(days=7)


def generate(
    program: Program,
    *,
    participants: int,
    today: date,
    recorded_by: User,
    years: int = 3,
    seed: int = 7,
    attendance: bool = True,
    numbering: str = "S",
    in_care: bool = True,
    after_care: bool = False,
) -> Generated:
    """Write a history of `participants` people of `program` over `years` years up to `today`.

    The groups they attended are written retired (a program's past groups), in the program's
    tracks of the same names, so the calendar and the weekly solve leave them alone.
    With `in_care` off it is a past only: everyone admitted left care before this week and
    no session falls in it, so nothing joins a caseload, a day's sessions or a worklist.
    `after_care` adds the end-of-care records (outcomes.synthetic_care) the board counts.
    """
    organization = program.organization
    rng = random.Random(seed)
    tz = ZoneInfo(program.time_zone)
    start = today - timedelta(days=365 * years)
    until = today if in_care else today - timedelta(days=today.weekday() + 1)
    with transaction.atomic():
        sites = list(Site.objects.filter(program=program)) or [
            Site.objects.create(program=program, name=f"{program.name} site")
        ]
        tracks: list[list[Group]] = []
        for name, days, starts, minutes, mode in TRACKS:
            track = Track.objects.get_or_create(program=program, name=f"{name} track")[0]
            tracks.append(
                [
                    Group.objects.create(
                        program=program,
                        track=track,
                        title=f"{name} group (past)",
                        weekday=day,
                        start_time=starts,
                        minutes=minutes,
                        mode=mode,
                        capacity=12,
                        is_active=False,
                    )
                    for day in days
                ]
            )
        sessions: dict[tuple[int | None, date], list[Session]] = {}
        if attendance:
            rows = []
            for made in tracks:
                for monday in _weeks(start, today):
                    for group in made:
                        day = monday + timedelta(days=group.weekday)
                        if day < start or day > until:
                            continue
                        begins = datetime.combine(day, group.start_time, tz)
                        rows.append(
                            Session(
                                program=program,
                                group=group,
                                kind=Session.Kind.GROUP,
                                title=group.title,
                                date=day,
                                starts_at=begins,
                                ends_at=begins + timedelta(minutes=group.minutes),
                                minutes=group.minutes,
                                mode=group.mode,
                                capacity=group.capacity,
                            )
                        )
            made_sessions = Session.objects.bulk_create(rows, batch_size=BATCH)
            for session in made_sessions:
                key = (session.group_id, session.date - timedelta(days=session.date.weekday()))
                sessions.setdefault(key, []).append(session)
        people = []
        for i in range(participants):
            age = int(min(max(rng.gauss(36, 12), 14), 80))
            people.append(
                Participant(
                    organization=organization,
                    record_number=f"{numbering}-{i + 1:07d}",
                    legal_first_name=rng.choice(FIRST_NAMES),
                    legal_last_name=rng.choice(LAST_NAMES),
                    date_of_birth=today - timedelta(days=age * 365 + rng.randrange(365)),
                    sex_at_birth=_pick(rng, SEXES),
                    recorded_by=recorded_by,
                )
            )
        people = Participant.objects.bulk_create(people, batch_size=BATCH)
        ReportingDemographics.objects.bulk_create(
            [
                ReportingDemographics(
                    participant=p, race=_pick(rng, RACES), ethnicity=_pick(rng, ETHNICITIES)
                )
                for p in people
            ],
            batch_size=BATCH,
        )
        episodes = []
        # Each admitted episode's track, adherence and admission day (None: never admitted).
        plans: list[tuple[int, float, date] | None] = []
        span = (today - start).days
        for person in people:
            referred = start + timedelta(days=rng.randrange(span))
            site = rng.choice(sites)
            track_index = rng.randrange(len(TRACKS))
            roll = rng.random()
            wait = int(rng.expovariate(1 / 9))
            admitted = referred + timedelta(days=wait)
            if roll < 0.12 or admitted > until:
                status = (
                    EpisodeStatus.DECLINED
                    if admitted <= until or not in_care
                    else EpisodeStatus.REFERRED
                )
                episodes.append(
                    Episode(
                        participant=person,
                        program=program,
                        site=site,
                        status=status,
                        referred_on=referred,
                        level_of_care=program.level_of_care,
                        status_reason="Synthetic history"
                        if status == EpisodeStatus.DECLINED
                        else "",
                    )
                )
                plans.append(None)
                continue
            stay = max(1, min(int(rng.lognormvariate(3.8, 0.6)), 360))
            ends = admitted + timedelta(days=stay)
            if ends > until and not in_care:
                referred = start + timedelta(days=rng.randrange(max(1, span - wait - stay - 7)))
                admitted = referred + timedelta(days=wait)
                ends = min(admitted + timedelta(days=stay), until)
            discharged = None if ends > today else ends
            if discharged is None:
                status = EpisodeStatus.ACTIVE
            else:
                status = (
                    EpisodeStatus.TRANSFERRED_OUT
                    if rng.random() < 0.15
                    else EpisodeStatus.DISCHARGED
                )
            episodes.append(
                Episode(
                    participant=person,
                    program=program,
                    site=site,
                    status=status,
                    referred_on=referred,
                    admitted_on=admitted,
                    discharged_on=discharged,
                    level_of_care=program.level_of_care,
                    status_reason="Synthetic history" if discharged else "",
                )
            )
            plans.append((track_index, rng.betavariate(5, 2), admitted))
        episodes = Episode.objects.bulk_create(episodes, batch_size=BATCH)
        enrolments, roll_calls = [], []
        alerts: list[Alert] = []
        written = 0
        for episode, plan in zip(episodes, plans, strict=True):
            if plan is None:
                continue
            track_index, adherence, admitted = plan
            if attendance:
                made = tracks[track_index]
                last = episode.discharged_on or today
                for monday in _weeks(admitted, last):
                    week_adherence = min(1.0, max(0.0, rng.gauss(adherence, 0.15)))
                    for group in made:
                        for session in sessions.get((group.pk, monday), []):
                            if not admitted <= session.date <= last:
                                continue
                            enrolments.append(
                                Enrolment(
                                    session=session,
                                    participant_id=episode.participant_id,
                                    episode=episode,
                                )
                            )
                            if session.date >= today:
                                continue
                            came = rng.random() < week_adherence
                            partial = came and rng.random() < 0.1
                            roll_calls.append(
                                Attendance(
                                    session=session,
                                    participant_id=episode.participant_id,
                                    episode=episode,
                                    status=(
                                        AttendanceStatus.LATE
                                        if partial
                                        else AttendanceStatus.PRESENT
                                        if came
                                        else AttendanceStatus.UNEXCUSED
                                    ),
                                    minutes=(
                                        session.minutes - 45
                                        if partial
                                        else session.minutes
                                        if came
                                        else 0
                                    ),
                                    recorded_by=recorded_by,
                                    recorded_at=session.ends_at,
                                )
                            )
                if len(roll_calls) >= BATCH * 4:
                    Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
                    Attendance.objects.bulk_create(roll_calls, batch_size=BATCH)
                    written += len(roll_calls)
                    enrolments, roll_calls = [], []
            alerts.extend(
                Alert(
                    participant_id=episode.participant_id,
                    episode=episode,
                    recorded_by=recorded_by,
                    **fields,
                )
                for fields in stay_alerts(
                    rng, episode, admitted, episode.discharged_on or today, tz
                )
            )
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        Attendance.objects.bulk_create(roll_calls, batch_size=BATCH)
        written += len(roll_calls)
        weekly.rebuild(Episode.objects.filter(program__organization=organization))
        Alert.objects.bulk_create(alerts, batch_size=BATCH)
        if after_care:
            synthetic_care.write(episodes, today=today, recorded_by=recorded_by, rng=rng, tz=tz)
    return Generated(
        participants=len(people),
        episodes=len(episodes),
        sessions=sum(len(v) for v in sessions.values()),
        attendance=written,
        alerts=len(alerts),
    )
