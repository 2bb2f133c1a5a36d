"""The stored outcome facts: one row per episode with what the board counts (`EpisodeFacts`),
one per counted progress note (`NoteFacts`), their counts by local day (`NoteDays`) and one per
counted alert (`AlertFacts`), worked out with the board's own live definitions and kept
current after each change.

- `refresh(episode_ids)` recomputes the rows of these episodes from the records, with the
  same expressions the live figures use (`selectors`, `care_figures`), restricted to them and
  evaluated in each program's time zone (with their participants' notes and alerts); an
  episode of a participant entered in error loses its row.
- `mark(participant_ids)` is what a write calls (through the hooks `apps.py` registers in
  the writing services): once the write commits, one task (`outcomes.tasks.refresh_facts`) refreshes every
  episode of those participants. A write that rolls back queues nothing.
- The weekly dose's counts by week (`DoseWeeks`) change with the episode facts, by each
  refresh's difference, as the note days do with the note facts.
- `rebuild()` recomputes every row (`manage.py outcome_facts`; the synthetic installation and
  the demo's history call it once at the end of their bulk writes).
- `rebuilt_after(organization_ids)` holds the marks of the writes inside it and rebuilds
  instead when it ends (the demo's seeding), so no refresh is queued that the rebuild makes
  redundant.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from itertools import pairwise
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    Case,
    DateField,
    Exists,
    F,
    Max,
    Model,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.utils import timezone

from accounts.models import Program
from attendance.models import WeeklyMinutes
from discharge.models import (
    REACHED_STATUSES,
    Discharge,
    FollowUp,
    FollowUpAnswers,
    FollowUpStatus,
)
from discharge.types import DischargeType
from monitoring.models import Alert
from notes.models import ProgressNote
from outcomes import care_figures, figures
from outcomes.models import (
    AlertFacts,
    DoseWeeks,
    EpisodeFacts,
    FollowUpFacts,
    NoteDays,
    NoteFacts,
)
from participants.models import Episode, EpisodeStatus, Participant

BATCH = 2000
MEASURE_COLUMNS = care_figures.STORED_MEASURES
M = TypeVar("M", bound=Model)


def _store(
    model: type[M],
    rows: list[M],
    *,
    scope: dict[str, Any],
    key: str,
    fields: list[str],
    batch_size: int | None = None,
) -> int:
    """Make a fact table's rows within `scope` exactly `rows`, keyed by the record `key`
    names: those the record no longer gives are deleted, the rest written over in place (one
    delete, one upsert), so every fact table follows the record the same way. Returns how
    many rows were written."""
    kept = [getattr(row, f"{key}_id") for row in rows]
    model._default_manager.filter(**scope).exclude(**{f"{key}_id__in": kept}).delete()
    written = model._default_manager.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=[key],
        update_fields=fields,
        batch_size=batch_size,
    )
    return len(written)


def week_number(monday: date) -> int:
    """A Monday's week number (date.toordinal() of a Monday is 1 more than a multiple of 7)."""
    return (monday.toordinal() - 1) // 7


def met_weeks(
    admitted_on: date | None, discharged_on: date | None, weeks: Iterable[date]
) -> tuple[int | None, str]:
    """(`met_from`, `met_weeks`) from the Mondays of the weeks whose attended minutes met the
    program's minimum, kept as `selectors._met_weeks` keeps them: on or after admission, and
    before the week of discharge."""
    if admitted_on is None:
        return None, ""
    first = week_number(figures.first_full_week(admitted_on))
    stop = week_number(figures.week_start_of(discharged_on)) if discharged_on else None
    kept = sorted(
        {
            week_number(w) - first
            for w in weeks
            if w >= admitted_on and (stop is None or week_number(w) < stop)
        }
    )
    if not kept:
        return first, ""
    bits = ["0"] * (kept[-1] + 1)
    for index in kept:
        bits[index] = "1"
    return first, "".join(bits)


def _ordinal(day: date | None) -> int | None:
    return day.toordinal() if day else None


def _rows(ids: list[int], zone: str) -> list[EpisodeFacts]:
    """The facts of these episodes (all of one program's zone), in a fixed number of queries."""
    now = timezone.now()
    completed = Exists(
        Discharge.objects.filter(
            episode=OuterRef("pk"),
            type=DischargeType.COMPLETED,
            entered_in_error_at__isnull=True,
        )
    )
    measures = {}
    for code, column in MEASURE_COLUMNS.items():
        first, last = care_figures.first_and_last(code)
        measures.update(
            {
                f"{column}_f": first.values("total")[:1],
                f"{column}_l": last.values("total")[:1],
                f"{column}_fpk": first.values("pk")[:1],
                f"{column}_lpk": last.values("pk")[:1],
            }
        )
    with timezone.override(zone):
        episodes = list(
            Episode.objects.filter(pk__in=ids, participant__entered_in_error_at__isnull=True)
            .annotate(
                f_completed=completed,
                **care_figures.discharge_flags(),
                **{name: Subquery(query) for name, query in measures.items()},
            )
            .values(
                "pk",
                "program__organization_id",
                "program_id",
                "site_id",
                "participant_id",
                "level_of_care",
                "status",
                "participant__sex_at_birth",
                "participant__date_of_birth",
                "participant__reporting_demographics__race",
                "participant__reporting_demographics__ethnicity",
                "referred_on",
                "admitted_on",
                "discharged_on",
                "f_completed",
                "a_reported",
                "a_used",
                "a_screened",
                "a_positive",
                *measures,
            )
        )
    weeks: dict[int, list[date]] = defaultdict(list)
    for episode_id, week in (
        WeeklyMinutes.objects.filter(
            episode_id__in=[e["pk"] for e in episodes],
            minutes__gte=F("episode__program__min_weekly_minutes"),
        )
        .values_list("episode_id", "week")
        .order_by()
    ):
        weeks[episode_id].append(week)
    rows = []
    for e in episodes:
        met_from, met = met_weeks(e["admitted_on"], e["discharged_on"], weeks.get(e["pk"], ()))
        scores = {}
        for column in MEASURE_COLUMNS.values():
            twice = e[f"{column}_f"] is not None and e[f"{column}_fpk"] != e[f"{column}_lpk"]
            scores[f"{column}_first"] = e[f"{column}_f"] if twice else None
            scores[f"{column}_last"] = e[f"{column}_l"] if twice else None
        rows.append(
            EpisodeFacts(
                episode_id=e["pk"],
                organization_id=e["program__organization_id"],
                program_id=e["program_id"],
                site_id=e["site_id"],
                participant_id=e["participant_id"],
                level_of_care=e["level_of_care"],
                status=e["status"],
                sex_at_birth=e["participant__sex_at_birth"],
                date_of_birth=e["participant__date_of_birth"],
                race=e["participant__reporting_demographics__race"],
                ethnicity=e["participant__reporting_demographics__ethnicity"],
                referred_on=e["referred_on"],
                admitted_on=e["admitted_on"],
                discharged_on=e["discharged_on"],
                referred_day=_ordinal(e["referred_on"]),
                admitted_day=_ordinal(e["admitted_on"]),
                discharged_day=_ordinal(e["discharged_on"]),
                stop_week=(
                    week_number(figures.week_start_of(e["discharged_on"]))
                    if e["discharged_on"]
                    else None
                ),
                completed=bool(e["f_completed"]),
                reported=bool(e["a_reported"]),
                used=bool(e["a_used"]),
                screened=bool(e["a_screened"]),
                positive=bool(e["a_positive"]),
                met_from=met_from,
                met_weeks=met,
                refreshed_at=now,
                **scores,
            )
        )
    return rows


FACT_COLUMNS = [
    f.name
    for f in EpisodeFacts._meta.concrete_fields
    if not f.primary_key  # the episode
]


def refresh(episode_ids: Iterable[int], *, lock: bool = True) -> int:
    """Recompute the facts of these episodes; returns how many rows were written.

    With `lock` the episodes are locked first (as a roll call locks them), so two refreshes
    of one episode take turns and the later one reads what the earlier one read or newer.
    """
    ids = sorted(set(episode_ids))
    written = 0
    programs = {
        pk: (zone, organization_id)
        for pk, zone, organization_id in Program.objects.values_list(
            "pk", "time_zone", "organization_id"
        )
    }
    for at in range(0, len(ids), BATCH):
        chunk = ids[at : at + BATCH]
        with transaction.atomic():
            found = Episode.objects.filter(pk__in=chunk).order_by("pk")
            if lock:
                found = found.select_for_update()
            by_zone: dict[str, list[int]] = defaultdict(list)
            organizations = set()
            for pk, program_id in found.values_list("pk", "program_id"):
                by_zone[programs[program_id][0]].append(pk)
                organizations.add(programs[program_id][1])
            # The organizations' complete dose weeks, locked so refreshes that change the same
            # weeks take turns, then the facts as they stood: the weeks change by the difference.
            dose_kept = _kept_dose_organizations(organizations)
            dose_stood = list(
                EpisodeFacts.objects.filter(
                    episode_id__in=chunk, organization_id__in=dose_kept
                ).values_list(*DOSE_FACT_COLUMNS)
                if dose_kept
                else []
            )
            rows = [row for zone, some in sorted(by_zone.items()) for row in _rows(some, zone)]
            _refresh_follow_ups(by_zone)
            people = list(
                Episode.objects.filter(pk__in=chunk).values_list("participant_id", flat=True)
            )
            _refresh_notes(people)
            _refresh_alerts(people)
            written += _store(
                EpisodeFacts,
                rows,
                scope={"episode_id__in": chunk},
                key="episode",
                fields=FACT_COLUMNS,
            )
            if dose_kept:
                after = [
                    tuple(getattr(row, name) for name in DOSE_FACT_COLUMNS)
                    for row in rows
                    if row.organization_id in dose_kept
                ]
                _add_counts(
                    DoseWeeks,
                    ("organization_id", "week"),
                    DOSE_WEEK_COUNTS,
                    dose_weeks(after),
                    dose_weeks(dose_stood),
                )
    return written


def _left_on() -> Case:
    """A follow-up's episode's discharge day if the episode left care, else null."""
    episode = "discharge__episode__"
    return Case(
        When(
            Q(**{f"{episode}status__in": care_figures.LEFT_CARE})
            & Q(**{f"{episode}admitted_on__isnull": False}),
            then=F(f"{episode}discharged_on"),
        ),
        default=None,
        output_field=DateField(),
    )


def _refresh_follow_ups(by_zone: dict[str, list[int]]) -> None:
    """Rewrite the follow-up facts of these episodes (by their program's zone):
    `care_figures.follow_up_stages`' follow-ups of participants not entered in error, with
    what their answers say and when their episode left care."""
    ids = [pk for some in by_zone.values() for pk in some]
    rows = []
    for zone, some in sorted(by_zone.items()):
        with timezone.override(zone):
            answers = {
                follow_up_id: (used, screened, positive)
                for follow_up_id, used, screened, positive in FollowUpAnswers.objects.filter(
                    follow_up__discharge__episode_id__in=some, entered_in_error_at__isnull=True
                )
                .annotate(**care_figures.answer_screen_flags())
                .values_list("follow_up_id", "used_since_discharge", "a_screened", "a_positive")
                .order_by()
            }
        for pk, organization_id, episode_id, day, due_on, status, left in (
            FollowUp.objects.filter(
                discharge__episode_id__in=some,
                discharge__entered_in_error_at__isnull=True,
                discharge__episode__participant__entered_in_error_at__isnull=True,
            )
            .exclude(status=FollowUpStatus.STOPPED)
            .annotate(left=_left_on())
            .values_list(
                "pk",
                "discharge__episode__program__organization_id",
                "discharge__episode_id",
                "day",
                "due_on",
                "status",
                "left",
            )
            .order_by()
        ):
            answered = pk in answers
            used, screened, positive = answers.get(pk, (False, False, False))
            rows.append(
                FollowUpFacts(
                    follow_up_id=pk,
                    organization_id=organization_id,
                    episode_id=episode_id,
                    left_on=left,
                    day=day,
                    due_on=due_on,
                    reached=status in REACHED_STATUSES,
                    answered=answered,
                    used=bool(used),
                    screened=bool(screened),
                    positive=bool(positive),
                )
            )
    _store(
        FollowUpFacts,
        rows,
        scope={"episode_id__in": ids},
        key="follow_up",
        fields=[
            "organization_id",
            "episode_id",
            "left_on",
            "day",
            "due_on",
            "reached",
            "answered",
            "used",
            "screened",
            "positive",
        ],
        batch_size=BATCH,
    )


def _refresh_notes(participant_ids: Iterable[int]) -> None:
    """Rewrite the note facts of these participants: `care_figures.notes_on_time`'s notes
    (first versions in force with a due time) of those not entered in error, whether each was
    signed by then, and the due time of the participant's note before it."""
    people = sorted(set(participant_ids))
    # The organizations' complete note days, locked so refreshes that change the same days
    # take turns, then the notes as they stood: the days change by the difference.
    kept = _kept_zones(people)
    stood = (
        list(
            NoteFacts.objects.filter(participant_id__in=people).values_list(
                "organization_id", "due_at", "previous_due_at", "state"
            )
        )
        if kept
        else []
    )
    rows = [
        NoteFacts(
            note_id=pk,
            organization_id=organization_id,
            participant_id=participant_id,
            due_at=due_at,
            state=(
                NoteFacts.UNSIGNED
                if signed_at is None
                else NoteFacts.ON_TIME
                if signed_at <= due_at
                else NoteFacts.LATE
            ),
        )
        for pk, organization_id, participant_id, due_at, signed_at in ProgressNote.objects.filter(
            participant_id__in=people,
            participant__entered_in_error_at__isnull=True,
            entered_in_error_at__isnull=True,
            supersedes__isnull=True,
            due_at__isnull=False,
        )
        .values_list("pk", "participant__organization_id", "participant_id", "due_at", "signed_at")
        .order_by()
    ]
    rows.sort(key=lambda row: (row.participant_id, row.due_at, row.note_id))
    for before, row in pairwise(rows):
        if before.participant_id == row.participant_id:
            row.previous_due_at = before.due_at
    _store(
        NoteFacts,
        rows,
        scope={"participant_id__in": people},
        key="note",
        fields=["organization_id", "participant_id", "due_at", "state", "previous_due_at"],
        batch_size=BATCH,
    )
    if kept:
        after = [(row.organization_id, row.due_at, row.previous_due_at, row.state) for row in rows]
        _add_note_days(note_days(after, kept), note_days(stood, kept))


# ---------------------------------------------------------------- note days

NoteDayKey = tuple[int, str, int, int]  # organization, zone, day, previous day
NOTE_DAY_COUNTS = ("due", "on_time", "late", "unsigned")


def _local_day(at: datetime | None, zone: ZoneInfo) -> int:
    """The ordinal of the local day of `at` in `zone` (0 for none): the day whose local
    midnights `care_figures.local_days` puts around it."""
    return at.astimezone(zone).date().toordinal() if at is not None else 0


def note_days(
    notes: Iterable[tuple[int, datetime, datetime | None, str]], zones: dict[int, set[str]]
) -> dict[NoteDayKey, Counter[str]]:
    """What note facts (organization id, due time, previous due time, state) add to each
    `NoteDays` row of the zones kept for their organization."""
    counts: dict[NoteDayKey, Counter[str]] = defaultdict(Counter)
    tz = {zone: ZoneInfo(zone) for kept in zones.values() for zone in kept}
    for organization_id, due_at, previous_due_at, state in notes:
        for zone in zones.get(organization_id, ()):
            key = (
                organization_id,
                zone,
                _local_day(due_at, tz[zone]),
                _local_day(previous_due_at, tz[zone]),
            )
            counts[key]["due"] += 1
            counts[key][state] += 1
    return counts


def _kept_zones(participant_ids: list[int]) -> dict[int, set[str]]:
    """The zones whose note days are complete (`NoteDays` day 0) for these participants'
    organizations, locked until the transaction ends."""
    kept: dict[int, set[str]] = defaultdict(set)
    for organization_id, zone in (
        NoteDays.objects.select_for_update()
        .filter(
            day=0,
            organization_id__in=Participant.objects.filter(pk__in=participant_ids).values(
                "organization_id"
            ),
        )
        .order_by("organization_id", "zone")
        .values_list("organization_id", "zone")
    ):
        kept[organization_id].add(zone)
    return kept


def _add_note_days(
    after: dict[NoteDayKey, Counter[str]], before: dict[NoteDayKey, Counter[str]]
) -> None:
    """Change the note days by what the notes add now less what they added before."""
    _add_counts(
        NoteDays, ("organization_id", "zone", "day", "previous_day"), NOTE_DAY_COUNTS, after, before
    )


def _add_counts(
    model: type[Model],
    key: tuple[str, ...],
    names: tuple[str, ...],
    after: dict[Any, Counter[str]],
    before: dict[Any, Counter[str]],
) -> None:
    """Change a table of counts (one row per `key`) by what the facts add now less what they
    added before, creating the rows they reach for the first time."""
    changes = {}
    for values in after.keys() | before.keys():
        change = {name: after[values][name] - before[values][name] for name in names}
        if any(change.values()):
            changes[values] = change
    if not changes:
        return
    model._default_manager.bulk_create(
        [model(**dict(zip(key, values, strict=True))) for values in changes],
        ignore_conflicts=True,
    )
    for values, change in changes.items():
        model._default_manager.filter(**dict(zip(key, values, strict=True))).update(
            **{name: F(name) + n for name, n in change.items() if n}
        )


def rebuild_note_days(organization_ids: Iterable[int] | None = None) -> None:
    """Write the note days of these organizations (or of all) from their note facts, in
    each time zone of their programs, each zone marked complete."""
    programs = Program.objects.all()
    if organization_ids is not None:
        programs = programs.filter(organization_id__in=list(organization_ids))
    zones: dict[int, set[str]] = defaultdict(set)
    for organization_id, zone in programs.values_list("organization_id", "time_zone"):
        zones[organization_id].add(zone)
    counts = note_days(
        NoteFacts.objects.filter(organization_id__in=list(zones))
        .values_list("organization_id", "due_at", "previous_due_at", "state")
        .order_by()
        .iterator(chunk_size=BATCH),
        zones,
    )
    NoteDays.objects.bulk_create(
        [
            NoteDays(organization_id=org, zone=zone, day=0, previous_day=0)
            for org, kept in zones.items()
            for zone in kept
        ]
        + [
            NoteDays(
                organization_id=org,
                zone=zone,
                day=day,
                previous_day=previous,
                **{name: count[name] for name in NOTE_DAY_COUNTS},
            )
            for (org, zone, day, previous), count in counts.items()
        ],
        batch_size=BATCH,
    )


# ---------------------------------------------------------------- dose weeks

DoseWeekKey = tuple[int, int]  # organization, week number
DOSE_WEEK_COUNTS = ("began", "ended", "began_in_care", "met")
# The episode facts' columns the weekly dose reads.
DOSE_FACT_COLUMNS = (
    "organization_id",
    "status",
    "admitted_on",
    "met_from",
    "stop_week",
    "met_weeks",
)


def dose_weeks(
    episodes: Iterable[tuple[int, str, date | None, int | None, int | None, str]],
) -> dict[DoseWeekKey, Counter[str]]:
    """What episode facts (`DOSE_FACT_COLUMNS`) add to each `DoseWeeks` row: those of the
    episodes `selectors.dose` counts, admitted and not declined."""
    counts: dict[DoseWeekKey, Counter[str]] = defaultdict(Counter)
    for organization_id, status, admitted_on, first, stop, met in episodes:
        if admitted_on is None or first is None or status == EpisodeStatus.DECLINED:
            continue
        if stop is None:
            counts[organization_id, first]["began_in_care"] += 1
        elif first < stop:
            counts[organization_id, first]["began"] += 1
            counts[organization_id, stop]["ended"] += 1
        for index, bit in enumerate(met):
            if bit == "1":
                counts[organization_id, first + index]["met"] += 1
    return counts


def _kept_dose_organizations(organization_ids: Iterable[int]) -> set[int]:
    """Those of these organizations whose dose weeks are complete (`DoseWeeks` week 0),
    locked until the transaction ends."""
    return set(
        DoseWeeks.objects.select_for_update()
        .filter(week=0, organization_id__in=sorted(set(organization_ids)))
        .order_by("organization_id")
        .values_list("organization_id", flat=True)
    )


def rebuild_dose_weeks(organization_ids: Iterable[int] | None = None) -> None:
    """Write the dose weeks of these organizations (or of all) from their episode facts,
    each organization marked complete."""
    programs = Program.objects.all()
    if organization_ids is not None:
        programs = programs.filter(organization_id__in=list(organization_ids))
    organizations = set(programs.values_list("organization_id", flat=True))
    counts = dose_weeks(
        EpisodeFacts.objects.filter(organization_id__in=organizations)
        .values_list(*DOSE_FACT_COLUMNS)
        .order_by()
        .iterator(chunk_size=BATCH)
    )
    DoseWeeks.objects.bulk_create(
        [DoseWeeks(organization_id=org, week=0) for org in sorted(organizations)]
        + [
            DoseWeeks(
                organization_id=org,
                week=week,
                **{name: count[name] for name in DOSE_WEEK_COUNTS},
            )
            for (org, week), count in counts.items()
        ],
        batch_size=BATCH,
    )


def _refresh_alerts(participant_ids: Iterable[int]) -> None:
    """Rewrite the alert facts of these participants: `selectors.alert_response`'s alerts
    (those not entered in error) of those not entered in error, when each was raised and
    acknowledged, and when the participant's alert of the same severity before it was
    raised."""
    people = sorted(set(participant_ids))
    rows = [
        AlertFacts(
            alert_id=pk,
            organization_id=organization_id,
            participant_id=participant_id,
            severity=severity,
            recorded_at=recorded_at,
            acknowledged_at=acknowledged_at,
        )
        for pk, organization_id, participant_id, severity, recorded_at, acknowledged_at in (
            Alert.objects.filter(
                participant_id__in=people,
                participant__entered_in_error_at__isnull=True,
                entered_in_error_at__isnull=True,
            )
            .values_list(
                "pk",
                "participant__organization_id",
                "participant_id",
                "severity",
                "recorded_at",
                "acknowledged_at",
            )
            .order_by()
        )
    ]
    rows.sort(key=lambda row: (row.participant_id, row.severity, row.recorded_at, row.alert_id))
    for before, row in pairwise(rows):
        if (before.participant_id, before.severity) == (row.participant_id, row.severity):
            row.previous_at = before.recorded_at
    _store(
        AlertFacts,
        rows,
        scope={"participant_id__in": people},
        key="alert",
        fields=[
            "organization_id",
            "participant_id",
            "severity",
            "recorded_at",
            "acknowledged_at",
            "previous_at",
        ],
        batch_size=BATCH,
    )


def rebuild(organization_ids: Iterable[int] | None = None) -> int:
    """Recompute every episode's facts (of these organizations, or of all)."""
    episodes = Episode.objects.all()
    stale = EpisodeFacts.objects.all()
    notes = NoteFacts.objects.all()
    alerts = AlertFacts.objects.all()
    follow_ups = FollowUpFacts.objects.all()
    days = NoteDays.objects.all()
    dose = DoseWeeks.objects.all()
    orgs = None
    if organization_ids is not None:
        orgs = list(organization_ids)
        days = days.filter(organization_id__in=orgs)
        dose = dose.filter(organization_id__in=orgs)
        episodes = episodes.filter(program__organization_id__in=orgs)
        stale = stale.filter(organization_id__in=orgs)
        notes = notes.filter(organization_id__in=orgs)
        alerts = alerts.filter(organization_id__in=orgs)
        follow_ups = follow_ups.filter(organization_id__in=orgs)
    days.delete()  # the refresh below leaves them alone; they are written from its notes
    dose.delete()  # and these from its episode facts
    follow_ups.delete()
    stale.delete()
    notes.delete()
    alerts.delete()
    written = refresh(episodes.order_by("pk").values_list("pk", flat=True), lock=False)
    rebuild_note_days(orgs)
    rebuild_dose_weeks(orgs)
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner: estimated from an empty table, a board's first
        # loads after a rebuild would loop over every note instead of hashing.
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE "
                + ", ".join(
                    m._meta.db_table
                    for m in (
                        EpisodeFacts,
                        NoteFacts,
                        NoteDays,
                        DoseWeeks,
                        AlertFacts,
                        FollowUpFacts,
                    )
                )
            )
    return written


def as_of(organization_ids: Iterable[int]) -> datetime | None:
    """When the newest of these organizations' facts was written."""
    return EpisodeFacts.objects.filter(organization_id__in=list(organization_ids)).aggregate(
        at=Max("refreshed_at")
    )["at"]


# ---------------------------------------------------------------- keeping them current

_PENDING = "_outcome_facts_pending"


class _Batch:
    """The marks of one transaction, queued as one task when it commits."""

    def __init__(self) -> None:
        self.ids: dict[str, set[int]] = {"participants": set(), "episodes": set()}

    def __call__(self) -> None:
        from outcomes.tasks import refresh_facts

        if getattr(connection, _PENDING, None) is not self:
            return  # flushed already (a test runs a commit's callbacks more than once)
        setattr(connection, _PENDING, None)
        refresh_facts.enqueue(sorted(self.ids["participants"]), sorted(self.ids["episodes"]))

    def awaiting_commit(self) -> bool:
        """Whether this batch still waits for its transaction: a rollback (of the transaction
        or of the savepoint it was opened in) drops it from the commit hooks, and its marks
        with it."""
        return connection.in_atomic_block and any(
            entry[1] is self for entry in connection.run_on_commit
        )


# The marks held by the innermost `rebuilt_after` block of this thread, if one is open.
_HELD: ContextVar[dict[str, set[int]] | None] = ContextVar("outcome_facts_held", default=None)


def mark(
    participant_ids: Iterable[int | None] = (),
    *,
    episodes: Iterable[int] = (),
) -> None:
    """Refresh the facts of these participants' episodes and these episodes once the
    current transaction commits (at once outside one). The marks of one transaction are
    gathered into one task; a transaction that rolls back queues none of its marks, then or
    with a later commit. Inside `rebuilt_after` the marks are held for its rebuild."""
    new = {
        "participants": {pk for pk in participant_ids if pk is not None},
        "episodes": set(episodes),
    }
    if not any(new.values()):
        return
    held = _HELD.get()
    if held is not None:
        for kind, ids in new.items():
            held[kind] |= ids
        return
    batch: _Batch | None = getattr(connection, _PENDING, None)
    if batch is not None and batch.awaiting_commit():
        for kind, ids in new.items():
            batch.ids[kind] |= ids
        return
    batch = _Batch()
    batch.ids = new
    setattr(connection, _PENDING, batch)
    transaction.on_commit(batch)


@contextmanager
def rebuilt_after(organization_ids: Iterable[int]) -> Iterator[None]:
    """Queue no refresh for the writes inside the block and rebuild, once it ends, the facts of
    these organizations and of every organization those writes marked. For a bulk load through
    the services (the demo's seeding) that rebuilds anyway: each refresh it queued would be
    work for the worker that the rebuild already did. A block that raises rebuilds nothing and
    marks what its writes marked, as they would have; marks in other threads, and before or
    after the block, queue as always."""
    held: dict[str, set[int]] = {"participants": set(), "episodes": set()}
    token = _HELD.set(held)
    try:
        yield
    except BaseException:
        _HELD.reset(token)
        mark(held["participants"], episodes=held["episodes"])
        raise
    _HELD.reset(token)
    organizations = (
        set(organization_ids)
        | set(
            Participant.objects.filter(pk__in=held["participants"]).values_list(
                "organization_id", flat=True
            )
        )
        | set(
            Episode.objects.filter(pk__in=held["episodes"]).values_list(
                "program__organization_id", flat=True
            )
        )
    )
    rebuild(sorted(organizations))


def refresh_marked(
    participant_ids: Iterable[int], episode_ids: Iterable[int], program_ids: Iterable[int] = ()
) -> int:
    """What the task does: refresh every episode of these participants, and these episodes
    (and every episode of `program_ids`, which only tasks queued by an earlier version name)."""
    ids = set(episode_ids)
    people, programs = list(participant_ids), list(program_ids)
    if people:
        ids |= set(Episode.objects.filter(participant_id__in=people).values_list("pk", flat=True))
    if programs:
        ids |= set(Episode.objects.filter(program_id__in=programs).values_list("pk", flat=True))
    return refresh(ids)


def week_range(start: date, end: date, today: date) -> tuple[int, int]:
    """The board's dose weeks as week numbers [first, stop)."""
    return (
        week_number(figures.first_full_week(start)),
        week_number(figures.last_countable_week(end, today)),
    )
