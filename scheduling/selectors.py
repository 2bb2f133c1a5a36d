"""Reads shared by the schedule pages and the API, each with a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import Program, User
from participants.access import organizations_with, roles_holding
from participants.models import OPEN_STATUSES, Episode, Participant
from scheduling.models import (
    Closure,
    Enrolment,
    Group,
    GroupPreference,
    Room,
    ScheduleRun,
    SchedulingProfile,
    Session,
    StaffHours,
    Track,
)
from scheduling.weeks import week_dates


def programs_for(user) -> list[Program]:
    """Programs whose calendar this staff member may read."""
    orgs = organizations_with(user, "calendar.read")
    return list(Program.objects.filter(organization_id__in=orgs).order_by("name"))


def program_for(user, program_id) -> Program | None:
    return next((p for p in programs_for(user) if p.public_id == program_id), None)


def _sessions(program: Program) -> QuerySet[Session]:
    """The program's sessions with how many are enrolled, leaving out records entered in
    error: those few are read once, so a session of thousands is counted from its enrolments
    alone instead of looking up every enrolled participant."""
    withdrawn = Participant.objects.filter(entered_in_error_at__isnull=False).values("pk")
    return (
        Session.objects.filter(program=program)
        .select_related("group__track", "room__site")
        .prefetch_related("staff")
        .annotate(enrolled=Count("enrolments", filter=~Q(enrolments__participant_id__in=withdrawn)))
        .order_by("starts_at", "title", "pk")
    )


def sessions_between(
    program: Program, first: date, last: date, *, room: Room | None = None, staff=None
) -> list[Session]:
    """Dated sessions from `first` to `last` (local dates), optionally of one room or person."""
    qs = _sessions(program).filter(date__gte=first, date__lte=last)
    if room is not None:
        qs = qs.filter(room=room)
    if staff is not None:
        qs = qs.filter(staff=staff)
    return list(qs)


def week_days(
    program: Program, monday: date, sessions: list[Session], *, show_individuals: bool = False
) -> list[dict]:
    """The week as seven days with their sessions and closure (for the calendar grid).

    Individual sessions are only counted unless asked for: on a program's week they would
    crowd out the groups; a facilitator's own week lists them.
    """
    closures = {
        c.date: c.reason
        for c in Closure.objects.filter(
            program=program, date__gte=monday, date__lt=monday + timedelta(days=7)
        )
    }
    groups: dict[date, list[Session]] = defaultdict(list)
    individuals: dict[date, int] = defaultdict(int)
    for session in sessions:
        if session.kind == Session.Kind.INDIVIDUAL and not show_individuals:
            individuals[session.date] += 1
        else:
            groups[session.date].append(session)
    today = program.today()
    return [
        {
            "date": d,
            "sessions": groups[d],
            "individuals": individuals[d],
            "closed": closures.get(d),
            "is_today": d == today,
        }
        for d in week_dates(monday)
    ]


def session_enrolments(session: Session) -> list[Enrolment]:
    """Who is expected at a session (the roll-call list), by name."""
    return list(
        session.enrolments.filter(participant__entered_in_error_at__isnull=True)
        .select_related("participant", "episode")
        .order_by("participant__legal_last_name", "participant__legal_first_name", "pk")
    )


def participant_sessions(participant: Participant, first: date, last: date) -> list[Session]:
    """A participant's published sessions between two local dates, in time order."""
    return list(
        Session.objects.filter(enrolments__participant=participant, date__gte=first, date__lte=last)
        .select_related("group", "room__site")
        .prefetch_related("staff")
        .order_by("starts_at", "pk")
    )


def open_episode(participant: Participant) -> Episode | None:
    """The participant's open episode (the one their schedule belongs to), if any."""
    return (
        Episode.objects.filter(participant=participant, status__in=OPEN_STATUSES)
        .select_related("program", "participant")
        .order_by("-referred_on", "-pk")
        .first()
    )


def profile_for(episode) -> SchedulingProfile:
    """The episode's profile with windows and preferences, or an unsaved one with defaults."""
    profile = (
        SchedulingProfile.objects.filter(episode=episode)
        .select_related("individual_staff")
        .prefetch_related(
            "windows",
            Prefetch("preferences", queryset=GroupPreference.objects.select_related("group")),
        )
        .first()
    )
    return profile or SchedulingProfile(episode=episode)


def program_staff(program: Program) -> QuerySet[User]:
    """Staff who can facilitate or hold individual sessions (not front desk, billing, audit)."""
    return (
        User.objects.filter(
            memberships__organization_id=program.organization_id,
            memberships__is_active=True,
            memberships__role__in=roles_holding("sessions.facilitate"),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


@dataclass(frozen=True)
class StaffWithHours:
    """A staff member of the program and their weekly working hours there."""

    person: User
    hours: list[StaffHours]


def calendar(program: Program) -> dict:
    """Everything the calendar page lists: tracks, groups, rooms, closures, staff hours."""
    hours: dict[int, list[StaffHours]] = defaultdict(list)
    for row in StaffHours.objects.filter(program=program):
        hours[row.user_id].append(row)
    staff = [StaffWithHours(person, hours.get(person.pk, [])) for person in program_staff(program)]
    return {
        "tracks": list(Track.objects.filter(program=program).order_by("name")),
        "groups": list(
            Group.objects.filter(program=program)
            .select_related("track", "room__site")
            .prefetch_related("facilitators")
            .order_by("-is_active", "weekday", "start_time", "title")
        ),
        "rooms": list(
            Room.objects.filter(site__program=program)
            .select_related("site")
            .order_by("site__name", "name")
        ),
        "closures": list(
            Closure.objects.filter(program=program, date__gte=program.today()).order_by("date")
        ),
        "staff": staff,
    }


def recent_runs(program: Program, limit: int = 8) -> list[ScheduleRun]:
    return list(
        ScheduleRun.objects.filter(program=program, kind=ScheduleRun.Kind.WEEK)
        .select_related("created_by")
        .defer("problem", "result")
        .order_by("-created_at")[:limit]
    )


def latest_admission_run(episode) -> ScheduleRun | None:
    """The newest mid-week admission run of an episode, for its status line."""
    return (
        ScheduleRun.objects.filter(episode=episode, kind=ScheduleRun.Kind.ADMISSION)
        .defer("problem", "result")
        .order_by("-created_at")
        .first()
    )


def program_weekdays(program_ids) -> dict[int, frozenset[int]]:
    """Weekdays (Monday = 0) on which each program runs an active group."""
    days: dict[int, set[int]] = {pk: set() for pk in program_ids}
    rows = (
        Group.objects.filter(program_id__in=list(days), is_active=True)
        .values_list("program_id", "weekday")
        .distinct()
    )
    for program_id, weekday in rows:
        days[program_id].add(weekday)
    return {pk: frozenset(found) for pk, found in days.items()}


def next_session_start() -> Subquery:
    """The start of the participant's next scheduled session, for a query over episodes
    (the caseload's `next_session_at`)."""
    return Subquery(
        Enrolment.objects.filter(
            participant=OuterRef("participant"),
            session__status=Session.Status.SCHEDULED,
            session__starts_at__gt=timezone.now(),
        )
        .order_by("session__starts_at")
        .values("session__starts_at")[:1]
    )
