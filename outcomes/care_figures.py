"""The board's figures from the end of care on: follow-up reach, abstinence at discharge and
at each follow-up, change on the measures, and notes signed on time.

Each figure is one or two grouped queries returning counts (never a row per person), and
every count goes through the same small-cell suppression as completion: a figure's counts
are tied by the sums that hold between them (those reached plus those not reached are all
who were due), so a hidden count cannot be worked out from the shown ones.

Definitions, stated on the board too:
- Abstinence at discharge is "no use in the past month", TEDS's discharge frequency of use
  (clinical reference §3, FREQ 1 "No use in past month"), over the 30 days before the
  discharge date. Self-report: at least one check-in or clinician-recorded last use in those
  days and none reporting use. Screen-verified: at least one drug screen in those days and no
  result positive for a substance not prescribed (an expected positive is not use), and no
  adulterated or substituted specimen, a presumptive positive (clinical reference §10, ASAM).
- At a follow-up, self-report is the questionnaire's "used alcohol or drugs since discharge"
  answered no; screen-verified is a drug screen since discharge, in the 30 days before the
  answer, with no unexpected positive.
- Effect size: the clinical reference names no definition (no Cohen's d, no pre–post SD
  convention), so none is computed; the mean change and its standard deviation are shown.
"""

import functools
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

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
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from assessments.models import Administration
from checkins.models import CheckIn
from discharge.models import REACHED_STATUSES, FollowUp, FollowUpAnswers, FollowUpStatus
from measurement import reliable_change
from notes.models import ProgressNote
from outcomes.models import FollowUpFacts, NoteDays, NoteFacts
from outcomes.suppression import SMALLEST_SHOWN, Name, Relations, suppress
from participants.models import Episode, EpisodeStatus
from screens.models import (
    TAMPERED,
    Confirmation,
    DrugScreen,
    Flag,
    Result,
    ScreenResult,
    UseReport,
)

# TEDS "no use in past month" (FREQ 1): the window before discharge, and before an answer.
# The episodes that were in care and ended (with an admission; `selectors.left_care`).
LEFT_CARE = (EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT)
PAST_MONTH = timedelta(days=30)
# Instruments with a total whose reliable change measurement judges (the BAM is scored by
# subscale and the clinical reference gives it no reliable-change rule).
MEASURED = (("phq-9", "PHQ-9"), ("gad-7", "GAD-7"), ("pcl-5", "PCL-5"))
_PHQ9, _GAD7 = reliable_change.RULES["phq-9"], reliable_change.RULES["gad-7"]
RELIABLE_CHANGE_NOTE = (
    "Reliable change by the IAPT rule of the clinical reference (§1b): a drop of "
    f"{_PHQ9.points} points or more on the PHQ-9, {_GAD7.points} or more on the GAD-7, is "
    "reliable improvement; recovered when it also went from the instrument's cut-off or above "
    "to below it. The PCL-5 has no single rule in the reference, so its reliable change is not "
    "computed."
)
EFFECT_SIZE_NOTE = (
    "No effect size is computed: the clinical reference names no definition of one. "
    "The mean change (latest minus baseline; lower is better) and its standard deviation "
    "are shown instead."
)
# A figure's count is named (figure, count), as ("day_30", "reached").
Cell = tuple[str, str]


def _hidden(relations: Relations[Name]) -> set[Name]:
    return suppress(relations)


def _shown(relations: Relations[Name], hidden: set[Name], name: Name) -> int | None:
    return None if name in hidden else relations.values[name]


def _rate(part: int | None, whole: int | None) -> float | None:
    if part is None or whole is None or not whole:
        return None
    return part / whole


# ---------------------------------------------------------------- abstinence


@dataclass
class Abstinence:
    """One point (discharge, or a follow-up day): self-report and screens, kept apart."""

    key: str
    label: str
    people: int | None  # who left care (at discharge) or who answered (at a follow-up)
    reported: int | None
    self_abstinent: int | None
    screened: int | None
    screen_abstinent: int | None

    @property
    def self_rate(self) -> float | None:
        return _rate(self.self_abstinent, self.reported)

    @property
    def screen_rate(self) -> float | None:
        return _rate(self.screen_abstinent, self.screened)


def _screened(prefix: str, conditions: dict) -> Q:
    """Screens in force (not entered in error) of the outer row's participant meeting
    `conditions`, on the screen reached through `prefix`; a tampered one counts as screened."""
    return Q(
        **{f"{prefix}participant": OuterRef("participant_id")},
        **{f"{prefix}entered_in_error_at__isnull": True},
        **{f"{prefix}{name}": value for name, value in conditions.items()},
    )


def _unexpected_positive() -> Q:
    """A result positive as it stands (after any confirmation) for a substance not expected
    from the medication list, or any result of an adulterated or substituted specimen: a
    presumptive positive, never screen-verified abstinence (clinical reference §10, ASAM)."""
    standing = Q(confirmation=Confirmation.POSITIVE) | (
        Q(result=Result.POSITIVE) & ~Q(confirmation=Confirmation.NEGATIVE)
    )
    return (standing & ~Q(flag=Flag.EXPECTED_POSITIVE)) | Q(screen__validity__in=TAMPERED)


def _screen_flags(conditions: dict) -> dict:
    """`screened` and `positive` subqueries for the screens meeting `conditions`."""
    return {
        "a_screened": Exists(DrugScreen.objects.filter(_screened("", conditions))),
        "a_positive": Exists(
            ScreenResult.objects.filter(_unexpected_positive(), _screened("screen__", conditions))
        ),
    }


def _abstinence_relations(prefix: str, people: int, counts: dict[str, int]) -> Relations[Cell]:
    r: Relations[Cell] = Relations()
    r.count((prefix, "people"), people)
    for name, value in counts.items():
        r.count((prefix, name), value)
    r.count((prefix, "unreported"), people - counts["reported"])
    r.count((prefix, "used"), counts["reported"] - counts["self_abstinent"])
    r.count((prefix, "unscreened"), people - counts["screened"])
    r.count((prefix, "positive"), counts["screened"] - counts["screen_abstinent"])
    r.adds_up((prefix, "people"), [(prefix, "reported"), (prefix, "unreported")])
    r.adds_up((prefix, "reported"), [(prefix, "self_abstinent"), (prefix, "used")])
    r.adds_up((prefix, "people"), [(prefix, "screened"), (prefix, "unscreened")])
    r.adds_up((prefix, "screened"), [(prefix, "screen_abstinent"), (prefix, "positive")])
    return r


ABSTINENCE_COUNTS = ("reported", "self_abstinent", "screened", "screen_abstinent")


def _abstinence(key: str, label: str, relations: Relations[Cell], hidden: set[Cell]) -> Abstinence:
    return Abstinence(
        key,
        label,
        _shown(relations, hidden, (key, "people")),
        *[_shown(relations, hidden, (key, name)) for name in ABSTINENCE_COUNTS],
    )


def _any_in_force(model: type[CheckIn] | type[UseReport], **conditions: Any) -> Exists:
    """Whether the outer episode's participant has a row of `model` in force (not entered in
    error) meeting `conditions`: check-ins and use reports are asked alike, so `reported` and
    `used` differ only in the conditions they name."""
    return Exists(
        model.objects.filter(
            participant=OuterRef("participant_id"), entered_in_error_at__isnull=True, **conditions
        )
    )


def discharge_flags() -> dict:
    """What the month before an episode's discharge shows, as four yes/no annotations of the
    episode (`a_reported`, `a_used`, `a_screened`, `a_positive`)."""
    start = Cast(OuterRef("discharged_on") - PAST_MONTH, DateField())
    end = OuterRef("discharged_on")
    recorded = {"recorded_at__date__gte": start, "recorded_at__date__lte": end}
    used = _any_in_force(CheckIn, used=True, **recorded) | _any_in_force(
        UseReport, last_used_on__gte=start, last_used_on__lte=end
    )
    reported = _any_in_force(CheckIn, **recorded) | _any_in_force(UseReport, **recorded)
    return {
        "a_reported": reported,
        "a_used": used,
        **_screen_flags({"collected_at__date__gte": start, "collected_at__date__lte": end}),
    }


def abstinence_at_discharge(left: QuerySet[Episode]) -> tuple[Abstinence, list[str]]:
    """One query: each person who left care, grouped by what the last month of care shows."""
    flags = discharge_flags()
    rows = (
        left.annotate(a_reported=flags["a_reported"], a_used=flags["a_used"])
        .annotate(a_screened=flags["a_screened"], a_positive=flags["a_positive"])
        .values_list("a_reported", "a_used", "a_screened", "a_positive")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _at_discharge(rows)


def stored_abstinence_at_discharge(left: QuerySet) -> tuple[Abstinence, list[str]]:
    """`abstinence_at_discharge` from the stored facts, which keep the same four answers."""
    rows = (
        left.values_list("reported", "used", "screened", "positive")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _at_discharge(rows)


def _at_discharge(rows) -> tuple[Abstinence, list[str]]:
    counts = dict.fromkeys(ABSTINENCE_COUNTS, 0)
    people = 0
    for a_reported, a_used, a_screened, a_positive, n in rows:
        people += n
        counts["reported"] += n if a_reported else 0
        counts["self_abstinent"] += n if a_reported and not a_used else 0
        counts["screened"] += n if a_screened else 0
        counts["screen_abstinent"] += n if a_screened and not a_positive else 0
    relations = _abstinence_relations("discharge", people, counts)
    hidden = _hidden(relations)
    return (
        _abstinence("discharge", "At discharge", relations, hidden),
        sorted(f"abstinence.{k}.{name}" for k, name in hidden),
    )


# ---------------------------------------------------------------- follow-ups


@dataclass
class Stage:
    """One follow-up day: reach, and abstinence among those who answered."""

    day: int
    due: int | None
    reached: int | None
    abstinence: Abstinence

    @property
    def reach_rate(self) -> float | None:
        return _rate(self.reached, self.due)


def answer_screen_flags() -> dict:
    """`a_screened` and `a_positive` of a follow-up's answers: a screen collected
    after discharge, in the month up to the answer, and one of them unexpectedly positive."""
    return _screen_flags(
        {
            "collected_at__date__gt": OuterRef("follow_up__discharge__discharged_on"),
            "collected_at__lte": OuterRef("recorded_at"),
            "collected_at__gte": OuterRef("recorded_at") - PAST_MONTH,
        }
    )


def follow_up_stages(left: QuerySet[Episode], today) -> tuple[list[Stage], list[str]]:
    """Two queries: follow-ups due by today per day (opted-out ones left out), and the
    answers per day grouped by what they say and what screens show."""
    due = (
        FollowUp.objects.filter(
            discharge__episode__in=left.values("pk"),
            discharge__entered_in_error_at__isnull=True,
            due_on__lte=today,
        )
        .exclude(status=FollowUpStatus.STOPPED)
        .values("day")
        .annotate(
            due=Count("pk"),
            reached=Count("pk", filter=Q(status__in=REACHED_STATUSES)),
        )
        .order_by("day")
    )
    answers = (
        FollowUpAnswers.objects.filter(
            follow_up__discharge__episode__in=left.values("pk"),
            follow_up__discharge__entered_in_error_at__isnull=True,
            follow_up__due_on__lte=today,
            entered_in_error_at__isnull=True,
        )
        .exclude(follow_up__status=FollowUpStatus.STOPPED)
        .annotate(**answer_screen_flags())
        .values_list("follow_up__day", "used_since_discharge", "a_screened", "a_positive")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _stages([(row["day"], row["due"], row["reached"]) for row in due], answers)


def stored_follow_up_stages(
    left: QuerySet | None, organization_ids, start, end, today
) -> tuple[list[Stage], list[str]]:
    """`follow_up_stages` from the stored follow-up facts, in one query: the follow-ups of
    episodes that left care in the range (of `left`, or every one of the organizations),
    grouped by day, reach and what their answers say."""
    due: dict[int, list[int]] = {}
    answers = []
    follow_ups = FollowUpFacts.objects.filter(
        organization_id__in=organization_ids, left_on__range=(start, end), due_on__lte=today
    )
    if left is not None:
        follow_ups = follow_ups.filter(episode_id__in=left.values("pk"))
    # COUNT(*) rather than of the key, which the index by organization and discharge day
    # leaves out: every column read is in that index, so the table itself is not visited.
    for day, reached, answered, used, screened, positive, n in (
        follow_ups.values_list("day", "reached", "answered", "used", "screened", "positive")
        .annotate(n=Count("*"))
        .order_by()
    ):
        counts = due.setdefault(day, [0, 0])
        counts[0] += n
        counts[1] += n if reached else 0
        if answered:
            answers.append((day, used, screened, positive, n))
    return _stages([(day, *due[day]) for day in sorted(due)], answers)


def _stages(due, answers) -> tuple[list[Stage], list[str]]:
    """Each day's stage from (day, due, reached), oldest day first, and the answers as
    (day, used since discharge, screened, unexpected positive, how many)."""
    by_day: dict[int, dict[str, int]] = {}
    for day, used, screened, positive, n in answers:
        counts = by_day.setdefault(day, dict.fromkeys(ABSTINENCE_COUNTS, 0))
        counts["reported"] += n
        counts["self_abstinent"] += 0 if used else n
        counts["screened"] += n if screened else 0
        counts["screen_abstinent"] += n if screened and not positive else 0
    stages, hidden_names = [], []
    for day, due_count, reached in due:
        key = f"day_{day}"
        counts = by_day.get(day, dict.fromkeys(ABSTINENCE_COUNTS, 0))
        answered = counts["reported"]
        relations = _abstinence_relations(key, answered, counts)
        relations.count((key, "due"), due_count)
        relations.count((key, "reached"), reached)
        relations.count((key, "not_reached"), due_count - reached)
        relations.count((key, "reached_unanswered"), reached - answered)
        relations.adds_up((key, "due"), [(key, "reached"), (key, "not_reached")])
        relations.adds_up((key, "reached"), [(key, "people"), (key, "reached_unanswered")])
        hidden = _hidden(relations)
        stages.append(
            Stage(
                day,
                _shown(relations, hidden, (key, "due")),
                _shown(relations, hidden, (key, "reached")),
                _abstinence(key, f"Day {day} follow-up", relations, hidden),
            )
        )
        hidden_names += [f"follow_up.{k}.{name}" for k, name in hidden]
    return stages, sorted(hidden_names)


# ---------------------------------------------------------------- measures


@dataclass
class MeasureChange:
    code: str
    label: str
    people: int | None  # left care with a baseline and a later score
    computed: int | None  # of whom reliable change could be computed
    improved: int | None  # reliable improvement (recovered included)
    recovered: int | None
    mean_change: float | None
    sd_change: float | None
    note: str

    @property
    def improved_rate(self) -> float | None:
        return _rate(self.improved, self.computed)

    @property
    def recovered_rate(self) -> float | None:
        return _rate(self.recovered, self.computed)


def first_and_last(code: str) -> tuple[QuerySet[Administration], QuerySet[Administration]]:
    """The episode's scored administrations of `code`, first first and latest first."""
    done = Administration.objects.filter(
        episode=OuterRef("pk"),
        instrument=code,
        complete=True,
        total__isnull=False,
        entered_in_error_at__isnull=True,
    )
    return done.order_by("completed_at", "pk"), done.order_by("-completed_at", "-pk")


def measure_changes(left: QuerySet[Episode]) -> tuple[list[MeasureChange], list[str]]:
    """One query per instrument: who left care grouped by baseline and latest score, then
    measurement's reliable-change rule classifies each group."""
    grouped = []
    for code, label in MEASURED:
        first, last = first_and_last(code)
        rows = (
            left.annotate(
                m_first=Subquery(first.values("total")[:1]),
                m_last=Subquery(last.values("total")[:1]),
                m_first_pk=Subquery(first.values("pk")[:1]),
                m_last_pk=Subquery(last.values("pk")[:1]),
            )
            .filter(m_first__isnull=False)
            .annotate(
                m_twice=Case(
                    When(m_first_pk=F("m_last_pk"), then=Value(False)),
                    default=Value(True),
                    output_field=BooleanField(),
                )
            )
            .filter(m_twice=True)
            .values_list("m_first", "m_last")
            .annotate(n=Count("pk"))
            .order_by()
        )
        grouped.append((code, label, list(rows)))
    return _changes(grouped)


# The stored facts' columns of each measured instrument's first and latest score.
STORED_MEASURES = {"phq-9": "phq9", "gad-7": "gad7", "pcl-5": "pcl5"}


def stored_measure_changes(left: QuerySet) -> tuple[list[MeasureChange], list[str]]:
    """`measure_changes` from the stored facts, which keep each episode's first and latest
    score when they are two administrations: every instrument's groups in one statement (a
    round trip per instrument cost more than its grouping)."""
    per_instrument = [
        left.filter(**{f"{STORED_MEASURES[code]}_first__isnull": False})
        .annotate(instrument=Value(code, output_field=CharField()))
        .values_list(
            "instrument", f"{STORED_MEASURES[code]}_first", f"{STORED_MEASURES[code]}_last"
        )
        .annotate(n=Count("pk"))
        .order_by()
        for code, _ in MEASURED
    ]
    rows: dict[str, list] = {code: [] for code, _ in MEASURED}
    for code, first, last, n in per_instrument[0].union(*per_instrument[1:], all=True):
        rows[code].append((first, last, n))
    return _changes([(code, label, rows[code]) for code, label in MEASURED])


@functools.cache
def _classified(code: str, first: int, last: int) -> tuple[str, str, str]:
    """`reliable_change.change` of one group (classification, clinical significance, note),
    worked out once per process: it depends on these alone (the rules are constants), and a
    large program's board has thousands of groups on every load."""
    found = reliable_change.change(code, [first, last])
    return found.classification, found.clinically_significant, found.note


def _changes(grouped) -> tuple[list[MeasureChange], list[str]]:
    """Each instrument's groups of (baseline, latest, how many), classified."""
    result, hidden_names = [], []
    for code, label, rows in grouped:
        people = computed = improved = recovered = 0
        changes: list[tuple[int, int]] = []
        notes: set[str] = set()
        for m_first, m_last, n in rows:
            people += n
            changes.append((int(m_last) - int(m_first), n))
            classification, significance, note = _classified(code, int(m_first), int(m_last))
            if classification == "not-computed":
                notes.add(note)
                continue
            computed += n
            if classification == "reliable-improvement":
                improved += n
                recovered += n if significance == "recovered" else 0
        key = code
        r: Relations[Cell] = Relations()
        for name, value in (
            ("people", people),
            ("computed", computed),
            ("not_computed", people - computed),
            ("improved", improved),
            ("not_improved", computed - improved),
            ("recovered", recovered),
            ("improved_only", improved - recovered),
        ):
            r.count((key, name), value)
        r.adds_up((key, "people"), [(key, "computed"), (key, "not_computed")])
        r.adds_up((key, "computed"), [(key, "improved"), (key, "not_improved")])
        r.adds_up((key, "improved"), [(key, "recovered"), (key, "improved_only")])
        hidden = _hidden(r)
        shown_people = _shown(r, hidden, (key, "people"))
        mean = sd = None
        if shown_people is not None and people >= SMALLEST_SHOWN:
            mean = sum(d * n for d, n in changes) / people
            sd = math.sqrt(sum(n * (d - mean) ** 2 for d, n in changes) / (people - 1))
        result.append(
            MeasureChange(
                code,
                label,
                shown_people,
                _shown(r, hidden, (key, "computed")),
                _shown(r, hidden, (key, "improved")),
                _shown(r, hidden, (key, "recovered")),
                round(mean, 2) if mean is not None else None,
                round(sd, 2) if sd is not None else None,
                " ".join(sorted(notes)),
            )
        )
        hidden_names += [f"measures.{k}.{name}" for k, name in hidden]
    return result, sorted(hidden_names)


# ---------------------------------------------------------------- notes


@dataclass
class NotesOnTime:
    people: int
    shown: bool
    due: int | None = None
    on_time: int | None = None
    late: int | None = None
    unsigned: int | None = None

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.due)


def local_days(start: date, end: date) -> tuple[datetime, datetime]:
    """The days start..end in the active time zone as instants [since, until): selecting by
    them lets the planner estimate how many rows a range keeps and use an index, which a
    cast of each row's instant to a local date hides from it."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def notes_on_time(participants: QuerySet, start, end) -> NotesOnTime:
    """Progress notes due in the range (first versions: an addendum is not a late note),
    signed by their due time, late, or not yet. All hidden when they concern fewer than 11
    people; otherwise each count under 11 (it is about fewer people still) and its
    complements are hidden."""
    since, until = local_days(start, end)
    row = ProgressNote.objects.filter(
        participant__in=participants,
        entered_in_error_at__isnull=True,
        supersedes__isnull=True,
        due_at__gte=since,
        due_at__lt=until,
    ).aggregate(
        people=Count("participant", distinct=True),
        due=Count("pk"),
        on_time=Count("pk", filter=Q(signed_at__lte=F("due_at"))),
        late=Count("pk", filter=Q(signed_at__gt=F("due_at"))),
        unsigned=Count("pk", filter=Q(signed_at__isnull=True)),
    )
    return _notes_figure(row)


def stored_notes_on_time(
    participants: QuerySet | None, organization_ids, start, end
) -> NotesOnTime:
    """`notes_on_time` from the stored note facts, which keep the same notes, whether each
    was signed by its due time and when the person's note before it was due (of these
    participants, or of every one the facts hold in the organizations)."""
    if participants is None:
        counted = _notes_by_day(organization_ids, start, end)
        if counted is not None:
            return _notes_figure(counted)
    since, until = local_days(start, end)
    notes = NoteFacts.objects.filter(
        organization_id__in=organization_ids, due_at__gte=since, due_at__lt=until
    )
    if participants is not None:
        notes = notes.filter(participant_id__in=participants)
    row = notes.aggregate(
        # Each person once: at their first note in the range, the one whose previous note
        # is due before the range or is none.
        people=Count("pk", filter=Q(previous_due_at__isnull=True) | Q(previous_due_at__lt=since)),
        due=Count("pk"),
        on_time=Count("pk", filter=Q(state=NoteFacts.ON_TIME)),
        late=Count("pk", filter=Q(state=NoteFacts.LATE)),
        unsigned=Count("pk", filter=Q(state=NoteFacts.UNSIGNED)),
    )
    return _notes_figure(row)


def _notes_by_day(organization_ids, start: date, end: date) -> dict | None:
    """`stored_notes_on_time`'s counts for whole organizations from their note days in the
    active time zone (`NoteDays`), or None when those are not complete for every one of
    them. A note is due in the range when its local day is, and its person is counted there
    when the note before it was due on a local day before the range (or there is none)."""
    first, last = start.toordinal(), end.toordinal()
    organizations = set(organization_ids)
    row = (
        NoteDays.objects.filter(
            organization_id__in=organizations, zone=timezone.get_current_timezone_name()
        )
        .filter(Q(day=0) | Q(day__gte=first, day__lte=last))
        .aggregate(
            complete=Count("pk", filter=Q(day=0)),
            people=Coalesce(Sum("due", filter=Q(day__gt=0, previous_day__lt=first)), 0),
            **{name: Coalesce(Sum(name), 0) for name in ("due", "on_time", "late", "unsigned")},
        )
    )
    return row if row.pop("complete") == len(organizations) else None


def _notes_figure(row: dict) -> NotesOnTime:
    if row["people"] < SMALLEST_SHOWN:
        return NotesOnTime(row["people"], False)
    r: Relations[str] = Relations()
    for name in ("due", "on_time", "late", "unsigned"):
        r.count(name, row[name])
    r.adds_up("due", ["on_time", "late", "unsigned"])
    hidden = _hidden(r)
    return NotesOnTime(
        row["people"],
        True,
        *[_shown(r, hidden, name) for name in ("due", "on_time", "late", "unsigned")],
    )
