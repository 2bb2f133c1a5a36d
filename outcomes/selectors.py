"""The director's board. `live_board` defines every figure as an aggregate query over the
episodes the filters keep, read from the records; `board`, which the pages and the API show,
counts the same figures from the stored outcome facts (`outcomes.facts`), which a background
task keeps current after each change, and says as of when.

The board costs a fixed number of queries however many participants the program has: one
grouped query per figure, each returning counts, never one row per person per loop.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Greatest,
    Least,
    Length,
    Replace,
    Substr,
    TruncMonth,
    TruncWeek,
)

from accounts.models import LevelOfCare, Program, Site
from attendance.models import WeeklyMinutes
from discharge.types import DischargeType
from monitoring.models import Alert, Severity
from outcomes import care_figures, figures
from outcomes.facts import as_of, week_number
from outcomes.models import AlertFacts, DoseWeeks, EpisodeFacts, Ethnicity, Race
from outcomes.suppression import SMALLEST_SHOWN, Relations, suppress
from participants.models import Episode, EpisodeStatus, SexAtBirth
from scheduling.models import Enrolment, Track

LEFT_CARE = care_figures.LEFT_CARE
# Age on the last day of the range, in the bands the board groups by.
AGE_GROUPS: tuple[tuple[str, str, int, int | None], ...] = (
    ("under_18", "Under 18", 0, 17),
    ("18_25", "18–25", 18, 25),
    ("26_34", "26–34", 26, 34),
    ("35_44", "35–44", 35, 44),
    ("45_54", "45–54", 45, 54),
    ("55_64", "55–64", 55, 64),
    ("65_plus", "65 and over", 65, None),
)
BREAKDOWNS = {
    "sex": "Sex at birth",
    "age_group": "Age group",
    "race": "Race",
    "ethnicity": "Ethnicity",
    "site": "Site",
    "level_of_care": "Level of care",
}
SURVIVAL_DAYS = (30, 60, 90, 180)
ALERT_WITHIN_HOURS = (1, 4, 24)
NOT_RECORDED = "not_recorded"
# The filters that keep some of the organizations' episodes (the range keeps whole ones).
_NARROWING = (
    "program_id",
    "site_id",
    "track_id",
    "level_of_care",
    "sex",
    "age_group",
    "race",
    "ethnicity",
)


@dataclass(frozen=True)
class Filters:
    """What the director chose. Every value is a code or an id of program data, never
    anything about a participant."""

    organization_ids: tuple[int, ...]
    start: date
    end: date
    today: date
    program_id: int | None = None
    site_id: int | None = None
    track_id: int | None = None
    level_of_care: str = ""
    sex: str = ""
    age_group: str = ""
    race: str = ""
    ethnicity: str = ""
    breakdown: str = "sex"

    @property
    def whole_organizations(self) -> bool:
        """Whether the filters keep every episode of the organizations (a range only)."""
        return not any(getattr(self, name) for name in _NARROWING)

    def described(self) -> dict:
        """The filters as the audit event and the CSV header keep them."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            **{
                name: value for name in (*_NARROWING, "breakdown") if (value := getattr(self, name))
            },
        }


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _born_between(reference: date, low: int, high: int | None, person: str = "participant__") -> Q:
    """Aged low..high (inclusive) on `reference`."""
    q = Q(**{f"{person}date_of_birth__lte": _years_before(reference, low)})
    if high is not None:
        q &= Q(**{f"{person}date_of_birth__gt": _years_before(reference, high + 1)})
    return q


@dataclass(frozen=True)
class Source:
    """Where the board reads its episodes: live from the records, or from the stored facts
    (`EpisodeFacts`), which hold the same values under shorter names."""

    stored: bool
    person: str  # the prefix of the participant's columns
    reported: str  # the prefix of the reported race and ethnicity

    def episodes(self, filters: "Filters") -> QuerySet:
        return facts(filters) if self.stored else episodes(filters)

    def completed(self) -> Q:
        return Q(completed=True) if self.stored else completed_condition()


LIVE = Source(
    stored=False, person="participant__", reported="participant__reporting_demographics__"
)
STORED = Source(stored=True, person="", reported="")


def episodes(filters: Filters) -> QuerySet[Episode]:
    """The episodes the filters keep (every status; each figure narrows them further)."""
    return _narrowed(
        Episode.objects.filter(
            program__organization_id__in=filters.organization_ids,
            participant__entered_in_error_at__isnull=True,
        ),
        filters,
        LIVE,
    )


def facts(filters: Filters) -> QuerySet[EpisodeFacts]:
    """The stored facts of the episodes `episodes(filters)` keeps, filtered the same way."""
    return _narrowed(
        EpisodeFacts.objects.filter(organization_id__in=filters.organization_ids),
        filters,
        STORED,
    )


def _narrowed(qs: QuerySet, filters: Filters, source: Source) -> QuerySet:
    """`qs` kept to the filters' program, site, level of care, person and track, read where
    `source` keeps them, so the live board and the stored facts can never filter apart."""
    if filters.program_id:
        qs = qs.filter(program_id=filters.program_id)
    if filters.site_id:
        qs = qs.filter(site_id=filters.site_id)
    if filters.level_of_care:
        qs = qs.filter(level_of_care=filters.level_of_care)
    if filters.sex:
        qs = qs.filter(**{f"{source.person}sex_at_birth": filters.sex})
    if filters.age_group:
        band = next(b for b in AGE_GROUPS if b[0] == filters.age_group)
        qs = qs.filter(_born_between(filters.end, band[2], band[3], person=source.person))
    if filters.race:
        qs = qs.filter(_reported("race", filters.race, prefix=source.reported))
    if filters.ethnicity:
        qs = qs.filter(_reported("ethnicity", filters.ethnicity, prefix=source.reported))
    if filters.track_id:
        qs = qs.filter(_in_track(filters.track_id))
    return qs


def _in_track(track_id: int) -> Exists:
    return Exists(
        Enrolment.objects.filter(episode_id=OuterRef("pk"), session__group__track_id=track_id)
    )


def _reported(column: str, value: str, prefix: str = "participant__reporting_demographics__") -> Q:
    """Reported `value`; "not recorded" is no record at all or an answer of not reported."""
    if value == NOT_RECORDED:
        missing = (
            Q(**{f"{prefix}{column}__isnull": True})
            if not prefix
            else Q(**{f"{prefix.removesuffix('__')}__isnull": True})
        )
        return missing | Q(**{f"{prefix}{column}": "not_reported"})
    return Q(**{f"{prefix}{column}": value})


# ---------------------------------------------------------------- completion


@dataclass
class CompletionRow:
    key: str
    label: str
    left_care: int | None
    completed: int | None
    not_completed: int | None
    # A month row's month (its key is the month in ISO, "2026-06", for the CSV and the API).
    month: date | None = None

    @property
    def rate(self) -> float | None:
        if self.left_care is None or self.completed is None or not self.left_care:
            return None
        return self.completed / self.left_care


@dataclass
class Completion:
    total: CompletionRow
    months: list[CompletionRow]
    groups: list[CompletionRow]
    breakdown: str
    suppressed: list[str]


def completed_condition() -> Q:
    """Who completed: the discharge workflow recorded "completed" (and no one has marked that
    record entered in error). An episode that left care without a discharge record (declined,
    transferred out before the workflow existed) did not complete."""
    return Q(discharge__type=DischargeType.COMPLETED, discharge__entered_in_error_at__isnull=True)


def stored_people(filters: Filters) -> QuerySet | None:
    """The participants whose stored notes and alerts the filters keep: None for all of
    them when the filters keep whole organizations, since the note and alert facts hold only
    participants with an episode there (and none entered in error), so the figures read
    their range from the index without matching each row against every episode."""
    return None if filters.whole_organizations else facts(filters).values("participant_id")


def left_care(filters: Filters, source: Source = LIVE) -> QuerySet:
    """Episodes that were in care and ended, discharged in the range."""
    return source.episodes(filters).filter(
        status__in=LEFT_CARE,
        admitted_on__isnull=False,
        discharged_on__range=(filters.start, filters.end),
    )


def _group_expression(breakdown: str, reference: date, source: Source = LIVE):
    if breakdown == "sex":
        return F(f"{source.person}sex_at_birth")
    if breakdown == "race":
        return _coalesced("race", source.reported)
    if breakdown == "ethnicity":
        return _coalesced("ethnicity", source.reported)
    if breakdown == "site":
        return Cast(F("site_id"), CharField())
    if breakdown == "level_of_care":
        return F("level_of_care")
    return Case(
        *[
            When(_born_between(reference, low, high, source.person), then=Value(key))
            for key, _, low, high in AGE_GROUPS
        ],
        default=Value(NOT_RECORDED),
        output_field=CharField(),
    )


def _coalesced(column: str, prefix: str = "participant__reporting_demographics__"):
    return Case(
        When(
            **{f"{prefix}{column}__isnull": False},
            then=F(f"{prefix}{column}"),
        ),
        default=Value("not_reported"),
        output_field=CharField(),
    )


def group_labels(breakdown: str, sites: list[Site]) -> dict[str, str]:
    """Each group's code and its label, in the order the board lists them."""
    if breakdown == "sex":
        return dict(SexAtBirth.choices)
    if breakdown == "race":
        return dict(Race.choices)
    if breakdown == "ethnicity":
        return dict(Ethnicity.choices)
    if breakdown == "site":
        return {**{str(s.pk): s.name for s in sites}, "None": "No site recorded"}
    if breakdown == "level_of_care":
        return dict(LevelOfCare.choices)
    return {key: label for key, label, _, _ in AGE_GROUPS}


def completion(filters: Filters, sites: list[Site], source: Source = LIVE) -> Completion:
    """Completed ÷ all who left care, by month of discharge and by the chosen group, with
    small cells and their complements hidden across both tables at once (they share totals)."""
    done = source.completed()
    # Counted by month and group at once, in one pass over those who left care; each table
    # is the sum of the other's cells.
    cells = (
        left_care(filters, source)
        .annotate(
            month=TruncMonth("discharged_on", output_field=DateField()),
            group=_group_expression(filters.breakdown, filters.end, source),
        )
        .values("month", "group")
        .annotate(left=Count("pk"), completed=Count("pk", filter=done))
        .order_by()
    )
    months: dict[str, tuple[int, int]] = {}
    groups: dict[str, tuple[int, int]] = {}
    for cell in cells:
        for table, key in (
            (months, cell["month"].strftime("%Y-%m")),
            (groups, str(cell["group"])),
        ):
            left, completed = table.get(key, (0, 0))
            table[key] = (left + cell["left"], completed + cell["completed"])
    labels = group_labels(filters.breakdown, sites)
    for key in groups:
        labels.setdefault(key, key)
    relations = completion_relations(months, groups)
    hidden = suppress(relations)

    def row(prefix: tuple, label: str, month: date | None = None) -> CompletionRow:
        def shown(column: str) -> int | None:
            name = (*prefix, column)
            return None if name in hidden else relations.values[name]

        return CompletionRow(
            prefix[-1], label, shown("left"), shown("completed"), shown("other"), month
        )

    return Completion(
        total=row(("total",), "All who left care"),
        months=[
            row(("month", key), key, date.fromisoformat(f"{key}-01")) for key in sorted(months)
        ],
        groups=[
            row(("group", key), labels[key])
            for key in sorted(groups, key=lambda k: list(labels).index(k))
        ],
        breakdown=filters.breakdown,
        suppressed=sorted(_describe(name) for name in hidden),
    )


def completion_relations(
    months: dict[str, tuple[int, int]], groups: dict[str, tuple[int, int]]
) -> Relations[tuple[str, ...]]:
    """The completion counts, (left care, completed) per month and per group, and the sums
    that tie them: each line adds up, and both tables add up to the same totals."""
    relations: Relations[tuple[str, ...]] = Relations()
    total_left = sum(left for left, _ in months.values())
    total_done = sum(done for _, done in months.values())
    _line(relations, ("total",), total_left, total_done)
    for table, rows in (("month", months), ("group", groups)):
        for key, (left, completed) in rows.items():
            _line(relations, (table, key), left, completed)
        for column in ("left", "completed", "other"):
            relations.adds_up(("total", column), [(table, key, column) for key in rows])
    return relations


def _line(
    relations: Relations[tuple[str, ...]], prefix: tuple[str, ...], left: int, completed: int
) -> None:
    relations.count((*prefix, "left"), left)
    relations.count((*prefix, "completed"), completed)
    relations.count((*prefix, "other"), left - completed)
    relations.adds_up((*prefix, "left"), [(*prefix, "completed"), (*prefix, "other")])


def _describe(name: tuple[str, ...]) -> str:
    words = {"left": "left_care", "completed": "completed", "other": "not_completed"}
    return ".".join([*[str(p) for p in name[:-1]], words[name[-1]]])


# ---------------------------------------------------------------- retention


@dataclass
class Retention:
    people: int
    shown: bool
    steps: list[figures.SurvivalStep] = field(default_factory=list)
    median_days: int | None = None
    at_days: dict[int, float | None] = field(default_factory=dict)


def retention(filters: Filters, source: Source = LIVE) -> Retention:
    """Days in care of everyone admitted in the range: a Kaplan–Meier curve of staying in
    care, censoring those still in care today. The curve stops where fewer than 11 people
    are still at risk, so its tail never speaks for a handful."""
    admitted = (
        source.episodes(filters)
        .filter(admitted_on__range=(filters.start, filters.end))
        .exclude(status=EpisodeStatus.DECLINED)
    )
    durations: list[tuple[int, bool, int]] = []
    if source.stored:
        today = filters.today.toordinal()
        durations = list(
            admitted.annotate(
                days=Least(Coalesce(F("discharged_day"), Value(today)), Value(today))
                - F("admitted_day"),
                left=Case(
                    When(discharged_day__lte=today, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
            .values_list("days", "left")
            .annotate(n=Count("pk"))
            .order_by()
        )
    else:
        for admitted_on, end, n in (
            admitted.values_list("admitted_on", "discharged_on").annotate(n=Count("pk")).order_by()
        ):
            left = end is not None and end <= filters.today
            durations.append(
                ((min(end or filters.today, filters.today) - admitted_on).days, left, n)
            )
    people = sum(n for _, _, n in durations)
    if people < SMALLEST_SHOWN:
        return Retention(people=people, shown=False)
    steps = figures.kaplan_meier(durations)
    at_risk_from = [(days, n) for days, _, n in durations]

    def at_risk(day: int) -> int:
        return sum(n for days, n in at_risk_from if days >= day)

    visible = [s for s in steps if s.at_risk >= SMALLEST_SHOWN]
    median = figures.median_survival(visible)
    return Retention(
        people=people,
        shown=True,
        steps=visible,
        median_days=median,
        at_days={
            day: figures.survival_at(visible, day) if at_risk(day) >= SMALLEST_SHOWN else None
            for day in SURVIVAL_DAYS
        },
    )


# ---------------------------------------------------------------- weekly dose


@dataclass
class Dose:
    people: int
    shown: bool
    weeks: int | None = None
    under: int | None = None

    @property
    def share_under(self) -> float | None:
        if self.under is None or not self.weeks:
            return None
        return self.under / self.weeks


def dose(filters: Filters, source: Source = LIVE) -> Dose:
    """Share of participant-weeks under the program's weekly minimum (9 hours for adults),
    from attended minutes (attendance roll calls) over whole weeks in care in the range."""
    base = (
        source.episodes(filters)
        .filter(admitted_on__isnull=False)
        .exclude(status=EpisodeStatus.DECLINED)
    )
    first = figures.first_full_week(filters.start)
    stop = figures.last_countable_week(filters.end, filters.today)
    if source.stored:
        return _stored_dose(base, filters, first, stop)
    spans = base.values("admitted_on", "discharged_on").annotate(n=Count("pk")).order_by()
    weeks = 0
    people = 0
    for row in spans:
        count = figures.full_weeks_in_care(
            row["admitted_on"],
            row["discharged_on"],
            today=filters.today,
            start=filters.start,
            end=filters.end,
        )
        if count:
            weeks += count * row["n"]
            people += row["n"]
    if people < SMALLEST_SHOWN:
        return Dose(people=people, shown=False)
    met = _met_weeks(base, first, stop)
    return Dose(people=people, shown=True, weeks=weeks, under=weeks - met)


def _stored_dose(base: QuerySet[EpisodeFacts], filters: Filters, first: date, stop: date) -> Dose:
    """`dose` from the stored facts in one statement, in week numbers: each episode's whole
    weeks in care inside the range (`figures.full_weeks_in_care`: from its first whole week,
    or the range's, up to the week of discharge or this week, or the range's end), and the
    "1"s of its met weeks inside [first, stop) (`_met_weeks`). Met weeks lie inside the whole
    weeks, so an episode with none has no met week either."""
    low, high = week_number(first), week_number(stop)
    end_week = week_number(figures.week_start_of(filters.end + timedelta(days=1)))
    if filters.whole_organizations:
        counted = _dose_by_week(filters.organization_ids, low, high, end_week)
        if counted is not None:
            return counted
    this_week = week_number(figures.week_start_of(filters.today))
    whole = Greatest(
        Least(Coalesce(F("stop_week"), Value(this_week)), Value(end_week))
        - Greatest(F("met_from"), Value(low)),
        Value(0),
    )
    skip = Greatest(Value(low) - F("met_from"), Value(0))
    span = Greatest(Value(high) - F("met_from") - skip, Value(0))
    kept = Length(Replace(Substr("met_weeks", skip + 1, span), Value("0"), Value("")))
    row = (
        base.annotate(whole=whole)
        .filter(whole__gt=0)
        .aggregate(people=Count("pk"), weeks=Sum("whole"), met=Sum(kept))
    )
    people, weeks = row["people"], row["weeks"] or 0
    if people < SMALLEST_SHOWN:
        return Dose(people=people, shown=False)
    return Dose(people=people, shown=True, weeks=weeks, under=weeks - (row["met"] or 0))


def _dose_by_week(organization_ids, low: int, high: int, end_week: int) -> Dose | None:
    """`_stored_dose` for whole organizations from their dose weeks (`DoseWeeks`), a row a
    week, or None when those are not complete for every one of them.

    Whole weeks run over [low, end_week) and met weeks over [low, high), where `high` is
    the earlier of `end_week` and this week. An ended episode's span [from, stop) gives
    max(min(stop, end_week) − max(from, low), 0) weeks: what its `began` week adds less what
    its `ended` week takes away, each max(end_week − max(week, low), 0). One still in care
    runs to this week, so gives max(high − max(from, low), 0). It is counted when that is
    above 0: an ended one that began before `end_week` and ended after `low`, one still in
    care that began before `high`. Every met week lies in its episode's span, so a met week
    in [low, high) is of an episode counted.
    """
    organizations = set(organization_ids)
    rows = list(
        DoseWeeks.objects.filter(organization_id__in=organizations).values_list(
            "week", "began", "ended", "began_in_care", "met"
        )
    )
    if sum(1 for row in rows if row[0] == 0) != len(organizations):
        return None
    people = weeks = met = 0
    if end_week > low:
        for week, began, ended, began_in_care, met_here in rows:
            if week == 0:
                continue
            from_low = max(week, low)
            weeks += (began - ended) * max(end_week - from_low, 0)
            weeks += began_in_care * max(high - from_low, 0)
            people += (began if week < end_week else 0) - (ended if week <= low else 0)
            people += began_in_care if from_low < high else 0
            met += met_here if low <= week < high else 0
    if people < SMALLEST_SHOWN:
        return Dose(people=people, shown=False)
    return Dose(people=people, shown=True, weeks=weeks, under=weeks - met)


def _met_weeks(base: QuerySet[Episode], first: date, stop: date) -> int:
    """Whole weeks in care, in the range, with attended minutes at or above the minimum
    (read from the weekly summary the roll calls keep current, not from every roll call)."""
    return (
        WeeklyMinutes.objects.filter(
            episode__in=base.values("pk"),
            week__gte=first,
            week__lt=stop,
            minutes__gte=F("episode__program__min_weekly_minutes"),
        )
        .annotate(discharge_week=TruncWeek("episode__discharged_on", output_field=DateField()))
        .filter(week__gte=F("episode__admitted_on"))
        .filter(Q(episode__discharged_on__isnull=True) | Q(week__lt=F("discharge_week")))
        .count()
    )


# ---------------------------------------------------------------- referral to admission


@dataclass
class Waiting:
    people: int
    shown: bool
    median_days: int | None = None
    p75_days: int | None = None
    p90_days: int | None = None


def referral_to_admission(filters: Filters, source: Source = LIVE) -> Waiting:
    """Days from referral to admission for everyone admitted in the range."""
    admitted = source.episodes(filters).filter(admitted_on__range=(filters.start, filters.end))
    if source.stored:
        days = list(
            admitted.annotate(days=F("admitted_day") - F("referred_day"))
            .values_list("days")
            .annotate(n=Count("pk"))
            .order_by()
        )
    else:
        days = [
            ((admitted_on - referred_on).days, n)
            for referred_on, admitted_on, n in admitted.values_list("referred_on", "admitted_on")
            .annotate(n=Count("pk"))
            .order_by()
        ]
    people = sum(n for _, n in days)
    if people < SMALLEST_SHOWN:
        return Waiting(people=people, shown=False)
    return Waiting(
        people=people,
        shown=True,
        median_days=figures.weighted_quantile(days, 0.5),
        p75_days=figures.weighted_quantile(days, 0.75),
        p90_days=figures.weighted_quantile(days, 0.9),
    )


# ---------------------------------------------------------------- alert response


@dataclass
class AlertResponse:
    severity: str
    label: str
    people: int
    shown: bool
    raised: int | None = None
    open: int | None = None
    within: dict[int, float | None] = field(default_factory=dict)


def alert_response(filters: Filters, source: Source = LIVE) -> list[AlertResponse]:
    """How fast alerts raised in the range were acknowledged, by severity; a severity whose
    alerts concern fewer than 11 people is hidden (no total row, so nothing to subtract)."""
    since, until = care_figures.local_days(filters.start, filters.end)
    if source.stored:
        # Each person once per severity: at their first alert of it in the range, the one
        # whose previous alert of that severity was raised before the range or is none.
        alerts = AlertFacts.objects.filter(organization_id__in=filters.organization_ids)
        people_kept = stored_people(filters)
        if people_kept is not None:
            alerts = alerts.filter(participant_id__in=people_kept)
        people = Count("pk", filter=Q(previous_at__isnull=True) | Q(previous_at__lt=since))
    else:
        alerts = Alert.objects.filter(
            participant__in=episodes(filters).values("participant_id"),
            entered_in_error_at__isnull=True,
        )
        people = Count("participant", distinct=True)
    rows = (
        alerts.filter(recorded_at__gte=since, recorded_at__lt=until)
        .values("severity")
        .annotate(
            raised=Count("pk"),
            people=people,
            open=Count("pk", filter=Q(acknowledged_at__isnull=True)),
            **{
                f"within_{h}": Count(
                    "pk", filter=Q(acknowledged_at__lte=F("recorded_at") + timedelta(hours=h))
                )
                for h in ALERT_WITHIN_HOURS
            },
        )
        .order_by()
    )
    found = {row["severity"]: row for row in rows}
    result = []
    for severity, label in reversed(Severity.choices):
        row = found.get(severity)
        if row is None:
            continue
        if row["people"] < SMALLEST_SHOWN:
            result.append(AlertResponse(severity, label, row["people"], False))
            continue
        result.append(
            AlertResponse(
                severity,
                label,
                row["people"],
                True,
                raised=row["raised"],
                open=row["open"],
                within={h: row[f"within_{h}"] / row["raised"] for h in ALERT_WITHIN_HOURS},
            )
        )
    return result


# ---------------------------------------------------------------- the board


@dataclass
class Board:
    filters: Filters
    completion: Completion
    retention: Retention
    dose: Dose
    waiting: Waiting
    alerts: list[AlertResponse]
    abstinence: care_figures.Abstinence
    stages: list[care_figures.Stage]
    measures: list[care_figures.MeasureChange]
    notes: care_figures.NotesOnTime
    hidden_after_care: list[str] = field(default_factory=list)
    as_of: datetime | None = None  # when the stored facts were last written (None: live)

    @property
    def suppressed(self) -> list[str]:
        hidden = list(self.completion.suppressed) + self.hidden_after_care
        if not self.retention.shown:
            hidden.append("retention")
        if not self.dose.shown:
            hidden.append("weekly_dose")
        if not self.waiting.shown:
            hidden.append("referral_to_admission")
        hidden += [f"alerts.{a.severity}" for a in self.alerts if not a.shown]
        if not self.notes.shown:
            hidden.append("notes_on_time")
        return hidden


def choices(organization_ids: list[int]) -> dict:
    """Programs, sites and tracks the filters offer: three queries."""
    programs = list(
        Program.objects.filter(organization_id__in=organization_ids).order_by("name", "pk")
    )
    ids = [p.pk for p in programs]
    return {
        "programs": programs,
        "sites": list(Site.objects.filter(program_id__in=ids).order_by("name", "pk")),
        "tracks": list(Track.objects.filter(program_id__in=ids).order_by("name", "pk")),
    }


def board(filters: Filters, sites: list[Site]) -> Board:
    """The board from the stored outcome facts (`outcomes.facts`), saying when they were
    last written; the same figures as `live_board` while the facts are current."""
    return _board(filters, sites, STORED)


def live_board(filters: Filters, sites: list[Site]) -> Board:
    """The board worked out from the records themselves: the definition of every figure."""
    return _board(filters, sites, LIVE)


def _board(filters: Filters, sites: list[Site], source: Source) -> Board:
    left = left_care(filters, source)
    if source.stored:
        abstinence, hidden_abstinence = care_figures.stored_abstinence_at_discharge(left)
        measures, hidden_measures = care_figures.stored_measure_changes(left)
        stages, hidden_stages = care_figures.stored_follow_up_stages(
            None if filters.whole_organizations else left,
            filters.organization_ids,
            filters.start,
            filters.end,
            filters.today,
        )
    else:
        abstinence, hidden_abstinence = care_figures.abstinence_at_discharge(left)
        measures, hidden_measures = care_figures.measure_changes(left)
        stages, hidden_stages = care_figures.follow_up_stages(left, filters.today)
    return Board(
        filters=filters,
        completion=completion(filters, sites, source),
        retention=retention(filters, source),
        dose=dose(filters, source),
        waiting=referral_to_admission(filters, source),
        alerts=alert_response(filters, source),
        abstinence=abstinence,
        stages=stages,
        measures=measures,
        notes=care_figures.stored_notes_on_time(
            stored_people(filters),
            filters.organization_ids,
            filters.start,
            filters.end,
        )
        if source.stored
        else care_figures.notes_on_time(
            source.episodes(filters).values("participant_id"), filters.start, filters.end
        ),
        hidden_after_care=hidden_abstinence + hidden_stages + hidden_measures,
        as_of=as_of(filters.organization_ids) if source.stored else None,
    )
