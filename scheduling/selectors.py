"""Reads shared by the schedule pages and the API, each with a fixed number of queries."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar, NamedTuple

from django.core.paginator import Page
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from accounts.models import Program, User
from participants.access import organizations_with, staff_holding
from participants.models import OPEN_STATUSES, Episode, Participant
from scheduling.models import (
    Closure,
    Enrolment,
    Group,
    GroupPreference,
    Publication,
    Room,
    ScheduleRun,
    SchedulingProfile,
    Session,
    StaffHours,
    Track,
)
from scheduling.weeks import week_dates
from tandem.paging import page_of


def programs_for(user) -> list[Program]:
    """Programs whose calendar this staff member may read."""
    orgs = organizations_with(user, "calendar.read")
    return list(Program.objects.filter(organization_id__in=orgs).order_by("name"))


def program_for(user, program_id) -> Program | None:
    return next((p for p in programs_for(user) if p.public_id == program_id), None)


def _withdrawn() -> QuerySet:
    """Records entered in error, whose enrolments no count includes: those few are read
    once, so a session of thousands is counted from its enrolments alone instead of looking
    up every enrolled participant."""
    return Participant.objects.filter(entered_in_error_at__isnull=False).values("pk")


def _counted_enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.exclude(participant_id__in=_withdrawn())


def _with_enrolled(sessions: list[Session]) -> list[Session]:
    """Set each session's `enrolled` from one grouped count over the enrolment index, instead
    of grouping the sessions' own rows (with their joins) by a join to every enrolment."""
    counts = dict(
        _counted_enrolments()
        .filter(session_id__in=[s.pk for s in sessions])
        .values_list("session_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    for session in sessions:
        session.enrolled = counts.get(session.pk, 0)  # type: ignore[attr-defined]
    return sessions


@dataclass(frozen=True)
class Show:
    """Which sessions a schedule page lists: everything, one track's groups, the groups
    without a track, or the individual sessions. Its `param` is the query value (a track's
    public id or a fixed word, never participant data)."""

    ALL: ClassVar[str] = ""
    UNTRACKED: ClassVar[str] = "untracked"
    INDIVIDUAL: ClassVar[str] = "individual"

    param: str = ""
    track: Track | None = None

    @property
    def label(self) -> str:
        if self.track is not None:
            return self.track.name
        return {
            self.UNTRACKED: "Groups without a track",
            self.INDIVIDUAL: "Individual sessions",
        }.get(self.param, "All sessions")

    def filter(self, sessions: QuerySet[Session]) -> QuerySet[Session]:
        if self.track is not None:
            return sessions.filter(kind=Session.Kind.GROUP, group__track=self.track)
        if self.param == self.UNTRACKED:
            return sessions.filter(kind=Session.Kind.GROUP, group__track__isnull=True)
        if self.param == self.INDIVIDUAL:
            return sessions.filter(kind=Session.Kind.INDIVIDUAL)
        return sessions


def show_for(program: Program, value: str) -> Show | None:
    """The listing asked for by a query value, or None when it names no track of the program."""
    value = value.strip()
    if value in (Show.ALL, Show.UNTRACKED, Show.INDIVIDUAL):
        return Show(value)
    try:
        public_id = uuid.UUID(value)
    except ValueError:
        return None
    track = Track.objects.filter(program=program, public_id=public_id).first()
    return Show(value, track) if track is not None else None


def _sessions(
    program: Program,
    *,
    joins: tuple[str, ...] = ("group__track", "room__site"),
    with_staff: bool = True,
) -> QuerySet[Session]:
    """The program's dated sessions in time order with what a page shows of them: `joins`
    names the related rows read in the same statement (none when empty), and `with_staff`
    prefetches each session's staff (a page of a day reads its staff itself, `_people_of`)."""
    sessions = Session.objects.filter(program=program).order_by("starts_at", "title", "pk")
    if joins:
        sessions = sessions.select_related(*joins)
    return sessions.prefetch_related("staff") if with_staff else sessions


def sessions_between(
    program: Program,
    first: date,
    last: date,
    *,
    room: Room | None = None,
    staff=None,
    show: Show | None = None,
    groups_only: bool = False,
) -> list[Session]:
    """Dated sessions from `first` to `last` (local dates) with how many are enrolled,
    optionally of one room or person, or only what `show` lists, or only the groups."""
    qs = _sessions(program).filter(date__gte=first, date__lte=last)
    if room is not None:
        qs = qs.filter(room=room)
    if staff is not None:
        qs = qs.filter(staff=staff)
    if show is not None:
        qs = show.filter(qs)
    if groups_only:
        qs = qs.filter(kind=Session.Kind.GROUP)
    return _with_enrolled(list(qs))


def _people_of(through: Any, field: str, ids: list[int]) -> dict[int, list[User]]:
    """The people linked to each of `ids` through a many-to-many table (a group's
    facilitators, a session's staff) in the order they were linked, read with their
    accounts in one statement: for a page of fifty rows, a third of Django's prefetch."""
    people: dict[int, list[User]] = defaultdict(list)
    links = through.objects.filter(**{f"{field}__in": ids}).select_related("user").order_by("pk")
    for link in links:
        people[getattr(link, f"{field}_id")].append(link.user)
    return people


def sessions_page(
    program: Program, on: date, show: Show, number: str | None, size: int
) -> tuple[Page, list[Session], dict[int, list[User]]]:
    """Page `number` of a day's sessions in time order (`page_of`), with enrolled counts,
    their rooms and each one's staff (by session id): not their groups and tracks, which
    the day's list never shows and whose joins to every session of a large program's day
    cost half the statement."""
    day = _sessions(program, joins=("room__site",), with_staff=False).filter(date=on)
    page = page_of(show.filter(day), number, size)
    staff = _people_of(Session.staff.through, "session", [s.pk for s in page])
    return page, _with_enrolled(list(page)), staff


@dataclass
class Load:
    """Group sessions on one day (or in total): how many run, how many were cancelled, and
    the places taken and offered in those that run."""

    groups: int = 0
    cancelled: int = 0
    enrolled: int = 0
    capacity: int = 0

    def add(self, other: "Load") -> None:
        self.groups += other.groups
        self.cancelled += other.cancelled
        self.enrolled += other.enrolled
        self.capacity += other.capacity


@dataclass
class TrackRow:
    """One track's groups over the dates of a summary (`show` lists them), and its total."""

    show: Show
    dates: list[date]
    days: list[Load]
    total: Load = field(default_factory=Load)

    @property
    def cells(self) -> list[tuple[date, Load]]:
        return list(zip(self.dates, self.days, strict=True))


@dataclass
class Summary:
    """A program's sessions between two dates counted by track and day, for a program too
    large to list on one screen: each track's groups, enrolled and places, every group
    together, and the individual sessions per day."""

    dates: list[date]
    rows: list[TrackRow]
    all_groups: TrackRow
    individuals: list[int]

    @property
    def group_sessions(self) -> int:
        return self.all_groups.total.groups + self.all_groups.total.cancelled

    @property
    def sessions(self) -> int:
        return self.group_sessions + sum(self.individuals)

    @property
    def individual_cells(self) -> list[tuple[date, int]]:
        return list(zip(self.dates, self.individuals, strict=True))

    @property
    def individual_total(self) -> int:
        return sum(self.individuals)

    def count(self, show: Show) -> int:
        """How many sessions `show` lists over the summary's dates."""
        if show.param == Show.ALL:
            return self.sessions
        if show.param == Show.INDIVIDUAL:
            return sum(self.individuals)
        row = next((r for r in self.rows if r.show.param == show.param), None)
        return 0 if row is None else row.total.groups + row.total.cancelled


def summary(program: Program, first: date, last: date) -> Summary:
    """Count the sessions from `first` to `last` by day and track (two queries however many
    sessions there are). Each session's enrolled people are counted from the enrolment
    index alone, without reading the enrolments or the people."""
    dates = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    column = {d: n for n, d in enumerate(dates)}
    loads: dict[int | None, list[Load]] = defaultdict(lambda: [Load() for _ in dates])
    individuals = [0] * len(dates)
    scheduled = Q(status=Session.Status.SCHEDULED)
    enrolled = (
        _counted_enrolments()
        .filter(session=OuterRef("pk"))
        .order_by()
        .values("session")
        .annotate(n=Count("*"))
        .values("n")
    )
    rows = (
        Session.objects.filter(program=program, date__gte=first, date__lte=last)
        .values_list("date", "kind", "group__track_id")
        .annotate(
            running=Count("pk", filter=scheduled),
            cancelled=Count("pk", filter=~scheduled),
            enrolled=Sum(Subquery(enrolled), filter=scheduled, default=0),
            capacity=Sum("capacity", filter=scheduled, default=0),
        )
        .order_by()
    )
    for day, kind, track_id, running, cancelled, taken, capacity in rows:
        if kind == Session.Kind.INDIVIDUAL:
            individuals[column[day]] += running + cancelled
        else:
            loads[track_id][column[day]].add(Load(running, cancelled, taken, capacity))
    track_rows = [
        TrackRow(
            Show(str(track.public_id), track),
            dates,
            loads.pop(track.pk) if track.pk in loads else [Load() for _ in dates],
        )
        for track in Track.objects.filter(program=program).order_by("name", "pk")
    ]
    untracked = loads.pop(None, None)
    if untracked is not None:
        track_rows.append(TrackRow(Show(Show.UNTRACKED), dates, untracked))
    all_groups = TrackRow(Show(Show.ALL), dates, [Load() for _ in dates])
    for row in track_rows:
        for n, load in enumerate(row.days):
            row.total.add(load)
            all_groups.days[n].add(load)
        all_groups.total.add(row.total)
    return Summary(dates, track_rows, all_groups, individuals)


def closures_between(program: Program, first: date, last: date) -> dict[date, str]:
    """The program's closures from `first` to `last`, by date, with their reason."""
    return dict(
        Closure.objects.filter(program=program, date__gte=first, date__lte=last).values_list(
            "date", "reason"
        )
    )


def week_days(
    program: Program,
    monday: date,
    sessions: list[Session],
    *,
    show_individuals: bool = False,
    individuals: list[int] | None = None,
    closures: dict[date, str] | None = None,
) -> list[dict]:
    """The week as seven days with their sessions and closure (for the calendar grid).

    Individual sessions are only counted unless asked for: on a program's week they would
    crowd out the groups (its summary has already counted them, passed as `individuals`);
    a facilitator's own week lists them.
    """
    if closures is None:
        closures = closures_between(program, monday, monday + timedelta(days=6))
    counted = list(individuals or [0] * 7)
    listed: dict[date, list[Session]] = defaultdict(list)
    for session in sessions:
        if session.kind == Session.Kind.INDIVIDUAL and not show_individuals:
            counted[(session.date - monday).days] += 1
        else:
            listed[session.date].append(session)
    today = program.today()
    return [
        {
            "date": d,
            "sessions": listed[d],
            "individuals": counted[n],
            "closed": closures.get(d),
            "is_today": d == today,
        }
        for n, d in enumerate(week_dates(monday))
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
    return staff_holding("sessions.facilitate", program.organization_id)


@dataclass(frozen=True)
class StaffWithHours:
    """A staff member of the program and their weekly working hours there."""

    person: User
    hours: list[StaffHours]


class RoomLine(NamedTuple):
    """A room as the calendar lists it, with its site's name: a program keeps hundreds of
    rooms, and reading them as plain values costs a tenth of building them and their sites."""

    public_id: uuid.UUID
    name: str
    capacity: int
    site: str


# Recurring groups, and staff with their hours, on one page of the program calendar: a
# large program keeps thousands of groups and hundreds of staff.
CALENDAR_PAGE_SIZE = 50


# What the calendar shows of a group, its track and its room: their other columns (times
# of each change, addresses) would only be converted and thrown away.
_GROUP_LISTED = (
    "public_id",
    "title",
    "curriculum_module",
    "weekday",
    "start_time",
    "minutes",
    "mode",
    "capacity",
    "min_size",
    "is_active",
    "track__name",
    "room__name",
    "room__site__name",
)


def calendar(program: Program, page: str | None = None, staff_page: str | None = None) -> dict:
    """Everything the calendar page lists: tracks, page `page` of the groups (active first)
    with each one's facilitators (by group id), rooms, closures, and page `staff_page` of
    the staff with their hours: the same queries however many the program keeps."""
    staff = page_of(
        User.objects.filter(pk__in=program_staff(program).order_by().values("pk")).order_by(
            "last_name", "first_name", "pk"
        ),
        staff_page,
        CALENDAR_PAGE_SIZE,
    )
    hours: dict[int, list[StaffHours]] = defaultdict(list)
    for row in StaffHours.objects.filter(program=program, user__in=[p.pk for p in staff]):
        hours[row.user_id].append(row)
    groups = page_of(
        Group.objects.filter(program=program)
        .select_related("track", "room__site")
        .only(*_GROUP_LISTED)
        .order_by("-is_active", "weekday", "start_time", "title", "pk"),
        page,
        CALENDAR_PAGE_SIZE,
    )
    facilitators = _people_of(Group.facilitators.through, "group", [g.pk for g in groups])
    return {
        "tracks": list(Track.objects.filter(program=program).order_by("name")),
        "groups": groups,
        "facilitators": facilitators,
        "rooms": [
            RoomLine(*row)
            for row in Room.objects.filter(site__program=program)
            .order_by("site__name", "name")
            .values_list("public_id", "name", "capacity", "site__name")
        ],
        "closures": list(
            Closure.objects.filter(program=program, date__gte=program.today()).order_by("date")
        ),
        "staff": [StaffWithHours(person, hours.get(person.pk, [])) for person in staff],
        "staff_page": staff,
    }


def recent_runs(program: Program, limit: int = 8) -> list[ScheduleRun]:
    return list(
        ScheduleRun.objects.filter(program=program, kind=ScheduleRun.Kind.WEEK)
        .select_related("created_by")
        .defer("problem", "result")
        .order_by("-created_at")[:limit]
    )


def publication_of_week(program: Program, monday: date) -> Publication | None:
    """The newest publication covering any day of a week, so the build form can say that
    building that week again makes a proposal beside what is already published."""
    return (
        Publication.objects.filter(
            program=program, starts_on__lte=monday + timedelta(days=6), ends_on__gte=monday
        )
        .select_related("published_by")
        .order_by("-created_at")
        .first()
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
    """Weekdays (Monday = 0) on which each program runs an active group: a row per program
    and weekday, unordered, since the groups' default ordering would make every group a
    distinct row (thousands in a large program)."""
    days: dict[int, set[int]] = {pk: set() for pk in program_ids}
    rows = (
        Group.objects.filter(program_id__in=list(days), is_active=True)
        .values_list("program_id", "weekday")
        .order_by()
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


def sessions_after(participant: Participant, day: date, *, limit: int) -> list[Session]:
    """The participant's next `limit` scheduled sessions after `day` (a program day), soonest
    first (one query)."""
    return [
        e.session
        for e in Enrolment.objects.filter(
            participant=participant,
            session__status=Session.Status.SCHEDULED,
            session__date__gt=day,
        )
        .select_related("session")
        .order_by("session__starts_at", "session__pk")[:limit]
    ]
