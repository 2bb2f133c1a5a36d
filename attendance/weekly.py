"""The weekly summaries: attended minutes per episode (`WeeklyMinutes`, kept current from
the roll calls) and the dose per participant (`WeeklyDose`, kept current from the roll calls
and the enrolments).

The services refresh the weeks they touch inside their own transaction; bulk writers (the
synthetic history, the demo) rebuild their episodes once at the end.
"""

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    DateField,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.expressions import Combinable, Func, RawSQL
from django.db.models.functions import Coalesce, TruncWeek

from attendance.models import DAY_PARTS, DOSE_DAYS, Attendance, WeeklyDose, WeeklyMinutes
from participants.models import Episode, Participant
from scheduling.models import Enrolment, Session
from tandem.hooks import Hook

BATCH = 5000
# Called as hook(episode_ids) inside the roll call's transaction once `refresh` rewrote these
# episodes' week (the outcomes board's stored facts follow it).
WEEKS_CHANGED: Hook[Callable[[list[int]], object]] = Hook("attendance.weeks_changed")


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def counted(rows: QuerySet[Attendance]) -> QuerySet[Attendance]:
    """The roll calls that count towards the dose: in force, at sessions that took place."""
    return rows.filter(entered_in_error_at__isnull=True, session__status=Session.Status.SCHEDULED)


def refresh(episode_ids: Iterable[int], day: date) -> None:
    """Recompute the week of `day` for these episodes. Call inside the roll call's
    transaction: locking the episodes keeps two roll calls of one week from each missing the
    other's minutes."""
    ids = sorted(set(episode_ids))
    if not ids:
        return
    week = week_of(day)
    list(Episode.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))
    sums = (
        counted(Attendance.objects.filter(episode_id__in=ids))
        .filter(session__date__gte=week, session__date__lt=week + timedelta(days=7))
        .values_list("episode_id", "episode__participant_id")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    WeeklyMinutes.objects.filter(episode_id__in=ids, week=week).delete()
    WeeklyMinutes.objects.bulk_create(
        WeeklyMinutes(episode_id=episode_id, participant_id=person, week=week, minutes=total)
        for episode_id, person, total in sums
    )
    for hook in WEEKS_CHANGED.implementations():
        hook(ids)


def rebuild(episodes: QuerySet[Episode]) -> int:
    """Recompute every week of these episodes and their participants' doses (after a bulk
    write); returns the weekly minutes rows written."""
    rebuild_doses(episodes.values("participant_id"))
    WeeklyMinutes.objects.filter(episode__in=episodes).delete()
    sums = (
        counted(Attendance.objects.filter(episode__in=episodes))
        .annotate(week=TruncWeek("session__date", output_field=DateField()))
        .values_list("episode_id", "episode__participant_id", "week")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    written = 0
    batch: list[WeeklyMinutes] = []
    for episode_id, person, week, total in sums.iterator(chunk_size=BATCH):
        batch.append(
            WeeklyMinutes(episode_id=episode_id, participant_id=person, week=week, minutes=total)
        )
        if len(batch) >= BATCH:
            written += len(WeeklyMinutes.objects.bulk_create(batch))
            batch = []
    written += len(WeeklyMinutes.objects.bulk_create(batch))
    return written


def mark_roll_calls_taken(enrolments: QuerySet[Enrolment]) -> int:
    """Mark those of `enrolments` that have a roll call entry (`Enrolment.roll_call_taken`),
    in one statement. The doses' refresh and rebuild call it, so every write that keeps the
    dose keeps the mark in its transaction. Returns how many were marked."""
    return enrolments.filter(Exists(_recorded()), roll_call_taken=False).update(
        roll_call_taken=True
    )


def refresh_doses(participant_ids: Iterable[int], first: date, last: date | None = None) -> None:
    """Recompute the doses of these participants in the weeks holding `first` to `last`. Call
    inside the transaction that changed their enrolments, roll calls or sessions: locking the
    participants keeps two writes of one week from each missing the other's minutes."""
    ids = sorted(set(participant_ids))
    if not ids:
        return
    start, end = week_of(first), week_of(last or first) + timedelta(days=7)
    locked = Participant.objects.select_for_update(no_key=True).filter(pk__in=ids)
    organizations = dict(locked.order_by("pk").values_list("pk", "organization_id"))
    WeeklyDose.objects.filter(participant_id__in=ids, week__gte=start, week__lt=end).delete()
    WeeklyDose.objects.bulk_create(_doses(organizations, start, end))
    mark_roll_calls_taken(
        Enrolment.objects.filter(
            participant_id__in=ids, session__date__gte=start, session__date__lt=end
        )
    )


def rebuild_doses(participants: QuerySet | None = None) -> int:
    """Recompute every week of these participants' doses (a queryset of their ids; everyone
    when None), a batch of participants at a time; returns the rows written."""
    chosen = Participant.objects.all() if participants is None else participants
    mark_roll_calls_taken(Enrolment.objects.filter(participant_id__in=chosen))
    WeeklyDose.objects.filter(participant_id__in=chosen).delete()
    people = list(
        Participant.objects.filter(pk__in=chosen)
        .order_by("pk")
        .values_list("pk", "organization_id")
    )
    written = 0
    for i in range(0, len(people), BATCH):
        written += len(WeeklyDose.objects.bulk_create(_doses(dict(people[i : i + BATCH]))))
    return written


def _doses(
    organizations: dict[int, int], start: date | None = None, end: date | None = None
) -> Iterator[WeeklyDose]:
    """The dose rows of these participants (their organization by id) in the weeks from
    `start` to before `end` (every week when not given), summed from the enrolments and the
    roll calls in two queries."""
    ids = list(organizations)
    dated = Q()
    if start is not None and end is not None:
        dated = Q(session__date__gte=start, session__date__lt=end)
    open_ = ~Exists(_recorded())
    planned = (
        Enrolment.objects.filter(
            dated, participant_id__in=ids, session__status=Session.Status.SCHEDULED
        )
        .annotate(week=TruncWeek("session__date", output_field=DateField()))
        .values_list("participant_id", "week")
        .annotate(
            scheduled=Sum("session__minutes"),
            **_open_parts("", open_),
            **{
                name: value
                for number, day in enumerate(DOSE_DAYS, start=1)
                for name, value in _open_parts(
                    f"{day}_", open_ & Q(session__date__iso_week_day=number)
                ).items()
            },
        )
        .order_by()
    )
    rolls = (
        counted(Attendance.objects.filter(dated, participant_id__in=ids))
        .annotate(week=TruncWeek("session__date", output_field=DateField()))
        .values_list("participant_id", "week")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    attended = {(person, week): total for person, week, total in rolls}
    for person, week, scheduled, *open_parts in planned:
        yield WeeklyDose(
            participant_id=person,
            organization_id=organizations[person],
            week=week,
            scheduled=scheduled,
            attended=attended.pop((person, week), 0),
            **dict(zip(_OPEN_PARTS, open_parts, strict=True)),
        )
    for (person, week), total in attended.items():
        yield WeeklyDose(
            participant_id=person,
            organization_id=organizations[person],
            week=week,
            scheduled=0,
            attended=total,
            open_minutes=0,
        )


_OPEN_PARTS = ["open_minutes", "first_open_end", "last_open_end", *DAY_PARTS]


def _open_parts(prefix: str, open_: Q | Combinable) -> dict[str, Func]:
    """The open minutes and the first and last end of the open sessions among the enrolments
    `open_` chooses, as aggregates named after `WeeklyDose`'s fields with `prefix`."""
    return {
        f"{prefix}open_minutes": Coalesce(Sum("session__minutes", filter=open_), 0),
        f"{prefix}first_open_end": Min("session__ends_at", filter=open_),
        f"{prefix}last_open_end": Max("session__ends_at", filter=open_),
    }


def _recorded() -> QuerySet[Attendance]:
    """A roll call entry, in force or not, for the enrolment's session and participant."""
    return Attendance.objects.filter(
        session_id=OuterRef("session_id"), participant_id=OuterRef("participant_id")
    )


def remaining(now: datetime, weeks: Iterable[date]) -> RawSQL:
    """The minutes still to attend at `now`, as an expression over `WeeklyDose` rows of these
    weeks: the open minutes of sessions not over yet. A row whose open sessions straddle
    `now` (after the morning's groups and before their roll calls, most of a program) sums
    its days' open minutes the same way, from each day's first and last open end; only a day
    whose own open sessions straddle `now` reads the participant's sessions of that day
    again, from their enrolments without a roll call (`enrolment_open`), each roll call
    looked up by its session and participant (as a NOT EXISTS, the planner read every roll
    call the participant ever had for each enrolment). Written in SQL: built with the query
    API, it took longer to compile than the dose page's statement takes to run."""
    quote, ops = connection.ops.quote_name, connection.ops
    dose, enrolment, session, roll = (
        quote(model._meta.db_table) for model in (WeeklyDose, Enrolment, Session, Attendance)
    )
    clock = ops.adapt_datetimefield_value(now)
    chosen = sorted(set(weeks))
    days, params = [], [clock, clock]
    for number, day in enumerate(DOSE_DAYS):
        first, last = f"{dose}.{day}_first_open_end", f"{dose}.{day}_last_open_end"
        straddling = []
        params += [clock, clock]
        for week in chosen:
            straddling.append(  # table names and fixed text only; values are parameters
                f" WHEN {dose}.week = %s THEN COALESCE((SELECT SUM(CASE WHEN EXISTS (SELECT 1"  # noqa: S608
                f" FROM {roll} a WHERE a.session_id = en.session_id AND a.participant_id ="
                f" en.participant_id) THEN 0 ELSE s.minutes END) FROM {enrolment} en"
                f" JOIN {session} s ON s.id = en.session_id WHERE en.participant_id ="
                f" {dose}.participant_id AND NOT en.roll_call_taken AND s.status = %s"
                " AND s.date = %s AND s.ends_at > %s), 0)"
            )
            params += [
                ops.adapt_datefield_value(week),
                Session.Status.SCHEDULED.value,
                ops.adapt_datefield_value(week + timedelta(days=number)),
                clock,
            ]
        days.append(
            f"CASE WHEN {first} IS NULL OR {first} > %s THEN {dose}.{day}_open_minutes"
            f" WHEN {last} <= %s THEN 0{''.join(straddling)} ELSE 0 END"
        )
    sql = (
        f"CASE WHEN {dose}.first_open_end IS NULL OR {dose}.first_open_end > %s"
        f" THEN {dose}.open_minutes WHEN {dose}.last_open_end <= %s THEN 0"
        f" ELSE {' + '.join(days)} END"
    )
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611
