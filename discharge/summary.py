"""The discharge summary drafted from the record, section by section.

Each section is a function of the discharge returning lines of fact. Modules that hold more
of the record (medications and drug screens, treatment-plan goals, reliable change of the
measures) add their own section with `register_section` from their AppConfig.ready(), so the
draft grows with the record without this module importing them.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import LevelOfCare
from assessments.models import Administration
from attendance.dose import week_start_of
from attendance.models import ABSENT_STATUSES, Attendance
from audit.models import Action
from audit.services import record_event
from discharge.models import Discharge, DischargeSummary
from intake.models import Diagnosis
from participants.access import Scope, require
from placement.models import LevelOfCareDecision
from tandem import lifecycle
from tandem.errors import InvalidInput
from tandem.validation import validate


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a (lazily translated) string
    order: int
    lines: Callable[[Discharge], list[str]]


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda s: s.order)


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
        f"Referred {episode.referred_on.isoformat()}, admitted "
        f"{episode.admitted_on.isoformat() if episode.admitted_on else '—'}, discharged "
        f"{record.discharged_on.isoformat()} ({record.get_type_display()}).",
    ]
    if episode.admitted_on:
        lines.append(f"{(record.discharged_on - episode.admitted_on).days} days in care.")
    decisions = LevelOfCareDecision.objects.current().filter(episode=episode).order_by("decided_on")
    for decision in decisions:
        lines.append(
            f"Level of care {LevelOfCare(decision.chosen_level).label} from "
            f"{decision.decided_on.isoformat()}."
        )
    if not decisions:
        lines.append(f"Level of care {LevelOfCare(episode.level_of_care).label}.")
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
    lines = [f"Attended {attended} sessions, absent from {absent}; {total / 60:.1f} hours in all."]
    lines += [
        f"Week of {week.isoformat()}: {minutes / 60:.1f} hours."
        for week, minutes in sorted(weeks.items())
    ]
    return lines


def _measures(record: Discharge) -> list[str]:
    """Each instrument's first and latest score in the episode (baseline → latest)."""
    rows = (
        Administration.objects.current()
        .filter(episode=record.episode, complete=True, total__isnull=False)
        .order_by("instrument", "completed_at", "pk")
    )
    by_instrument: dict[str, list[Administration]] = defaultdict(list)
    for row in rows:
        by_instrument[row.instrument].append(row)
    lines = []
    for code, done in sorted(by_instrument.items()):
        first, last = done[0], done[-1]
        if first.pk == last.pk:
            lines.append(f"{code.upper()}: {first.total} ({first.band}), once only.")
        else:
            lines.append(
                f"{code.upper()}: {first.total} ({first.band}) on "
                f"{first.completed_at.date().isoformat()} → {last.total} ({last.band}) on "
                f"{last.completed_at.date().isoformat()}."
            )
    return lines or ["No measure recorded."]


register_section(Section("stay", _("Dates and levels of care"), 10, _stay))
register_section(Section("diagnoses", _("Diagnoses"), 20, _diagnoses))
register_section(Section("attendance", _("Attendance and weekly dose"), 30, _attendance))
register_section(Section("measures", _("Measures, baseline to latest"), 40, _measures))


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
    """Sign the summary: from now on it never changes and the participant sees it."""
    decision = require(by, summary.participant, Action.CHANGE, Scope.AFTERCARE)
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
