"""A synthetic past for one program, in bulk, for the demo: participants with varied
demographics, referrals, admissions, lengths of stay, discharges, weekly attendance, the
signed group note of each session held, and alerts, written with bulk_create. Every person
is invented. (`outcomes.installation` writes whole installations at scale for the
benchmarks and shares the names, the spreads, who leads the groups and the primary
clinician's care-team place.)

Every stay has its primary clinician, as a real program's has: the program's clinicians
share the admissions by how many people each already has in care (`primary_clinicians`),
each holds the stay's care-team place from admission until the discharge ends it
(`primary_place`), and writes what a primary clinician writes (`PastStaff`).

Every session is led, as a real program's are: each group has a lead facilitator it keeps
for months (`Leads`), handed over now and then, with someone covering a session here and
there, all of them staff the access policy lets facilitate sessions.

The spreads are plausible, not fitted to anything: waits from referral to admission from
same-day to several weeks, lengths of stay long-tailed (a few days to most of a year), a
share never admitted, a share still in care, attendance that varies by person and by week.
"""

import heapq
import random
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from accounts.models import Program, Site, User
from attendance import weekly
from attendance.models import ABSENT_STATUSES, Attendance, AttendanceStatus
from monitoring.models import Alert, AlertStatus, Severity
from notes import services as note_services
from notes import session_notes
from notes.demo import NARRATIVES, SECTIONS, SYNTHETIC
from notes.models import AbsenceEntry, CoSignature, GroupNote, NoteKind, ProgressNote
from outcomes import synthetic_care
from outcomes.models import Ethnicity, Race, ReportingDemographics
from participants.access import staff_holding
from participants.models import (
    CareTeamMember,
    CareTeamRole,
    Episode,
    EpisodeStatus,
    Participant,
    PlaceEnd,
    SexAtBirth,
)
from participants.services import left_care_end_reason
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
ACKNOWLEDGEMENT_NOTE = "Synthetic: reviewed with the participant; the plan stands."
# A group's lead hands it over after about this many weeks on average (never within a
# month), and another facilitator covers about this share of its sessions.
LEAD_WEEKS = 26
COVER_SHARE = 0.08
# The share of group notes signed after their due time.
LATE_NOTES = 0.15
# The shares of full time a clinician works (drawn once for each): a part-timer is handed
# fewer admissions.
WORKING_TIME = (0.6, 0.8, 1.0, 1.0, 1.0)


@dataclass
class Generated:
    participants: int
    episodes: int
    sessions: int
    attendance: int
    alerts: int
    group_notes: int = 0


@dataclass(frozen=True)
class PastStaff:
    """Who did a synthetic past's work, each what their role does there: the intake
    coordinator opened the referrals; the primary clinicians (`clinicians`, who share the
    stays by `primary_clinicians`) held the care-team place, wrote the notes and the
    questionnaires, recorded the alerts, decided the discharge and made the follow-up calls;
    a drug screen was collected by the primary clinician or one of `collectors` (a nurse)."""

    clinicians: Sequence[User]
    intake: User | None = None
    collectors: Sequence[User] = ()

    def serving(self, organization_id: int) -> list[User]:
        """The clinicians the access policy lets serve as primary clinicians in the
        organization (a picker of primary clinicians offers the same)."""
        allowed = set(
            staff_holding("primary_clinician.serve", organization_id).values_list("pk", flat=True)
        )
        serving = [c for c in self.clinicians if c.pk in allowed]
        if not serving:
            raise ValueError("No clinician may serve as the stays' primary clinician.")
        return serving


def primary_clinicians(
    stays: Sequence[tuple[date, date]], clinicians: Sequence[User], rng: random.Random
) -> list[User]:
    """The primary clinician of each stay (its first and last day), as a program hands out
    its admissions: to whoever has the fewest people in care that day for the time they work
    (`WORKING_TIME`, drawn once for each), chance deciding between near equals. So caseloads
    rise and fall with the census, a part-timer carries fewer, and no one is handed everyone."""
    working = [rng.choice(WORKING_TIME) for _ in clinicians]
    load = [0] * len(clinicians)
    leaving: list[tuple[date, int]] = []  # (last day, clinician)
    chosen = [0] * len(stays)
    for i in sorted(range(len(stays)), key=lambda i: stays[i]):
        first, last = stays[i]
        while leaving and leaving[0][0] < first:
            load[heapq.heappop(leaving)[1]] -= 1
        c = min(range(len(clinicians)), key=lambda c: (load[c] + 2 * rng.random()) / working[c])
        load[c] += 1
        heapq.heappush(leaving, (last, c))
        chosen[i] = c
    return [clinicians[c] for c in chosen]


def primary_place(episode: Episode, admitted: date) -> CareTeamMember:
    """The primary clinician's care-team place for the stay, from `admitted`; a past stay's
    ended with it, by the clinician who recorded the discharge, as leaving care ends it.
    `episode.primary_clinician` and `episode.program` are read as given (no query)."""
    place = CareTeamMember(
        episode=episode,
        user=episode.primary_clinician,
        role=CareTeamRole.PRIMARY_CLINICIAN,
        started_on=admitted,
    )
    if episode.discharged_on is not None:
        place.ended_on = episode.discharged_on
        place.ended_at = datetime.combine(episode.discharged_on, time(16, 0), episode.program.tz)
        place.ended_by = episode.primary_clinician
        place.ended_how = PlaceEnd.LEFT_CARE
        place.end_reason = left_care_end_reason(episode.status)
    return place


def may_facilitate(organization_id: int) -> list[int]:
    """The staff of an organization the access policy lets facilitate sessions, by id: the
    only ones a synthetic session may name as its facilitator (the schedule offers the same)."""
    return sorted(
        staff_holding("sessions.facilitate", organization_id).values_list("pk", flat=True)
    )


class Leads:
    """Who led each session of the groups a history writes: each group keeps one lead (of
    `staff`) for months (about `LEAD_WEEKS` weeks, at least four) before handing it to
    another, and about `COVER_SHARE` of its sessions someone else (of `cover`, by default
    `staff`) covers. The leads' spells are drawn when the group is added, so who led a
    session depends on its day, not on when it is asked."""

    def __init__(self, rng: random.Random, staff: Sequence[int], cover: Sequence[int] = ()) -> None:
        if not staff:
            raise ValueError("No member of staff may facilitate the program's sessions.")
        self.rng, self.staff = rng, list(staff)
        self.cover = list(cover) or self.staff
        self.spells: dict[int, tuple[list[date], list[int]]] = {}

    def _other(self, than: int, among: list[int]) -> int:
        others = [pk for pk in among if pk != than]
        return self.rng.choice(others) if others else than

    def add(self, group_id: int, first: date, last: date) -> int:
        """Draw the group's leads from `first` to `last`; returns its last lead, the one the
        group names as its facilitator."""
        days, leads = [first], [self.rng.choice(self.staff)]
        day = first
        while True:
            day += timedelta(weeks=max(4, round(self.rng.expovariate(1 / LEAD_WEEKS))))
            if day > last:
                break
            days.append(day)
            leads.append(self._other(leads[-1], self.staff))
        self.spells[group_id] = (days, leads)
        return leads[-1]

    def led(self, group_id: int, day: date) -> int:
        """Who led the group's session on `day`: its lead then, or someone covering."""
        days, leads = self.spells[group_id]
        lead = leads[max(0, bisect_right(days, day) - 1)]
        return self._other(lead, self.cover) if self.rng.random() < COVER_SHARE else lead


def stay_alerts(
    rng: random.Random, episode: Episode, admitted: date, last: date, tz: ZoneInfo
) -> Iterator[dict[str, Any]]:
    """The fields of a stay's synthetic alerts (none to three, raised in office hours between
    admission and `last`, one in twenty still open if the person is in care), for the demo
    and the benchmark installations alike. The primary clinician acknowledged the others,
    with a note, as the alerts page asks of whoever closes one."""
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
            "acknowledged_by_id": None if open_ else episode.primary_clinician_id,
            "acknowledgement_note": "" if open_ else ACKNOWLEDGEMENT_NOTE,
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
    staff: PastStaff,
    years: int = 3,
    seed: int = 7,
    attendance: bool = True,
    numbering: str = "S",
    in_care: bool = True,
    after_care: bool = False,
) -> Generated:
    """Write a history of `participants` people of `program` over `years` years up to `today`.

    The groups they attended are written retired (a program's past groups), in the program's
    tracks of the same names, so the calendar and the weekly solve leave them alone; each
    session someone was expected at names who led it (`Leads`: the facilitators the
    program's groups name today, else the history's clinicians, `past_leads`), that person
    took its roll call and signed its group note (`group_notes`). Each admitted stay has a
    primary clinician of `staff` (`primary_clinicians`) with a care-team place for the stay
    (`primary_place`), who wrote its records; who did which part is drawn apart from the
    rest, so it never moves the figures.
    With `in_care` off it is a past only: everyone admitted left care before this week and
    no session falls in it, so nothing joins a caseload, a day's sessions or a worklist.
    `after_care` adds the end-of-care records (outcomes.synthetic_care) the board counts.
    """
    organization = program.organization
    rng = random.Random(seed)
    staffing = random.Random(f"{seed}:staff")
    tz = ZoneInfo(program.time_zone)
    start = today - timedelta(days=365 * years)
    until = today if in_care else today - timedelta(days=today.weekday() + 1)
    with transaction.atomic():
        clinicians = staff.serving(organization.pk)
        sites = list(Site.objects.filter(program=program)) or [
            Site.objects.create(program=program, name=f"{program.name} site")
        ]
        leads = Leads(random.Random(rng.random()), past_leads(program, clinicians))
        tracks: list[list[Group]] = []
        named: list[Any] = []
        for name, days, starts, minutes, mode in TRACKS:
            track = Track.objects.get_or_create(program=program, name=f"{name} track")[0]
            made = [
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
            named.extend(
                Group.facilitators.through(group_id=g.pk, user_id=leads.add(g.pk, start, until))
                for g in made
            )
            tracks.append(made)
        Group.facilitators.through.objects.bulk_create(named)
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
                    recorded_by=staff.intake,
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
        stays = [(e, e.admitted_on) for e in episodes if e.admitted_on is not None]
        chosen = primary_clinicians(
            [(admitted, e.discharged_on or today) for e, admitted in stays], clinicians, staffing
        )
        for (episode, _), clinician in zip(stays, chosen, strict=True):
            episode.primary_clinician = clinician
        episodes = Episode.objects.bulk_create(episodes, batch_size=BATCH)
        CareTeamMember.objects.bulk_create(
            [primary_place(e, admitted) for e, admitted in stays], batch_size=BATCH
        )
        sessions: dict[tuple[int, date], Session] = {}
        led: dict[int, int] = {}
        if attendance:
            sessions, led = _sessions(
                program, tracks, episodes, plans, leads, first=start, last=until, tz=tz
            )
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
                        session = sessions.get((group.pk, monday + timedelta(days=group.weekday)))
                        if session is None or not admitted <= session.date <= last:
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
                                recorded_by_id=led[session.pk],
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
                    recorded_by=episode.primary_clinician,
                    **fields,
                )
                for fields in stay_alerts(
                    rng, episode, admitted, episode.discharged_on or today, tz
                )
            )
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        Attendance.objects.bulk_create(roll_calls, batch_size=BATCH)
        written += len(roll_calls)
        notes = group_notes(program, list(sessions.values()), led, rng, today=today, tz=tz)
        session_notes.rebuild(Session.objects.filter(program=program))
        weekly.rebuild(Episode.objects.filter(program__organization=organization))
        Alert.objects.bulk_create(alerts, batch_size=BATCH)
        if after_care:
            synthetic_care.write(
                episodes,
                today=today,
                rng=rng,
                tz=tz,
                collectors=staff.collectors,
                staffing=staffing,
            )
    return Generated(
        participants=len(people),
        episodes=len(episodes),
        sessions=len(sessions),
        attendance=written,
        alerts=len(alerts),
        group_notes=notes.group_notes,
    )


def past_leads(program: Program, clinicians: Sequence[User] = ()) -> list[int]:
    """Who leads a program's past groups, by id: the facilitators its groups name today that
    the access policy still lets facilitate, or when it names none the history's
    `clinicians` it lets, or else everyone it lets."""
    eligible = may_facilitate(program.organization_id)
    naming = set(
        Group.facilitators.through.objects.filter(group__program=program).values_list(
            "user_id", flat=True
        )
    )
    ours = {c.pk for c in clinicians}
    return (
        [pk for pk in eligible if pk in naming] or [pk for pk in eligible if pk in ours] or eligible
    )


def _sessions(
    program: Program,
    tracks: list[list[Group]],
    episodes: list[Episode],
    plans: list[tuple[int, float, date] | None],
    leads: Leads,
    *,
    first: date,
    last: date,
    tz: ZoneInfo,
) -> tuple[dict[tuple[int, date], Session], dict[int, int]]:
    """The sessions of the past groups someone was expected at between `first` and `last`
    (a program holds no group no one is on), each with who led it, in bulk. Returns them
    by group and day, and who led each by session id."""
    wanted: set[tuple[int, date]] = set()
    for episode, plan in zip(episodes, plans, strict=True):
        if plan is None:
            continue
        admitted = max(plan[2], first)
        ends = min(episode.discharged_on or last, last)
        for monday in _weeks(admitted, ends):
            for group in tracks[plan[0]]:
                day = monday + timedelta(days=group.weekday)
                if admitted <= day <= ends:
                    wanted.add((group.pk, day))
    groups = {g.pk: g for made in tracks for g in made}
    rows = []
    for group_id, day in sorted(wanted):
        group = groups[group_id]
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
    made = Session.objects.bulk_create(rows, batch_size=BATCH)
    led = {s.pk: leads.led(s.group_id, s.date) for s in made}  # type: ignore[arg-type]
    Session.staff.through.objects.bulk_create(
        [Session.staff.through(session_id=pk, user_id=by) for pk, by in led.items()],
        batch_size=BATCH,
    )
    return {(s.group_id, s.date): s for s in made}, led  # type: ignore[misc]


@dataclass
class PastNote:
    """One session's signed group note as `past_group_notes` decides it, as field values for
    whichever writer stores it: the note's own (`note`), each attending member's note with
    its co-signature's, if it has one by now (`members`), and each absentee's entry
    (`absences`). The links between them (the group note of a member's note or an absence
    entry, the note a co-signature signs) are the writer's to fill in."""

    note: dict[str, Any]
    members: list[tuple[dict[str, Any], dict[str, Any] | None]]
    absences: list[dict[str, Any]]


def past_group_notes(
    program: Program,
    sessions: list[Session],
    led: dict[int, int],
    rng: random.Random,
    *,
    today: date,
    tz: ZoneInfo,
    leave_late: bool = False,
) -> Iterator[PastNote]:
    """The signed group note of each session a roll call was taken at, as its facilitator
    writes it: by the one who led it (`led`, by session id), within the day (some after
    their due time), each attending member's own section and an absence entry for each who
    missed it. A note the program asks a co-signature of was co-signed a day to three later
    by someone the access policy lets co-sign. For the demo's past, which is over, a note or
    co-signature due later is written as `today` began; with `leave_late` (an installation
    on the day) it is not written yet, so those sessions wait on the notes board, overdue
    once their due time has passed, and those notes wait for their co-signature.
    Yielded one session at a time, in time order, so the demo's writer (`group_notes`) and
    the installation's (COPY) store the same notes and neither holds years of them at once."""
    rolls: dict[int, list[tuple[int, int, str, int]]] = {}
    for session_id, participant_id, episode_id, status, minutes in (
        Attendance.objects.filter(session__group_id__in={s.group_id for s in sessions})
        .order_by("session_id", "participant_id")
        .values_list("session_id", "participant_id", "episode_id", "status", "minutes")
    ):
        rolls.setdefault(session_id, []).append((participant_id, episode_id, status, minutes))
    held = sorted((s for s in sessions if s.pk in rolls), key=lambda s: (s.starts_at, s.pk))
    if not held:
        return
    authors = User.objects.in_bulk(set(led.values()))
    needs = {pk: note_services.needs_cosignature(u, program) for pk, u in authors.items()}
    cosigners = sorted(
        staff_holding("note.cosign", program.organization_id).values_list("pk", flat=True)
    )
    after = note_services.due_at(program, held[0], held[0].date, None) - held[0].ends_at
    began = datetime.combine(today, time(0), tz)
    for session in held:
        by = led[session.pk]
        due = session.ends_at + after
        if rng.random() < LATE_NOTES:
            signed = due + timedelta(hours=rng.lognormvariate(2.0, 1.0))
        else:
            signed = session.ends_at + timedelta(hours=rng.uniform(1, 20))
        if signed >= began and leave_late:
            continue
        signed = min(signed, began)
        past = PastNote(
            note={
                "session_id": session.pk,
                "narrative": f"{rng.choice(NARRATIVES)} {SYNTHETIC}",
                "recorded_by_id": by,
                "recorded_at": session.ends_at,
                "signed_by_id": by,
                "signed_at": signed,
            },
            members=[],
            absences=[],
        )
        for participant_id, episode_id, status, minutes in rolls[session.pk]:
            if status in ABSENT_STATUSES:
                past.absences.append(
                    {
                        "participant_id": participant_id,
                        "text": f"Absent ({AttendanceStatus(status).label.lower()}). {SYNTHETIC}",
                        "recorded_by_id": by,
                        "recorded_at": session.ends_at,
                    }
                )
                continue
            member = {
                "participant_id": participant_id,
                "organization_id": program.organization_id,
                "episode_id": episode_id,
                "session_id": session.pk,
                "kind": NoteKind.GROUP,
                "sections": {"Participation and response": f"{rng.choice(SECTIONS)} {SYNTHETIC}"},
                "service_date": session.date,
                "start_time": session.starts_at.astimezone(tz).time(),
                "end_time": session.ends_at.astimezone(tz).time(),
                "minutes": minutes,
                "mode": note_services.session_mode(session),
                "participant_location": "Home" if session.is_virtual else "",
                "no_objective_reason": "No signed plan yet",
                "due_at": due,
                "recorded_by_id": by,
                "recorded_at": session.ends_at,
                "signed_by_id": by,
                "signed_at": signed,
                "cosign_required": needs[by],
            }
            cosignature = None
            others = [pk for pk in cosigners if pk != by]
            if needs[by] and others:
                cosigner = rng.choice(others)
                cosigned = signed + timedelta(days=rng.randint(1, 3))
                if cosigned < began or not leave_late:
                    cosignature = {"recorded_by_id": cosigner, "recorded_at": min(cosigned, began)}
            past.members.append((member, cosignature))
        yield past


@dataclass
class NotesWritten:
    """What `group_notes` wrote: group notes, members' notes, absence entries and
    co-signatures."""

    group_notes: int = 0
    members: int = 0
    absences: int = 0
    cosignatures: int = 0


def group_notes(
    program: Program,
    sessions: list[Session],
    led: dict[int, int],
    rng: random.Random,
    *,
    today: date,
    tz: ZoneInfo,
    leave_late: bool = False,
) -> NotesWritten:
    """Write the notes `past_group_notes` decides for `sessions` with bulk_create, in batches
    (the demo's past; the installation copies the same rows in with COPY)."""
    written = NotesWritten()
    notes: list[GroupNote] = []
    members: list[ProgressNote] = []
    absences: list[AbsenceEntry] = []
    cosignatures: list[CoSignature] = []

    def write() -> None:
        GroupNote.objects.bulk_create(notes, batch_size=BATCH)
        ProgressNote.objects.bulk_create(members, batch_size=BATCH)
        AbsenceEntry.objects.bulk_create(absences, batch_size=BATCH)
        CoSignature.objects.bulk_create(cosignatures, batch_size=BATCH)
        written.group_notes += len(notes)
        written.members += len(members)
        written.absences += len(absences)
        written.cosignatures += len(cosignatures)
        for rows in (notes, members, absences, cosignatures):
            rows.clear()

    for past in past_group_notes(
        program, sessions, led, rng, today=today, tz=tz, leave_late=leave_late
    ):
        note = GroupNote(**past.note)
        notes.append(note)
        for fields, cosigned in past.members:
            member = ProgressNote(group_note=note, **fields)
            members.append(member)
            if cosigned is not None:
                cosignatures.append(CoSignature(note=member, **cosigned))
        absences.extend(AbsenceEntry(group_note=note, **fields) for fields in past.absences)
        if len(members) + len(absences) >= BATCH * 4:
            write()
    write()
    return written
