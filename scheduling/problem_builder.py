"""Assemble the solver's JSON problem from the database.

Ids are opaque and stable: a group's or dated session's public id, a participant's public id,
and "staff-<user pk>" for staff, so the problem (stored on the run) holds no names.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Prefetch, Q

from participants.models import IN_CARE_STATUSES, Episode
from scheduling import eligibility
from scheduling.models import (
    Closure,
    Enrolment,
    Group,
    GroupPreference,
    SchedulingProfile,
    Session,
    StaffHours,
)
from scheduling.selectors import program_weekdays
from scheduling.services import attended_minutes
from scheduling.solver import parse_problem
from scheduling.solver.analysis import Analysis
from scheduling.weeks import prorated_minutes, week_bounds

Window = tuple[int, time, time]
GRID = 15
CURRENT_SOURCES = (Enrolment.Source.SCHEDULE, Enrolment.Source.HAND)


class _Taken(TypedDict):
    taken: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A session counted with the seats other participants already hold in it.
    SessionWithTaken = WithAnnotations[Session, _Taken]


def staff_key(user_id: int) -> str:
    return f"staff-{user_id}"


def staff_pk(key: str) -> int:
    return int(key.removeprefix("staff-"))


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _window_json(day: int, start: time, end: time) -> dict:
    return {"day": day, "start": hhmm(start), "end": hhmm(end)}


def default_profile(episode: Episode) -> SchedulingProfile:
    """An unsaved profile with the program's defaults, for episodes nobody has set up yet."""
    return SchedulingProfile(episode=episode)


def required_minutes(profile: SchedulingProfile, program) -> int:
    return profile.required_minutes or program.min_weekly_minutes


def individual_staff_id(profile: SchedulingProfile, episode: Episode) -> int | None:
    if not profile.individual_minutes:
        return None
    return profile.individual_staff_id or episode.primary_clinician_id


def in_care_episodes(program, *, limit: int | None = None) -> list[Episode]:
    """Admitted and active episodes with their profiles, windows and group preferences."""
    qs = (
        Episode.objects.filter(
            program=program,
            status__in=IN_CARE_STATUSES,
            participant__entered_in_error_at__isnull=True,
        )
        .select_related("participant", "scheduling_profile")
        .prefetch_related(
            "scheduling_profile__windows",
            Prefetch(
                "scheduling_profile__preferences",
                queryset=GroupPreference.objects.select_related("group"),
            ),
        )
        .order_by("participant__record_number", "pk")
    )
    episodes, seen = [], set()
    for episode in qs[:limit] if limit else qs:
        if episode.participant_id not in seen:
            seen.add(episode.participant_id)
            episodes.append(episode)
    return episodes


def profile_of(episode: Episode) -> SchedulingProfile:
    try:
        return episode.scheduling_profile
    except SchedulingProfile.DoesNotExist:
        return default_profile(episode)


def _staff_windows(program, staff_ids: set[int], closed_days: set[int]) -> dict[int, list[Window]]:
    hours: dict[int, list[Window]] = {pk: [] for pk in staff_ids}
    for row in StaffHours.objects.filter(program=program, user_id__in=staff_ids):
        if row.weekday not in closed_days:
            hours[row.user_id].append((row.weekday, row.start_time, row.end_time))
    return hours


def _participant_json(episode: Episode, program, session_ids: set[str], group_ids: dict) -> dict:
    profile = profile_of(episode)
    staff = individual_staff_id(profile, episode)
    windows = list(profile.windows.all()) if profile.pk else []
    preferences = list(profile.preferences.all()) if profile.pk else []

    def ids(kind: str) -> list[str]:
        return [
            group_ids[p.group_id]
            for p in preferences
            if p.kind == kind and group_ids.get(p.group_id) in session_ids
        ]

    return {
        "id": str(episode.participant.public_id),
        "required_minutes": required_minutes(profile, program),
        "mode": profile.mode,
        "max_days": profile.max_days,
        "availability": [_window_json(w.weekday, w.start_time, w.end_time) for w in windows],
        "individual": (
            {"staff": staff_key(staff), "minutes": profile.individual_minutes} if staff else None
        ),
        "pinned": ids(GroupPreference.Kind.PIN),
        "excluded": ids(GroupPreference.Kind.EXCLUDE),
    }


def previous_week_groups(program, monday: date, participant_ids: list[str]) -> dict[str, list[str]]:
    """Each participant's groups in the week before `monday`, as published (or added by hand)."""
    current: dict[str, list[str]] = defaultdict(list)
    rows = (
        Enrolment.objects.filter(
            session__program=program,
            session__kind=Session.Kind.GROUP,
            session__date__gte=monday - timedelta(days=7),
            session__date__lt=monday,
            source__in=CURRENT_SOURCES,
            participant__public_id__in=participant_ids,
        )
        .order_by("session__starts_at")
        .values_list("participant__public_id", "session__group__public_id")
    )
    for participant_id, group_id in rows:
        if str(group_id) not in current[str(participant_id)]:
            current[str(participant_id)].append(str(group_id))
    return dict(current)


def build_week_problem(
    program,
    monday: date,
    *,
    current: dict[str, list[str]] | None = None,
    limit: int | None = None,
) -> dict:
    """The week's problem: running groups (minus closures), staff hours, everyone in care.

    `current` defaults to last week's published groups; a re-solve passes the edited proposal.
    `limit` keeps only the first participants (the large synthetic demo uses it).
    """
    closed_days = {
        (c.date - monday).days
        for c in Closure.objects.filter(
            program=program, date__gte=monday, date__lt=monday + timedelta(days=7)
        )
    }
    groups = [
        g
        for g in Group.objects.filter(program=program, is_active=True)
        .select_related("room")
        .prefetch_related("facilitators")
        .order_by("weekday", "start_time", "title", "pk")
        if g.weekday not in closed_days
    ]
    group_ids = {g.pk: str(g.public_id) for g in groups}
    episodes = in_care_episodes(program, limit=limit)
    held = eligibility.held_back(program, episodes)
    left_out = [
        {"id": str(e.participant.public_id), "reason": held[e.pk]} for e in episodes if e.pk in held
    ]
    episodes = [e for e in episodes if e.pk not in held]
    staff_ids = {u.pk for g in groups for u in g.facilitators.all()}
    staff_ids |= {pk for e in episodes if (pk := individual_staff_id(profile_of(e), e)) is not None}
    hours = _staff_windows(program, staff_ids, closed_days)
    session_ids = set(group_ids.values())
    participants = [_participant_json(e, program, session_ids, group_ids) for e in episodes]
    people = [p["id"] for p in participants]
    if current is None:
        current = previous_week_groups(program, monday, people)
    problem = {
        "sessions": [
            {
                "id": group_ids[g.pk],
                "day": g.weekday,
                "start": hhmm(g.start_time),
                "minutes": g.minutes,
                "capacity": min(g.capacity, g.room.capacity) if g.room else g.capacity,
                "min_size": min(g.min_size, g.capacity),
                "mode": g.mode,
                "staff": sorted(staff_key(u.pk) for u in g.facilitators.all()),
            }
            for g in groups
        ],
        "staff": [
            {
                "id": staff_key(pk),
                "availability": [_window_json(*w) for w in sorted(hours[pk])],
            }
            for pk in sorted(staff_ids)
        ],
        "participants": participants,
        "current": {
            pid: [sid for sid in current.get(pid, []) if sid in session_ids]
            for pid in people
            if current.get(pid)
        },
    }
    if left_out:
        # Not read by the solver: the run page says who was left out and why.
        problem["left_out"] = left_out
    return problem


# --- a mid-week admission -------------------------------------------------------------------


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def clip_to_future(windows: list[Window], monday: date, now_local: datetime) -> list[Window]:
    """The parts of weekly windows still ahead this week, starting on the 15-minute grid."""
    today = (now_local.date() - monday).days
    next_slot = _minutes(now_local.time()) + 1
    next_slot += (-next_slot) % GRID
    clipped: list[Window] = []
    for day, start, end in windows:
        if day < today:
            continue
        if day == today:
            if next_slot >= _minutes(end):
                continue
            start = max(start, _time(next_slot))
        clipped.append((day, start, end))
    return clipped


def subtract(windows: list[Window], busy: list[tuple[int, int, int]]) -> list[Window]:
    """Windows with the busy spans (day, start minute, end minute) cut out."""
    free: list[Window] = []
    for day, start, end in windows:
        pieces = [(_minutes(start), _minutes(end))]
        for busy_day, b_start, b_end in busy:
            if busy_day != day:
                continue
            pieces = [
                part
                for a, b in pieces
                for part in ((a, min(b, b_start)), (max(a, b_end), b))
                if part[1] > part[0]
            ]
        free.extend((day, _time(a), _time(b)) for a, b in pieces if b - a >= GRID)
    return free


def _kept_spans(participant, program, monday: date, now: datetime) -> list[tuple[int, int, int]]:
    """The participant's own sessions this week that an admission run leaves in place (one
    already under way, a make-up, a drop-in), as busy spans: nothing new may overlap them."""
    tz = program.tz
    _, week_end = week_bounds(program, monday)
    spans = []
    for enrolment in Enrolment.objects.filter(
        participant=participant,
        session__program=program,
        session__status=Session.Status.SCHEDULED,
        session__starts_at__lt=week_end,
        session__ends_at__gt=now,
    ).select_related("session"):
        session = enrolment.session
        if session.starts_at > now and enrolment.source == Enrolment.Source.SCHEDULE:
            continue  # replaced by this run
        local = session.starts_at.astimezone(tz)
        start = _minutes(local.time())
        spans.append(((local.date() - monday).days, start, start + session.minutes))
    return spans


@dataclass(frozen=True)
class WeekSoFar:
    """The part of a participant's week an admission run leaves in place."""

    minutes: int
    """Attended as the roll call says, or the session's minutes where no roll call is in yet
    (under way, still to come, or over and waiting for its roll call)."""
    individual: bool
    """Whether it holds an individual session they did not miss: the solver's one a week."""


def week_so_far(participant, program, monday: date, now: datetime) -> WeekSoFar:
    """What the participant has had, has under way and still has booked this week, not
    counting the future schedule enrolments the run replaces; missed sessions count nothing."""
    rows = list(
        Enrolment.objects.filter(
            participant=participant,
            session__program=program,
            session__status=Session.Status.SCHEDULED,
            session__date__gte=monday,
            session__date__lt=monday + timedelta(days=7),
        ).values_list(
            "session_id", "session__starts_at", "session__minutes", "session__kind", "source"
        )
    )
    recorded = attended_minutes(participant.pk, [row[0] for row in rows])
    minutes, individual = 0, False
    for pk, starts_at, length, kind, source in rows:
        if pk not in recorded and starts_at > now and source == Enrolment.Source.SCHEDULE:
            continue  # replaced by this run
        counted = recorded.get(pk, length)
        minutes += counted
        individual = individual or (kind == Session.Kind.INDIVIDUAL and counted > 0)
    return WeekSoFar(minutes, individual)


def build_admission_problem(
    episode: Episode, now: datetime
) -> tuple[dict, dict[str, "SessionWithTaken"], list[str]]:
    """One participant against the rest of this week's published groups; nobody else moves.

    Sessions are the week's remaining group sessions that still have seats (capacity = seats
    left, no minimum size: they run anyway); the individual session must fit the clinician's
    hours minus everything already booked for them this week, and the participant's own
    availability minus the sessions of theirs that stay (one under way, a make-up, a drop-in).
    Pinned groups stay pinned where a remaining session fits; the third value says, in words,
    which pins could not be kept.
    The solver's rule for a week holds for the whole week: the requirement (pro-rated for
    the days left after admission) is cut by the minutes the week already holds
    (`week_so_far`), and no individual session is offered when the week already has its one.
    """
    program = episode.program
    tz = program.tz
    now_local = now.astimezone(tz)
    monday = now_local.date() - timedelta(days=now_local.weekday())
    _, week_end = week_bounds(program, monday)
    participant = episode.participant
    sessions = list(
        Session.objects.filter(
            program=program,
            kind=Session.Kind.GROUP,
            status=Session.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lt=week_end,
        )
        .annotate(taken=Count("enrolments", filter=~Q(enrolments__participant=participant)))
        .select_related("group")
        .order_by("starts_at", "public_id")
    )
    by_id = {str(s.public_id): s for s in sessions if s.capacity > s.taken}
    profile = profile_of(episode)
    preferences = list(profile.preferences.select_related("group")) if profile.pk else []
    so_far = week_so_far(participant, program, monday, now)
    staff = None if so_far.individual else individual_staff_id(profile, episode)
    windows = (
        [(w.weekday, w.start_time, w.end_time) for w in profile.windows.all()] if profile.pk else []
    )
    staff_json = []
    if staff is not None:
        closed = {
            (c.date - monday).days
            for c in Closure.objects.filter(
                program=program, date__gte=monday, date__lt=monday + timedelta(days=7)
            )
        }
        hours = _staff_windows(program, {staff}, closed)[staff]
        busy = []
        own_individuals = Session.objects.filter(
            kind=Session.Kind.INDIVIDUAL, enrolments__participant=participant
        )
        for s in Session.objects.filter(
            program=program,
            staff__id=staff,
            status=Session.Status.SCHEDULED,
            starts_at__lt=week_end,
            ends_at__gt=now,
        ).exclude(pk__in=own_individuals):  # a second admission run may move their own individual
            local = s.starts_at.astimezone(tz)
            start = _minutes(local.time())
            busy.append(((local.date() - monday).days, start, start + s.minutes))
        staff_json = [
            {
                "id": staff_key(staff),
                "availability": [
                    _window_json(*w)
                    for w in subtract(clip_to_future(hours, monday, now_local), busy)
                ],
            }
        ]

    excluded = {p.group_id for p in preferences if p.kind == GroupPreference.Kind.EXCLUDE}
    excluded_sessions = [sid for sid, s in by_id.items() if s.group_id in excluded]
    future_windows = subtract(
        clip_to_future(windows, monday, now_local),
        _kept_spans(participant, program, monday, now),
    )
    required = prorated_minutes(
        required_minutes(profile, program),
        monday,
        episode.admitted_on,
        episode.discharged_on,
        program_weekdays([program.pk])[program.pk],
    )

    pinned: list[str] = []
    problem = {
        "sessions": [
            {
                "id": sid,
                "day": s.date.weekday(),
                "start": hhmm(s.starts_at.astimezone(tz).time()),
                "minutes": s.minutes,
                "capacity": s.capacity - s.taken,
                "min_size": 0,
                "mode": s.mode,
                "staff": [],
            }
            for sid, s in by_id.items()
        ],
        "staff": staff_json,
        "participants": [
            {
                "id": str(participant.public_id),
                "required_minutes": max(0, required - so_far.minutes),
                "mode": profile.mode,
                "max_days": profile.max_days,
                "availability": [_window_json(*w) for w in future_windows],
                "individual": (
                    {"staff": staff_key(staff), "minutes": profile.individual_minutes}
                    if staff
                    else None
                ),
                "pinned": pinned,
                "excluded": excluded_sessions,
            }
        ],
        "current": {},
        # Not read by the solver: the placement's message says what the week already held.
        "week_so_far": {
            "minutes": so_far.minutes,
            "individual": so_far.individual,
            "required": required,
        },
    }
    # Keep a pin where a remaining session of the group is one the solver counts as
    # attendable for them (window, mode, not excluded); name the pins that cannot be kept.
    parsed = parse_problem(problem)
    attendable = {parsed.sessions[si].id for si in Analysis(parsed).options[0]}
    unkept = []
    for preference in preferences:
        if preference.kind != GroupPreference.Kind.PIN:
            continue
        kept = [sid for sid in attendable if by_id[sid].group_id == preference.group_id]
        pinned.extend(sorted(kept))
        if not kept:
            unkept.append(
                f'Pinned group "{preference.group.title}" has no session left this week '
                "that still has a seat and fits their availability."
            )
    return problem, by_id, unkept
