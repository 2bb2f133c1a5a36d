"""The discharge summary drafted from the record, section by section.

Each section is a function of the discharge returning lines of fact, read here from the
modules that hold the record (measures and their reliable change, drug screens, medications,
plan goals). Discharge comes last in a stay and depends on those modules, never they on it:
they know nothing of discharge, and a new section is one `SECTIONS.register(Section(...))` call.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import LevelOfCare
from assessments.models import Administration
from assessments.selectors import band_label, definition, short_name
from attendance.dose import week_start_of
from attendance.models import ABSENT_STATUSES, Attendance
from audit.models import Action
from audit.services import record_event
from discharge.models import Discharge, DischargeSummary
from intake.models import Diagnosis
from measurement import reliable_change
from medications.models import Medication
from participants.access import Scope, require, require_with_capability
from placement.selectors import counted_decisions, in_effect_on, levels_over
from plans.measures import Progress
from plans.models import TreatmentPlan
from plans.selectors import plan_view
from screens.models import TAMPERED, DrugScreen, Flag, Result
from tandem import lifecycle
from tandem.errors import InvalidInput
from tandem.hooks import Hook
from tandem.templatetags import clock
from tandem.validation import validate


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a (lazily translated) string
    order: int
    lines: Callable[[Discharge], list[str]]


# More sections: SECTIONS.register(Section(...)) from the module's AppConfig.ready().
SECTIONS: Hook[Section] = Hook(
    "discharge.summary_sections", key=lambda section: section.key, sort=lambda s: s.order
)


def sections() -> list[Section]:
    return SECTIONS.implementations()


def titles() -> dict[str, str]:
    return {s.key: str(s.title) for s in sections()}


def facts_of(record: Discharge) -> dict[str, list[str]]:
    """Every registered section's lines for this discharge, in order."""
    return {s.key: s.lines(record) for s in sections()}


def draft(record: Discharge, *, by: Any, now: datetime) -> DischargeSummary:
    """The first, unsigned summary: facts from the record, the clinician's words to add."""
    summary = DischargeSummary.objects.create(
        discharge=record,
        participant=record.participant,
        facts=facts_of(record),
        recorded_by=by,
        recorded_at=now,
    )
    record_event(
        actor=by,
        event_type="discharge.summary_drafted",
        participant=record.participant,
        record=summary,
    )
    return summary


def _stay(record: Discharge) -> list[str]:
    episode = record.episode
    lines = [
        f"Referred {clock.day(episode.referred_on)}, admitted "
        f"{clock.day(episode.admitted_on) or '—'}, discharged "
        f"{clock.day(record.discharged_on)} ({record.get_type_display()}).",
    ]
    if episode.admitted_on:
        days = (record.discharged_on - episode.admitted_on).days
        lines.append(f"{days} day{pluralize(days)} in care.")
    decisions = list(counted_decisions().filter(episode=episode))
    for period in levels_over(decisions):
        lines.append(f"Level of care: {period.level_label} from {clock.day(period.since)}.")
    if not decisions:
        lines.append(f"Level of care: {LevelOfCare(episode.level_of_care).label}.")
    for moment, on in (("admission", episode.admitted_on), ("discharge", record.discharged_on)):
        in_effect = in_effect_on(decisions, on) if on else None
        if in_effect is not None:
            lines.append(
                f"Level of care at {moment}: {in_effect.get_chosen_level_display()}, decided on "
                f"{clock.day(in_effect.decided_on)}."
            )
    return lines


def _diagnoses(record: Discharge) -> list[str]:
    rows = Diagnosis.objects.current().filter(episode=record.episode).order_by("made_on", "code")
    return [f"{d.code} {d.description} ({d.get_status_display().lower()})" for d in rows] or [
        "No diagnosis recorded."
    ]


def _attendance(record: Discharge) -> list[str]:
    rows = Attendance.objects.current().filter(episode=record.episode).select_related("session")
    attended = absent = 0
    weeks: dict[Any, int] = defaultdict(int)
    for row in rows:
        if row.status in ABSENT_STATUSES:
            absent += 1
            continue
        attended += 1
        weeks[week_start_of(row.session.date)] += row.minutes
    if not attended and not absent:
        return ["No attendance recorded."]
    total = sum(weeks.values())
    lines = [
        f"Attended {attended} session{pluralize(attended)}, absent from {absent}; "
        f"{total / 60:.1f} hours in all."
    ]
    lines += [
        f"Week of {clock.day(week)}: {minutes / 60:.1f} hours."
        for week, minutes in sorted(weeks.items())
    ]
    return lines


CHANGE_WORDS = {
    "reliable-improvement": "reliable improvement",
    "no-reliable-change": "no reliable change",
    "reliable-deterioration": "reliable deterioration",
}


def _change_words(code: str, totals: list[int]) -> str:
    """The reliable-change class of baseline → latest, with the points and the rule it was
    judged by (measurement's reliable-change rules)."""
    found = reliable_change.change(code, totals)
    if found.classification == "not-computed" or found.points is None:
        return f"reliable change not computed: {found.note}"
    points = reliable_change.signed_points(found.points)
    words = f"{CHANGE_WORDS[found.classification]} ({points}; {found.rule})"
    if found.clinically_significant == "recovered":
        words += ", recovered"
    return words


def _measures(record: Discharge) -> list[str]:
    """Each instrument's first and latest score in the episode (baseline → latest) and the
    reliable-change class between them."""
    rows = (
        Administration.objects.current()
        .filter(episode=record.episode, complete=True)
        .order_by("instrument", "completed_at", "pk")
    )
    # Each scored administration with its total (an unsummed instrument has none).
    by_instrument: dict[str, list[tuple[Administration, int]]] = defaultdict(list)
    for row in rows:
        if row.total is not None:
            by_instrument[row.instrument].append((row, row.total))
    lines = []
    tz = record.episode.program.tz

    def day(row: Administration) -> str:
        """The day it was completed in the program's time: the stored time is UTC's."""
        return clock.day(timezone.localdate(row.completed_at, tz))

    for code, done in sorted(by_instrument.items()):
        (first, first_total), (last, last_total) = done[0], done[-1]
        # The band as the instrument declares it (Moderately severe), not its key.
        instrument = definition(code)
        name, first_band = short_name(code), band_label(instrument, first.band)
        if first.pk == last.pk:
            lines.append(f"{name}: {first_total} ({first_band}), once only.")
        else:
            change = _change_words(code, [first_total, last_total])
            last_band = band_label(instrument, last.band)
            lines.append(
                f"{name}: {first_total} ({first_band}) on {day(first)} → "
                f"{last_total} ({last_band}) on {day(last)}; {change}."
            )
    return lines or ["No measure recorded."]


def _screens(record: Discharge) -> list[str]:
    """The drug screens collected in the stay: how many, and each substance found positive
    (as the result stands after any confirmation), with the unexpected ones; a tampered
    specimen is never a screen with no positive result but a presumptive positive (§10)."""
    episode = record.episode
    first_day = episode.admitted_on or episode.referred_on
    screens = list(
        DrugScreen.objects.current()
        .filter(participant=record.participant)
        .filter(
            Q(episode=episode)
            | Q(
                episode__isnull=True,
                collected_at__date__range=(first_day, record.discharged_on),
            )
        )
        .prefetch_related("results__analyte")
        .order_by("collected_at", "pk")
    )
    if not screens:
        return ["No drug screen recorded."]
    positives: dict[str, list[tuple[date, bool]]] = defaultdict(list)
    clean = 0
    tampered = [s for s in screens if s.validity in TAMPERED]
    for screen in screens:
        found = [r for r in screen.results.all() if r.standing_result == Result.POSITIVE]
        clean += not found and screen.validity not in TAMPERED
        for result in found:
            positives[result.analyte.name].append(
                (screen.collected_on, result.flag == Flag.UNEXPECTED_POSITIVE)
            )
    lines = [
        (
            f"1 drug screen, on {clock.day(screens[0].collected_on)}"
            if len(screens) == 1
            else f"{len(screens)} drug screens from {clock.day(screens[0].collected_on)} to "
            f"{clock.day(screens[-1].collected_on)}"
        )
        + f"; {clean} with no positive result."
    ]
    if tampered:
        lines.append(
            f"Adulterated or substituted specimens, each a presumptive positive (clinical "
            f"reference §10): {len(tampered)}, last on {clock.day(tampered[-1].collected_on)}."
        )
    for name, days in sorted(positives.items()):
        unexpected = sum(1 for _, flagged in days if flagged)
        times = "once, on" if len(days) == 1 else f"{len(days)} times, last on"
        lines.append(
            f"{name}: positive {times} {clock.day(days[-1][0])}"
            + (f" ({unexpected} unexpected)." if unexpected else ".")
        )
    return lines


def _medications(record: Discharge) -> list[str]:
    """The medication list on the day of discharge, with who prescribes each."""
    rows = (
        Medication.objects.current()
        .filter(participant=record.participant, started_on__lte=record.discharged_on)
        .filter(Q(stopped_on__isnull=True) | Q(stopped_on__gte=record.discharged_on))
        .select_related("prescribed_by")
        .order_by("name", "pk")
    )
    lines = [
        f"{m.name}{f' {m.dose}' if m.dose else ''}, prescribed by {m.prescriber}." for m in rows
    ]
    return lines or ["No medication on the list at discharge."]


def _goals(record: Discharge) -> list[str]:
    """The goals of the last signed plan of the stay, each with its objectives' progress
    as the record reads it (met, not met, or not measurable from the record)."""
    plan = (
        TreatmentPlan.objects.current()
        .filter(episode=record.episode, signed_at__isnull=False)
        .order_by("-number", "-pk")
        .first()
    )
    if plan is None:
        return ["No signed treatment plan."]
    view = plan_view(plan)
    lines = [f"Treatment plan version {plan.number}."]
    for problem in view.problems:
        for goal in problem.goal_rows:
            objectives = goal.objective_rows
            met = sum(1 for o in objectives if o.progress is not None and o.progress.met)
            measured = sum(
                1 for o in objectives if o.progress is not None and o.progress.met is not None
            )
            lines.append(
                f"Goal: {goal.text} — {met} of {measured} measured objectives met"
                f" ({len(objectives) - measured} not measured)."
            )
            lines += [f"  {o.text}: {_objective_status(o.progress)}." for o in objectives]
    return lines


def _objective_status(progress: Progress | None) -> str:
    if progress is None:
        return "no measure bound; judged by the clinician"
    if progress.reading is None:
        return f"no {progress.measure_label} reading yet"
    state = "met" if progress.met else "not met"
    return (
        f"{state} ({progress.measure_label} {progress.reading.value} on "
        f"{clock.day(progress.reading.on)})"
    )


SECTIONS.register(Section("stay", _("Dates and levels of care"), 10, _stay))
SECTIONS.register(Section("diagnoses", _("Diagnoses"), 20, _diagnoses))
SECTIONS.register(Section("attendance", _("Attendance and weekly dose"), 30, _attendance))
SECTIONS.register(
    Section("measures", _("Measures, baseline to latest, with reliable change"), 40, _measures)
)
SECTIONS.register(Section("screens", _("Drug screens"), 50, _screens))
SECTIONS.register(Section("medications", _("Medications at discharge"), 60, _medications))
SECTIONS.register(Section("goals", _("Plan goals and their status"), 70, _goals))


SUMMARY_TEXT = ("course", "condition_at_discharge", "recommendations")


def current_summary(record: Discharge) -> DischargeSummary | None:
    return DischargeSummary.objects.current().filter(discharge=record).order_by("-pk").first()


def save_text(
    summary: DischargeSummary, *, by: Any, text: dict[str, str], expected_version: int
) -> DischargeSummary:
    """Edit a draft summary's own words; a signed one is refused (start an addendum)."""
    decision = require(by, summary.participant, Action.CHANGE, Scope.AFTERCARE)
    with transaction.atomic():
        row = lifecycle.lock_current(
            DischargeSummary, summary.pk, expected_version=expected_version, what="summary"
        )
        if row.is_signed:
            raise InvalidInput("This summary is signed; write an addendum to change it.")
        for name in SUMMARY_TEXT:
            setattr(row, name, (text.get(name) or "").strip())
        validate(row, exclude=("discharge", "participant", "recorded_by", "signed_by"))
        lifecycle.save_new_version(row, SUMMARY_TEXT)
        record_event(
            actor=by,
            event_type="discharge.summary_saved",
            participant=row.participant,
            record=row,
            decision=decision,
        )
    return row


def sign(summary: DischargeSummary, *, by: Any, expected_version: int) -> DischargeSummary:
    """Sign the summary: from now on it never changes and the participant sees it. Signing
    is a licensed clinician's, as for the intake; the rest of the care team drafts it."""
    decision = require_with_capability(
        by,
        summary.participant,
        "clinical.sign",
        Action.CHANGE,
        Scope.AFTERCARE,
        refusal="Only a licensed clinician can sign a discharge summary.",
    )
    if not (summary.course or "").strip():
        raise InvalidInput("Write the course of treatment before signing.", field="course")
    with transaction.atomic():
        return lifecycle.sign(
            summary,
            by=by,
            expected_version=expected_version,
            decision=decision,
            what="summary",
            event_type="discharge.summary_signed",
        )


def start_addendum(summary: DischargeSummary, *, by: Any, reason: str) -> DischargeSummary:
    """A new draft version of a signed summary, superseding it, with the reason."""
    decision = require(by, summary.participant, Action.CHANGE, Scope.AFTERCARE)
    with transaction.atomic():
        return lifecycle.add_addendum(
            summary,
            DischargeSummary(
                discharge=summary.discharge,
                participant=summary.participant,
                facts=summary.facts,
                recorded_by=by,
                **{name: getattr(summary, name) for name in SUMMARY_TEXT},
            ),
            by=by,
            reason=reason,
            decision=decision,
            what="summary",
            event_type="discharge.summary_addendum",
        )
