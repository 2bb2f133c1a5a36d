"""The weekly dose: minutes scheduled, attended and required per participant and week.

A week runs Monday to Sunday in the program's time zone. Sessions carry their local date,
so a week is a range of local dates and a daylight-saving change moves nothing. The totals
for any number of participants are read from the weekly doses the enrolment and roll call
writes keep (`WeeklyDose`), so the director's page costs the same for ten participants or
a thousand.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Program
from attendance.models import WeeklyDose
from attendance.weekly import remaining
from participants.access import caseload
from participants.models import IN_CARE_STATUSES, Episode, Participant
from scheduling.selectors import program_weekdays
from scheduling.weeks import is_partial_week, prorated_minutes
from tandem import paging

# Rows per page of the dose lists (a program's at-risk list, a clinician's caseload).
PAGE_SIZE = 25


@dataclass(frozen=True)
class WeekDose:
    """One participant's week. `remaining` is what can still be attended: sessions not over,
    not cancelled, with no roll call yet; `unrecorded` is sessions over without a roll call."""

    participant_id: int
    week_start: date
    required: int
    weekly_required: int
    """The whole week's requirement; ``required`` is less in a week of admission or discharge."""
    scheduled: int = 0
    attended: int = 0
    remaining: int = 0
    unrecorded: int = 0

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def projected(self) -> int:
        return self.attended + self.remaining

    @property
    def shortfall(self) -> int:
        """Minutes the participant cannot reach with what remains this week."""
        return max(0, self.required - self.projected)

    @property
    def under_dose(self) -> bool:
        return self.projected < self.required

    @property
    def met(self) -> bool:
        return self.attended >= self.required

    @property
    def prorated(self) -> bool:
        return self.required != self.weekly_required


def week_start_of(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def current_week(program: Program, now: datetime | None = None) -> date:
    """The Monday of this week in the program's own time zone."""
    return week_start_of(timezone.localtime(now or timezone.now(), program.tz).date())


def required_minutes(episode: Episode) -> int:
    """The participant's whole-week requirement: their profile's, else the program minimum."""
    profile = getattr(episode, "scheduling_profile", None)
    if profile is not None and profile.required_minutes is not None:
        return profile.required_minutes
    return episode.program.min_weekly_minutes


def weekly_doses(
    episodes: Sequence[Episode],
    week_starts: Iterable[date],
    *,
    now: datetime | None = None,
    participants: QuerySet | None = None,
) -> dict[tuple[int, date], WeekDose]:
    """Dose per (participant id, week start) in one query.

    `episodes` must have `program` and `scheduling_profile` loaded; `participants` (a
    queryset of participant ids) replaces the id list when there are many of them.
    """
    weeks = sorted(set(week_starts))
    if not episodes or not weeks:
        return {}
    now = now or timezone.now()
    chosen = participants if participants is not None else [e.participant_id for e in episodes]
    stored = WeeklyDose.objects.filter(participant_id__in=chosen, week__in=weeks).values_list(
        "participant_id", "week", "scheduled", "attended", "open_minutes", remaining(now, weeks)
    )
    totals: dict[tuple[int, date], dict[str, int]] = {
        (person, week): {
            "scheduled": scheduled,
            "attended": attended,
            "remaining": left,
            "unrecorded": open_minutes - left,
        }
        for person, week, scheduled, attended, open_minutes, left in stored
    }
    partial = {
        e.program_id
        for e in episodes
        for week in weeks
        if is_partial_week(week, e.admitted_on, e.discharged_on)
    }
    # Only an admission or discharge inside a requested week costs the extra query.
    weekdays = program_weekdays(partial) if partial else {}
    doses = {}
    for episode in episodes:
        weekly = required_minutes(episode)
        program_days = weekdays.get(episode.program_id, frozenset())
        for week in weeks:
            key = (episode.participant_id, week)
            required = prorated_minutes(
                weekly, week, episode.admitted_on, episode.discharged_on, program_days
            )
            doses[key] = WeekDose(
                episode.participant_id, week, required, weekly, **totals.get(key, {})
            )
    return doses


def in_care_episodes(program: Program) -> QuerySet[Episode]:
    """This week's participants of a program: episodes admitted or active."""
    return Episode.objects.filter(program=program, status__in=IN_CARE_STATUSES)


def _latest_in_care(program: Program) -> QuerySet[Episode]:
    """One episode per in-care participant of the program: their latest."""
    later = in_care_episodes(program).filter(
        participant_id=OuterRef("participant_id"), pk__gt=OuterRef("pk")
    )
    return in_care_episodes(program).filter(~Exists(later))


def program_week(
    program: Program, week_start: date, *, now: datetime | None = None
) -> list[tuple[Episode, WeekDose]]:
    """Every in-care participant's dose for one week, in three queries."""
    episodes = _latest_in_care(program).select_related(
        "participant", "program", "primary_clinician", "scheduling_profile"
    )
    unique = list(episodes.order_by("participant_id"))
    doses = weekly_doses(
        unique,
        [week_start],
        now=now,
        participants=in_care_episodes(program).values("participant_id"),
    )
    return [(e, doses[(e.participant_id, week_start)]) for e in unique]


def _weekly(program: Program) -> Coalesce:
    """`required_minutes` as an expression over the program's episodes."""
    return Coalesce(
        "scheduling_profile__required_minutes",
        Value(program.min_weekly_minutes),
        output_field=IntegerField(),
    )


def _required(program: Program, week_start: date, weekdays: frozenset[int]) -> Expression:
    """`required_minutes` pro-rated like `prorated_minutes`, as an expression over episodes:
    the share of the program's group days in the week on which the episode was in care,
    rounded up (a whole week keeps the whole requirement). An episode in care on every group
    day of the week, as nearly every one is, takes the whole requirement without its days
    being counted."""
    weekly = _weekly(program)
    if not weekdays:
        return weekly
    days = [week_start + timedelta(days=d) for d in sorted(weekdays)]
    whole_week = (Q(admitted_on__isnull=True) | Q(admitted_on__lte=days[0])) & (
        Q(discharged_on__isnull=True) | Q(discharged_on__gte=days[-1])
    )
    in_care = sum(
        (
            Case(
                When(
                    (Q(admitted_on__isnull=True) | Q(admitted_on__lte=day))
                    & (Q(discharged_on__isnull=True) | Q(discharged_on__gte=day)),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
            for day in days
        ),
        start=Value(0, output_field=IntegerField()),
    )
    prorated = ExpressionWrapper(
        (weekly * in_care + Value(len(days) - 1)) / Value(len(days)), output_field=IntegerField()
    )
    return Case(When(whole_week, then=weekly), default=prorated, output_field=IntegerField())


@dataclass(frozen=True)
class _AtRisk:
    """The statement prefix every program's under-dosed list shares: `WITH` the in-care
    episodes of all the programs (`e`, numbered by program `n`) and, for each distinct week,
    the stored doses (`d0`, `d1`…) with the minutes attended and still to come, each read
    once however many programs there are. `body(i)` is the FROM and WHERE of program `i`'s
    under-dosed participants. Made of `doses` (the stored doses' `WITH` parts and their
    values) and `episodes` (each program's compiled in-care episodes)."""

    doses: tuple[list[str], list]
    episodes: list[tuple[str, tuple]]
    weeks: list[int]

    @property
    def sql(self) -> str:
        # Compiled queries and fixed text only; every value is a parameter.
        union = " UNION ALL ".join(
            f"SELECT * FROM ({sql}) e{i}"  # noqa: S608
            for i, (sql, _) in enumerate(self.episodes)
        )
        return "WITH " + ", ".join([f"e AS ({union})", *self.doses[0]])

    @property
    def params(self) -> list:
        return [value for _, values in self.episodes for value in values] + self.doses[1]

    def body(self, i: int) -> str:
        j = self.weeks[i]
        return f" FROM e LEFT JOIN d{j} d ON d.pid = e.pid WHERE e.n = {i} AND {_GAP} > 0"

    def counted(self) -> tuple[str, list]:
        """One statement counting each program's under-dosed participants, each program's
        episodes joined to the stored doses inside its own count: the planner reads them
        straight from the in-care index there, where a shared `e` is first written out
        whole, then read again for each program (a fifth of the count's time)."""
        counts, params = [], list(self.doses[1])
        for i, (sql, values) in enumerate(self.episodes):
            j = self.weeks[i]
            # Compiled queries and fixed text only; every value is a parameter.
            counts.append(
                f"(SELECT COUNT(*) FROM ({sql}) e LEFT JOIN d{j} d ON d.pid = e.pid"  # noqa: S608
                f" WHERE {_GAP} > 0)"
            )
            params += values
        return f"WITH {', '.join(self.doses[0])} SELECT {', '.join(counts)}", params


@lru_cache(maxsize=256)
def _episodes(
    i: int, program_id: int, minimum: int, week_start: date, weekdays: frozenset[int]
) -> tuple[str, tuple]:
    """The compiled statement of program `i`'s in-care episodes with their requirement for
    the week, kept for the process: compiling its requirement took longer than running it,
    and it depends on nothing but these arguments."""
    program = Program(pk=program_id, min_weekly_minutes=minimum)
    columns = {
        "n": Value(i, output_field=IntegerField()),
        "ep": F("pk"),
        "pid": F("participant_id"),
        "required": _required(program, week_start, weekdays),
    }
    episodes = _latest_in_care(program).values(**columns).order_by()
    sql, params = episodes.query.sql_with_params()
    return sql, tuple(params)


def _at_risk(
    weeks: Sequence[tuple[Program, date]],
    now: datetime,
    weekdays: dict[int, frozenset[int]],
) -> _AtRisk:
    """Who is short in each (program, week): what decides it (the minutes attended and still
    to come) is read from the stored weekly doses, once for all the programs, and joined to
    the episodes. `weekdays` are the programs' group days (`program_weekdays`)."""
    distinct = sorted({week_start for _, week_start in weeks})
    parts = [
        _episodes(i, program.pk, program.min_weekly_minutes, week_start, weekdays[program.pk])
        for i, (program, week_start) in enumerate(weeks)
    ]
    doses: list[str] = []
    dose_params: list = []
    for j, week_start in enumerate(distinct):
        # The week's stored doses of the programs' organizations: their index reads them in
        # one pass, where matching each chosen participant would probe it once per person.
        organizations = sorted({p.organization_id for p, week in weeks if week == week_start})
        stored = WeeklyDose.objects.filter(
            organization_id__in=organizations, week=week_start
        ).values(
            pid=F("participant_id"),
            minutes_attended=F("attended"),
            minutes_to_come=remaining(now, [week_start]),
        )
        sql, values = stored.query.sql_with_params()
        doses.append(f"d{j} AS ({sql})")
        dose_params += values
    return _AtRisk((doses, dose_params), parts, [distinct.index(week) for _, week in weeks])


def _surname() -> str:
    """The participant's surname the page orders by, looked up in the surname index for each
    under-dosed row only: joined to every episode in care, it read every participant."""
    quote = connection.ops.quote_name
    surname = quote(Participant._meta.get_field("legal_last_name").column)
    table = quote(Participant._meta.db_table)
    return f"(SELECT p.{surname} FROM {table} p WHERE p.id = e.pid)"  # noqa: S608


_GAP = "e.required - COALESCE(d.minutes_attended, 0) - COALESCE(d.minutes_to_come, 0)"


def at_risk_count(program: Program, week_start: date, *, now: datetime | None = None) -> int:
    """How many cannot reach their requirement this week: the dose page's total, counted
    without ordering or loading anyone."""
    return at_risk_counts([(program, week_start)], now=now)[program.pk]


def at_risk_counts(
    weeks: Sequence[tuple[Program, date]], *, now: datetime | None = None
) -> dict[int, int]:
    """The dose page's total for each (program, week): how many cannot reach their
    requirement, per program id, in two queries however many programs (their group days,
    then one statement counting every program's), so the director's home asks once."""
    if not weeks:
        return {}
    now = now or timezone.now()
    weekdays = program_weekdays([program.pk for program, _ in weeks])
    sql, params = _at_risk(weeks, now, weekdays).counted()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {program.pk: n for (program, _), n in zip(weeks, row, strict=True)}


@dataclass(frozen=True)
class AtRiskPage:
    program: Program
    week_start: date
    page: Page
    rows: list[tuple[Episode, WeekDose]]


def at_risk_page(
    program: Program,
    week_start: date,
    number: str | int | None = 1,
    *,
    size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> tuple[Page, list[tuple[Episode, WeekDose]]]:
    """One page of the participants who cannot reach their requirement with what remains,
    largest gap first, and the pager over all of them: the same few queries however many
    are in care, so a director's program of thousands costs what ten do."""
    found = at_risk_pages([(program, week_start, number)], size=size, now=now)[0]
    return found.page, found.rows


def at_risk_pages(
    wanted: Sequence[tuple[Program, date, str | int | None]],
    *,
    size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> list[AtRiskPage]:
    """`at_risk_page` for several programs at once, each with its own page number: one
    statement pages every program's list, then one load of the episodes shown and their
    doses, so the dose page costs the same for one program or several."""
    if not wanted:
        return []
    now = now or timezone.now()
    weekdays = program_weekdays([program.pk for program, _, _ in wanted])
    shared = _at_risk([(program, week) for program, week, _ in wanted], now, weekdays)

    def fetch(numbers: list[int]) -> list[list[tuple[int, int]]]:
        """(episode id, list length) rows of each program's page `numbers[i]`, in one
        statement."""
        selects, params, surname = [], list(shared.params), _surname()
        for i, number in enumerate(numbers):
            selects.append(
                # Compiled queries, fixed text and the list's index; values are parameters.
                f"SELECT * FROM (SELECT {i} AS n, s.ep, COUNT(*) OVER () AS total,"  # noqa: S608
                " ROW_NUMBER() OVER (ORDER BY s.gap DESC, s.last_name, s.pid) AS place"
                f" FROM (SELECT e.ep, e.pid, {_GAP} AS gap, {surname} AS last_name"
                f"{shared.body(i)}) s ORDER BY place LIMIT %s OFFSET %s) p"
            )
            params += [size, (number - 1) * size]
        found: list[list[tuple[int, int]]] = [[] for _ in numbers]
        with connection.cursor() as cursor:
            cursor.execute(
                shared.sql + " " + " UNION ALL ".join(selects) + " ORDER BY n, place", params
            )
            for n, ep, total, _ in cursor.fetchall():
                found[n].append((ep, total))
        return found

    numbers = [paging.asked_page(number, size) for _, _, number in wanted]
    pages = fetch(numbers)
    if any(not rows and number > 1 for rows, number in zip(pages, numbers, strict=True)):
        # Past the end of some list: that list's last page instead (the first page's rows
        # carry the list's length).
        firsts = fetch([1] * len(numbers))
        for i, rows in enumerate(pages):
            if not rows and numbers[i] > 1:
                numbers[i] = paging.last_page(firsts[i][0][1] if firsts[i] else 0, size)
        pages = fetch(numbers)
    loaded = Episode.objects.select_related(
        "participant", "program", "primary_clinician", "scheduling_profile"
    ).in_bulk([ep for rows in pages for ep, _ in rows])
    shown = [[loaded[ep] for ep, _ in rows] for rows in pages]
    doses = weekly_doses(
        [e for episodes in shown for e in episodes], {week for _, week, _ in wanted}, now=now
    )
    return [
        AtRiskPage(
            program,
            week_start,
            paging.counted_page(episodes, number, rows[0][1] if rows else 0, size),
            [(e, doses[(e.participant_id, week_start)]) for e in episodes],
        )
        for (program, week_start, _), rows, number, episodes in zip(
            wanted, pages, numbers, shown, strict=True
        )
    ]


def at_risk(
    program: Program, week_start: date, *, now: datetime | None = None
) -> list[tuple[Episode, WeekDose]]:
    """Participants who cannot reach their requirement with what remains, largest gap first."""
    rows = [(e, d) for e, d in program_week(program, week_start, now=now) if d.under_dose]
    return sorted(
        rows,
        key=lambda r: (-r[1].shortfall, r[0].participant.legal_last_name, r[0].participant_id),
    )


def caseload_week(
    user, number: str | int | None = 1, *, size: int = PAGE_SIZE, now: datetime | None = None
) -> tuple[Page, list[tuple[Episode, WeekDose]]]:
    """One page of a clinician's own in-care participants with this week's dose (three
    queries for any caseload)."""
    # Each episode once without DISTINCT, which the page's window count would see through.
    episodes = (
        Episode.objects.filter(pk__in=caseload(user).values("pk"), status__in=IN_CARE_STATUSES)
        .select_related("participant", "program", "primary_clinician", "scheduling_profile")
        .order_by("participant__legal_last_name", "participant__legal_first_name", "pk")
    )
    page = paging.page_of(episodes, number, size)
    shown = list(page)
    weeks = {e.program_id: current_week(e.program, now) for e in shown}
    doses = weekly_doses(shown, set(weeks.values()), now=now)
    return page, [(e, doses[(e.participant_id, weeks[e.program_id])]) for e in shown]
