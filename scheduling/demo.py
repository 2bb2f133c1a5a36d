"""The demo program's calendar, participants' availability and a published schedule.

Three tracks (morning Mon/Wed/Fri 9–12 at Eastside, evening Tue/Thu 18–21 plus Saturday
9–12 Downtown, and a virtual track) and a women's group; staff on day or evening shifts;
everyday availability patterns (day workers come in the evening, parents 9–14, some attend
only online, a few cannot reach a full dose). One solve of the current week is published
for the previous weeks (attendance history), this week and next week. Rerunning changes
nothing; the same seed gives the same schedule.
"""

import math
import random
from datetime import date, time, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Membership, Program, Role, User
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode
from scheduling.models import (
    AttendanceMode,
    AvailabilityWindow,
    Closure,
    Constraint,
    Group,
    Publication,
    Room,
    ScheduleRun,
    SchedulingProfile,
    SessionMode,
    StaffHours,
    Track,
)
from scheduling.problem_builder import build_week_problem
from scheduling.publishing import publish_run
from scheduling.solver import check, parse_problem, solve, to_json
from scheduling.weeks import local_instant, week_start

SOLVE_LIMIT = 200  # participants scheduled by the demo; the rest keep profiles only
TIME_LIMIT = 5
HISTORY_WEEKS = 3
VIDEO = "https://video.example.invalid/riverbend/"
ROOMS = {  # site name -> [(room, seats)]
    "Eastside Clinic": [("Oak room", 12), ("Birch room", 10)],
    "Downtown Center": [("Room 201", 12), ("Room 204", 8)],
}
TRACKS = {
    "Morning track": "Mon, Wed and Fri 09:00–12:00 at Eastside Clinic",
    "Evening track": "Tue and Thu 18:00–21:00 and Sat 09:00–12:00 Downtown",
    "Virtual track": "Online: Mon and Wed evenings, Saturday afternoon",
}
# (track, weekday, start, minutes, title, module, room, facilitators)
GROUPS = [
    (
        "Morning track",
        0,
        "09:00",
        180,
        "Relapse prevention",
        "Triggers, cravings and coping plans",
        "Oak room",
        ["therapist"],
    ),
    (
        "Morning track",
        2,
        "09:00",
        180,
        "DBT skills",
        "Distress tolerance and emotion regulation",
        "Oak room",
        ["counsellor"],
    ),
    (
        "Morning track",
        4,
        "09:00",
        180,
        "Seeking Safety",
        "Safety first: trauma and substance use",
        "Oak room",
        ["therapist", "nurse"],
    ),
    (
        "Evening track",
        1,
        "18:00",
        180,
        "Relapse prevention",
        "Triggers, cravings and coping plans",
        "Room 201",
        ["therapist2"],
    ),
    (
        "Evening track",
        3,
        "18:00",
        180,
        "DBT skills",
        "Mindfulness and interpersonal effectiveness",
        "Room 201",
        ["counsellor2"],
    ),
    (
        "Evening track",
        5,
        "09:00",
        180,
        "Family education",
        "Recovery as a family: communication and boundaries",
        "Room 201",
        ["therapist2", "peer"],
    ),
    (
        "Virtual track",
        0,
        "18:00",
        180,
        "Seeking Safety (online)",
        "Safety first: trauma and substance use",
        None,
        ["counsellor2"],
    ),
    (
        "Virtual track",
        2,
        "18:00",
        180,
        "Relapse prevention (online)",
        "Triggers, cravings and coping plans",
        None,
        ["therapist2"],
    ),
    (
        "Virtual track",
        5,
        "13:00",
        180,
        "Recovery skills (online)",
        "Medication, sleep and relapse warning signs",
        None,
        ["counsellor2"],
    ),
    (None, 3, "10:00", 120, "Women's group", "Seeking Safety for women", "Birch room", ["peer"]),
]
DAY_SHIFT = [(d, "08:00", "17:00") for d in range(5)]
EVENING_SHIFT = [(d, "12:00", "21:30") for d in range(4)] + [(5, "08:30", "16:30")]
STAFF_HOURS = {
    "therapist": DAY_SHIFT,
    "counsellor": DAY_SHIFT,
    "nurse": [(d, "08:00", "16:30") for d in range(5)],
    "supervisor": [(d, "09:00", "17:00") for d in range(5)],
    "prescriber": [(0, "09:00", "17:00"), (2, "09:00", "17:00")],
    "therapist2": EVENING_SHIFT,
    "counsellor2": EVENING_SHIFT,
    "peer": [(d, "08:30", "17:00") for d in range(1, 6)],
}
EVENING_CLINICIANS = ("therapist2", "counsellor2")
# archetype -> (share, windows, mode, max_days, constraints)
PATTERNS = [
    (
        "day worker",
        0.30,
        [(d, "17:30", "21:30") for d in range(5)] + [(5, "08:30", "16:30")],
        AttendanceMode.EITHER,
        5,
        [Constraint.WORK],
    ),
    (
        "parent",
        0.25,
        [(d, "09:00", "14:00") for d in range(5)],
        AttendanceMode.IN_PERSON,
        5,
        [Constraint.CHILDCARE],
    ),
    (
        "online only",
        0.15,
        [
            (0, "17:00", "21:30"),
            (2, "17:00", "21:30"),
            (4, "12:00", "15:00"),
            (5, "12:00", "17:00"),
        ],
        AttendanceMode.VIRTUAL,
        4,
        [Constraint.TRANSPORT],
    ),
    ("flexible", 0.20, [(d, "08:30", "21:30") for d in range(6)], AttendanceMode.EITHER, 5, []),
    (
        "two evenings",
        0.10,
        [(1, "17:30", "21:30"), (3, "17:30", "21:30")],
        AttendanceMode.IN_PERSON,
        2,
        [Constraint.WORK, Constraint.SCHOOL],
    ),
]


COHORT_SIZE = 30
"""Participants one set of the program's groups serves: every 30 in care add a parallel set."""
COHORT_FACILITATORS = [  # (first name, last name, credentials) per extra set: day, then evening
    ("Hana", "Kowalczyk", "LPC"),
    ("Omar", "Sadeghi", "CADC"),
    ("Lucia", "Ferreira", "LMFT"),
    ("Dev", "Raman", "CADC"),
    ("Greta", "Lindholm", "LCSW"),
    ("Kofi", "Asante", "LCDC"),
    ("Mei", "Tanaka", "LPC"),
    ("Ruth", "Abernathy", "CADC"),
    ("Ivan", "Petrov", "LMFT"),
    ("Amara", "Nwosu", "LCSW"),
    ("Sofia", "Brandt", "LPC"),
    ("Tariq", "Mansour", "CADC"),
]
EXTRA_ROOM_SEATS = 10


def _t(text: str) -> time:
    return time.fromisoformat(text)


def _calendar(ctx: DemoContext) -> int:
    program, staff = ctx.program, ctx.staff
    rooms = {}
    for site in ctx.sites:
        for name, seats in ROOMS.get(site.name, []):
            rooms[name] = Room.objects.get_or_create(
                site=site, name=name, defaults={"capacity": seats}
            )[0]
    tracks = {
        name: Track.objects.get_or_create(
            program=program, name=name, defaults={"description": text}
        )[0]
        for name, text in TRACKS.items()
    }
    created = 0
    for track, weekday, start, minutes, title, module, room, leads in GROUPS:
        group, made = Group.objects.get_or_create(
            program=program,
            title=title,
            weekday=weekday,
            start_time=_t(start),
            defaults={
                "track": tracks.get(track) if track else None,
                "curriculum_module": module,
                "minutes": minutes,
                "mode": SessionMode.IN_PERSON if room else SessionMode.VIRTUAL,
                "room": rooms.get(room) if room else None,
                "video_link": ""
                if room
                else f"{VIDEO}{title.split(' (')[0].lower().replace(' ', '-')}",
                "capacity": rooms[room].capacity if room else 12,
                "min_size": 3,
            },
        )
        if made:
            group.facilitators.set([staff[login] for login in leads])
            created += 1
    created += _parallel_groups(ctx, tracks)
    for login, windows in STAFF_HOURS.items():
        user = staff[login]
        if not StaffHours.objects.filter(program=program, user=user).exists():
            StaffHours.objects.bulk_create(
                StaffHours(program=program, user=user, weekday=d, start_time=_t(s), end_time=_t(e))
                for d, s, e in windows
            )
    for day, reason in _holidays(program.today().year):
        Closure.objects.get_or_create(program=program, date=day, defaults={"reason": reason})
    return created


def _cohort_facilitator(ctx: DemoContext, cohort: int, shift: int) -> User:
    """A group facilitator for a parallel set (no sign-in: they only run groups in the demo)."""
    first, last, cred = COHORT_FACILITATORS[(2 * (cohort - 2) + shift) % len(COHORT_FACILITATORS)]
    login = f"groups-{chr(ord('a') + cohort - 1)}-{'evening' if shift else 'day'}"
    user = User.objects.filter(username=login).first()
    if user is None:
        user = User(
            username=login,
            first_name=first,
            last_name=last,
            credentials=cred,
            display_name=f"{first} {last}, {cred}",
            email=f"{login}@riverbend.example",
        )
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, organization=ctx.organization, role=Role.COUNSELLOR)
    if not StaffHours.objects.filter(program=ctx.program, user=user).exists():
        StaffHours.objects.bulk_create(
            StaffHours(program=ctx.program, user=user, weekday=d, start_time=_t(a), end_time=_t(b))
            for d, a, b in (EVENING_SHIFT if shift else DAY_SHIFT)
        )
    return user


def _parallel_groups(ctx: DemoContext, tracks: dict[str, Track]) -> int:
    """Parallel sets of the track groups, one per ``COHORT_SIZE`` participants in care.

    A program with 200 people in care does not run one room per time slot: each extra set has
    its own rooms and a day and an evening facilitator, so the census can reach full dose.
    """
    census = min(_in_care(ctx.program).count(), SOLVE_LIMIT)
    cohorts = max(1, math.ceil(census / COHORT_SIZE))
    sites = {room: site for site in ctx.sites for room, _ in ROOMS.get(site.name, [])}
    created = 0
    for cohort in range(2, cohorts + 1):
        letter = chr(ord("A") + cohort - 1)
        leads = [_cohort_facilitator(ctx, cohort, 0), _cohort_facilitator(ctx, cohort, 1)]
        for track, weekday, start, minutes, title, module, room, _ in GROUPS:
            if track is None:
                continue
            place = None
            if room:
                place = Room.objects.get_or_create(
                    site=sites[room],
                    name=f"{room} {letter}",
                    defaults={"capacity": EXTRA_ROOM_SEATS},
                )[0]
            evening = _t(start) >= time(13) or weekday == 5
            group, made = Group.objects.get_or_create(
                program=ctx.program,
                title=f"{title} – group {letter}",
                weekday=weekday,
                start_time=_t(start),
                defaults={
                    "track": tracks[track],
                    "curriculum_module": module,
                    "minutes": minutes,
                    "mode": SessionMode.IN_PERSON if room else SessionMode.VIRTUAL,
                    "room": place,
                    "video_link": ""
                    if room
                    else f"{VIDEO}{title.split(' (')[0].lower().replace(' ', '-')}-{letter.lower()}",
                    "capacity": place.capacity if place else 12,
                    "min_size": 3,
                },
            )
            if made:
                group.facilitators.set([leads[1 if evening else 0]])
                created += 1
    return created


def _holidays(year: int) -> list[tuple[date, str]]:
    """US holidays the demo program closes for, this year and next."""
    days = []
    for y in (year, year + 1):
        november = date(y, 11, 1)
        thanksgiving = november + timedelta(days=(3 - november.weekday()) % 7 + 21)
        days += [
            (date(y, 1, 1), "New Year's Day"),
            (date(y, 7, 4), "Independence Day"),
            (thanksgiving, "Thanksgiving Day"),
            (date(y, 12, 25), "Christmas Day"),
        ]
    return days


def _pattern(rng: random.Random):
    pick, edge = rng.random(), 0.0
    for pattern in PATTERNS:
        edge += pattern[1]
        if pick < edge:
            return pattern
    return PATTERNS[-1]


def _in_care(program: Program) -> QuerySet[Episode]:
    return Episode.objects.filter(
        program=program, status__in=IN_CARE_STATUSES, participant__entered_in_error_at__isnull=True
    )


def _profiles(ctx: DemoContext) -> int:
    """A profile and availability for every admitted or active participant who has none."""
    staff = ctx.staff
    evening_ids = {staff[login].pk for login in EVENING_CLINICIANS}
    missing = (
        _in_care(ctx.program)
        .filter(scheduling_profile__isnull=True)
        .select_related("participant")
        .order_by("participant__record_number")
    )
    profiles, windows = [], []
    for episode in missing:
        rng = random.Random(f"{ctx.rng_seed}:{episode.participant.record_number}")
        name, _, pattern, mode, max_days, constraints = _pattern(rng)
        individual_staff = None
        if (
            name in ("day worker", "two evenings")
            and episode.primary_clinician_id not in evening_ids
        ):
            individual_staff = staff[rng.choice(EVENING_CLINICIANS)]
        profile = SchedulingProfile(
            episode=episode,
            mode=mode,
            max_days=max_days,
            individual_minutes=50,
            individual_staff=individual_staff,
            constraints=list(constraints),
            note=f"Synthetic demo pattern: {name}.",
        )
        profiles.append(profile)
        windows += [(profile, d, _t(s), _t(e)) for d, s, e in pattern]
    SchedulingProfile.objects.bulk_create(profiles, batch_size=2000)
    AvailabilityWindow.objects.bulk_create(
        (
            AvailabilityWindow(profile=p, weekday=d, start_time=s, end_time=e)
            for p, d, s, e in windows
        ),
        batch_size=5000,
    )
    return len(profiles)


def _publish(ctx: DemoContext, program: Program, in_care: int) -> str:
    monday = week_start(program.today())
    first = monday - timedelta(days=7 * HISTORY_WEEKS)
    last = monday + timedelta(days=13)
    if Publication.objects.filter(
        program=program, starts_on__lte=first, ends_on__gte=last
    ).exists():
        return "schedule already published"
    director = ctx.staff["director"]
    problem = build_week_problem(program, monday, current={}, limit=SOLVE_LIMIT)
    parsed = parse_problem(problem)
    started = timezone.now()
    result = solve(parsed, time_limit=TIME_LIMIT, workers=1, seed=0)
    payload = to_json(result)
    payload["violations"] = check(parsed, result)
    run = ScheduleRun.objects.create(
        program=program,
        week_start=monday,
        status=ScheduleRun.Status.DONE,
        progress=1.0,
        message=(
            f"Proposal ready: {result.full_dose} of {len(parsed.participants)} participants at "
            f"full dose; availability allows {result.availability_full_dose}."
        ),
        time_limit=TIME_LIMIT,
        workers=1,
        problem=problem,
        result=payload,
        started_at=started,
        finished_at=timezone.now(),
        created_by=director,
    )
    publish_run(
        run,
        by=director,
        starts_on=first,
        ends_on=last,
        not_before=local_instant(program, first, time(0)),
    )
    skipped = in_care - len(parsed.participants)
    note = (
        f"; the other {skipped} in care have profiles but no sessions (demo solves at most {SOLVE_LIMIT})"
        if skipped > 0
        else ""
    )
    return (
        f"published {first:%b %-d}–{last:%b %-d}: {result.full_dose} of "
        f"{len(parsed.participants)} participants at full dose, of "
        f"{result.availability_full_dose} whose availability allows it ({result.status}; "
        f"everyone below full dose has reasons on the run page){note}"
    )


def seed_schedule(ctx: DemoContext) -> None:
    """The demo's part of the schedule; idempotent and deterministic."""
    program = ctx.program
    with transaction.atomic():
        groups = _calendar(ctx)
        profiles = _profiles(ctx)
    ctx.stdout(f"    {groups} new groups, {profiles} new scheduling profiles")
    ctx.stdout(f"    {_publish(ctx, program, _in_care(program).count())}")
