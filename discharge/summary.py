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

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import LevelOfCare
from assessments.models import Administration
from assessments.selectors import band_label, definition, short_name
from attendance.dose import week_start_of
from attendance.models import ABSENT_STATUSES, Attendance
from audit.models import Action
from audit.services import record_event
from discharge.models import Discharge, DischargeSummary
from discharge.types import DischargeType
from intake.models import Diagnosis, DiagnosisStatus
from measurement import reliable_change
from medications.models import Medication
from participants.access import Scope, require, require_with_capability
from placement.selectors import counted_decisions, in_effect_on, levels_over
from plans.measures import Progress
from plans.models import TreatmentPlan
from plans.selectors import plan_view
from portal.templatetags.portal_tags import spoken_hours
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
    """Every registered section's lines for this discharge, in order, in the active language."""
    return {s.key: s.lines(record) for s in sections()}


def drafted_facts(record: Discharge) -> tuple[dict[str, list[str]], dict[str, dict]]:
    """The facts in English, as the care team reads them, and in each other portal language,
    drafted from the same record at the same moment, for the participant's own copy."""
    with translation.override(settings.LANGUAGE_CODE):
        facts = facts_of(record)
    translated = {}
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE:
            with translation.override(code):
                translated[code] = facts_of(record)
    return facts, translated


def draft(record: Discharge, *, by: Any, now: datetime) -> DischargeSummary:
    """The first, unsigned summary: facts from the record, the clinician's words to add."""
    facts, translated = drafted_facts(record)
    summary = DischargeSummary.objects.create(
        discharge=record,
        participant=record.participant,
        facts=facts,
        translated_facts=translated,
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


# The type of discharge as the summary's first line says it, in the participant's language
# too (the type's label is the staff's; "Other" says what it is the other of).
TYPE_WORDS: dict[str, Any] = {
    DischargeType.COMPLETED: _("Completed the program"),
    DischargeType.STEPPED_DOWN: _("Stepped down to a lower level of care"),
    DischargeType.TRANSFERRED_UP: _("Transferred to a higher level of care"),
    DischargeType.LEFT_EARLY: _("Left before completing"),
    DischargeType.ADMINISTRATIVE: _("Administrative discharge"),
    DischargeType.INCARCERATED: _("Incarcerated"),
    DischargeType.DIED: _("Died"),
    DischargeType.OTHER: _("Other reason"),
}


def _stay(record: Discharge) -> list[str]:
    episode = record.episode
    lines = [
        gettext(
            "Referred %(referred)s, admitted %(admitted)s, discharged %(discharged)s (%(type)s)."
        )
        % {
            "referred": clock.day(episode.referred_on),
            "admitted": clock.day(episode.admitted_on) or "—",
            "discharged": clock.day(record.discharged_on),
            "type": TYPE_WORDS[record.type],
        },
    ]
    if episode.admitted_on:
        days = (record.discharged_on - episode.admitted_on).days
        lines.append(
            ngettext("%(count)d day in care.", "%(count)d days in care.", days) % {"count": days}
        )
    decisions = list(counted_decisions().filter(episode=episode))
    for period in levels_over(decisions):
        lines.append(
            gettext("Level of care: %(level)s from %(day)s.")
            % {"level": period.level_label, "day": clock.day(period.since)}
        )
    if not decisions:
        lines.append(
            gettext("Level of care: %(level)s.")
            % {"level": LevelOfCare(episode.level_of_care).label}
        )
    at_moments = (
        (_("Level of care at admission: %(level)s, decided on %(day)s."), episode.admitted_on),
        (_("Level of care at discharge: %(level)s, decided on %(day)s."), record.discharged_on),
    )
    for sentence, on in at_moments:
        in_effect = in_effect_on(decisions, on) if on else None
        if in_effect is not None:
            lines.append(
                str(sentence)
                % {
                    "level": in_effect.get_chosen_level_display(),
                    "day": clock.day(in_effect.decided_on),
                }
            )
    return lines


# A diagnosis's status as the summary writes it after the diagnosis, in lower case.
STATUS_WORDS: dict[str, Any] = {
    DiagnosisStatus.PROVISIONAL: _("provisional"),
    DiagnosisStatus.CONFIRMED: _("confirmed"),
    DiagnosisStatus.IN_REMISSION: _("in remission"),
    DiagnosisStatus.RESOLVED: _("resolved"),
    DiagnosisStatus.ENTERED_IN_ERROR: _("entered in error"),
}


def _diagnoses(record: Discharge) -> list[str]:
    """Each current diagnosis by its code and description as recorded, with its status."""
    rows = Diagnosis.objects.current().filter(episode=record.episode).order_by("made_on", "code")
    return [
        gettext("%(code)s %(description)s (%(status)s)")
        % {"code": d.code, "description": d.description, "status": STATUS_WORDS[d.status]}
        for d in rows
    ] or [gettext("No diagnosis recorded.")]


def _attendance(record: Discharge) -> list[str]:
    """Sessions attended and missed, and the hours attended in all and in each week, said in
    words as the portal says them ("7 hours 30 minutes")."""
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
        return [gettext("No attendance recorded.")]
    lines = [
        ngettext(
            "Attended %(count)d session, absent from %(absent)d; %(hours)s in all.",
            "Attended %(count)d sessions, absent from %(absent)d; %(hours)s in all.",
            attended,
        )
        % {"count": attended, "absent": absent, "hours": spoken_hours(sum(weeks.values()))}
    ]
    lines += [
        gettext("Week of %(day)s: %(hours)s.")
        % {"day": clock.day(week), "hours": spoken_hours(minutes)}
        for week, minutes in sorted(weeks.items())
    ]
    return lines


# The reliable-change class with the points and the rule it was judged by.
CHANGE_WORDS = {
    "reliable-improvement": _("reliable improvement (%(points)s; %(rule)s)"),
    "no-reliable-change": _("no reliable change (%(points)s; %(rule)s)"),
    "reliable-deterioration": _("reliable deterioration (%(points)s; %(rule)s)"),
}


def _change_words(code: str, totals: list[int]) -> str:
    """The reliable-change class of baseline → latest, with the points and the rule it was
    judged by (measurement's reliable-change rules; every rule it has is the IAPT rule of
    the clinical reference §1b, so its threshold is said here in the page's language, and
    measurement's reason for computing none is quoted as it gives it)."""
    found = reliable_change.change(code, totals)
    if found.classification == "not-computed" or found.points is None or found.threshold is None:
        return gettext("reliable change not computed: %(why)s") % {"why": found.note}
    words = {
        "points": ngettext("%(points)s point", "%(points)s points", abs(found.points))
        % {"points": reliable_change.signed(found.points)},
        "rule": ngettext(
            "IAPT rule ≥%(count)d point", "IAPT rule ≥%(count)d points", found.threshold
        )
        % {"count": found.threshold},
    }
    if found.clinically_significant == "recovered":
        return gettext("reliable improvement (%(points)s; %(rule)s), recovered") % words
    return str(CHANGE_WORDS[found.classification]) % words


def _measures(record: Discharge) -> list[str]:
    """Each instrument's first and latest score in the episode (baseline → latest) and the
    reliable-change class between them. The instrument's name and bands stay as it
    publishes them, in English."""
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
            lines.append(
                gettext("%(name)s: %(total)d (%(band)s), once only.")
                % {"name": name, "total": first_total, "band": first_band}
            )
        else:
            lines.append(
                gettext(
                    "%(name)s: %(first)d (%(first_band)s) on %(first_day)s → "
                    "%(last)d (%(last_band)s) on %(last_day)s; %(change)s."
                )
                % {
                    "name": name,
                    "first": first_total,
                    "first_band": first_band,
                    "first_day": day(first),
                    "last": last_total,
                    "last_band": band_label(instrument, last.band),
                    "last_day": day(last),
                    "change": _change_words(code, [first_total, last_total]),
                }
            )
    return lines or [gettext("No measure recorded.")]


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
        return [gettext("No drug screen recorded.")]
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
    first, last = clock.day(screens[0].collected_on), clock.day(screens[-1].collected_on)
    if len(screens) == 1:
        counted = gettext("1 drug screen, on %(day)s; %(clean)d with no positive result.")
    else:
        counted = ngettext(
            "%(count)d drug screen from %(first)s to %(last)s; %(clean)d with no positive result.",
            "%(count)d drug screens from %(first)s to %(last)s; %(clean)d with no positive result.",
            len(screens),
        )
    lines = [
        counted
        % {"count": len(screens), "day": first, "first": first, "last": last, "clean": clean}
    ]
    if tampered:
        lines.append(
            gettext(
                "Adulterated or substituted specimens, each a presumptive positive (clinical "
                "reference §10): %(count)d, last on %(day)s."
            )
            % {"count": len(tampered), "day": clock.day(tampered[-1].collected_on)}
        )
    for name, days in sorted(positives.items()):
        unexpected = sum(1 for _day, flagged in days if flagged)
        if unexpected:
            positive = ngettext(
                "%(name)s: positive once, on %(day)s (%(unexpected)d unexpected).",
                "%(name)s: positive %(count)d times, last on %(day)s (%(unexpected)d unexpected).",
                len(days),
            )
        else:
            positive = ngettext(
                "%(name)s: positive once, on %(day)s.",
                "%(name)s: positive %(count)d times, last on %(day)s.",
                len(days),
            )
        lines.append(
            positive
            % {
                "name": name,
                "count": len(days),
                "day": clock.day(days[-1][0]),
                "unexpected": unexpected,
            }
        )
    return lines


def _medications(record: Discharge) -> list[str]:
    """The medication list on the day of discharge, with who prescribes each, as recorded."""
    rows = (
        Medication.objects.current()
        .filter(participant=record.participant, started_on__lte=record.discharged_on)
        .filter(Q(stopped_on__isnull=True) | Q(stopped_on__gte=record.discharged_on))
        .select_related("prescribed_by")
        .order_by("name", "pk")
    )
    lines = [
        (
            gettext("%(name)s %(dose)s, prescribed by %(prescriber)s.")
            if m.dose
            else gettext("%(name)s, prescribed by %(prescriber)s.")
        )
        % {"name": m.name, "dose": m.dose, "prescriber": m.prescriber}
        for m in rows
    ]
    return lines or [gettext("No medication on the list at discharge.")]


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
        return [gettext("No signed treatment plan.")]
    view = plan_view(plan)
    lines = [gettext("Treatment plan version %(number)d.") % {"number": plan.number}]
    for problem in view.problems:
        for goal in problem.goal_rows:
            objectives = goal.objective_rows
            met = sum(1 for o in objectives if o.progress is not None and o.progress.met)
            measured = sum(
                1 for o in objectives if o.progress is not None and o.progress.met is not None
            )
            lines.append(
                gettext(
                    "Goal: %(goal)s — %(met)d of %(measured)d measured objectives met "
                    "(%(unmeasured)d not measured)."
                )
                % {
                    "goal": goal.text,
                    "met": met,
                    "measured": measured,
                    "unmeasured": len(objectives) - measured,
                }
            )
            lines += [
                gettext("  %(objective)s: %(status)s.")
                % {"objective": o.text, "status": _objective_status(o.progress)}
                for o in objectives
            ]
    return lines


def _objective_status(progress: Progress | None) -> str:
    if progress is None:
        return gettext("no measure bound; judged by the clinician")
    if progress.reading is None:
        return gettext("no %(measure)s reading yet") % {"measure": progress.measure_label}
    reading = {
        "measure": progress.measure_label,
        "value": progress.reading.value,
        "day": clock.day(progress.reading.on),
    }
    if progress.met:
        return gettext("met (%(measure)s %(value)s on %(day)s)") % reading
    return gettext("not met (%(measure)s %(value)s on %(day)s)") % reading


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
                translated_facts=summary.translated_facts,
                recorded_by=by,
                **{name: getattr(summary, name) for name in SUMMARY_TEXT},
            ),
            by=by,
            reason=reason,
            decision=decision,
            what="summary",
            event_type="discharge.summary_addendum",
        )
