"""Reads of administrations shared by the chart tab, the result page and the API.

Each read is one query however long the history is; superseded rows are found in Python
from the rows already loaded, not by following the reverse relation row by row.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from assessments import instruments
from assessments.instruments.types import Instrument
from assessments.models import Administration
from assessments.scoring import PROGRAM_OVERRIDE
from participants.models import Participant


@dataclass(frozen=True)
class Cutoff:
    """The cut-off a trend is drawn against; `program` when it is the program's own, which
    the result page names as such beside the published one."""

    value: int
    program: bool = False

    @property
    def label(self) -> str:
        return f"program cut-off {self.value}" if self.program else f"cut-off {self.value}"


@dataclass
class InstrumentHistory:
    """One instrument's administrations for a participant, newest first, and its trend."""

    instrument: Instrument
    rows: list[Administration] = field(default_factory=list)

    @property
    def trend(self) -> list[tuple[datetime, int]]:
        """Totals of the current, complete administrations, oldest first."""
        return [
            (row.completed_at, row.total)
            for row in reversed(self.rows)
            if row.is_current and row.total is not None
        ]

    @property
    def cutoff(self) -> Cutoff | None:
        """The cut-off the latest current score was screened against when the program set
        its own, as the screen result and the alerts did; else the published one (none for
        a cut-off that depends on the person, such as AUDIT-C's by sex)."""
        rule = self.instrument.positive
        if rule is None or rule.comparison != "at-least":
            return None
        for row in self.rows:
            if row.is_current and row.total is not None:
                used = (row.thresholds or {}).get(rule.override_key) or {}
                if used.get("basis") == PROGRAM_OVERRIDE:
                    return Cutoff(used["value"], program=True)
                break
        if rule.by_sex or rule.threshold is None:
            return None
        return Cutoff(rule.threshold)


def definition(code: str) -> Instrument | None:
    """The instrument definition, or None for a code the library no longer carries."""
    try:
        return instruments.get(code)
    except instruments.UnknownInstrumentError:
        return None


# Why a result was screened against its cut-off, as the result page says it (the stored
# basis is the scorer's: `assessments.scoring.Threshold`); AUDIT-C's by sex as the
# clinical reference words it (section 1a: "≥4 (men), ≥3 (women)").
_BASIS_WORDS = {
    "default": "published",
    PROGRAM_OVERRIDE: "set by the program",
    "sex-male": "for men",
    "sex-female": "for women",
    "sex-unknown": "sex not recorded: the lower one",
}


def basis_words(basis: str) -> str:
    """Why this cut-off was used ("for women"), not the stored basis ("sex-female")."""
    return _BASIS_WORDS.get(basis, basis)


def short_name(code: str) -> str:
    """How clinicians call the instrument ("C-SSRS Screener"), or its code when the library
    no longer carries it."""
    instrument = definition(code)
    return code if instrument is None else instrument.short_name


def band_label(instrument: Instrument | None, band: str) -> str:
    if instrument is None or not band:
        return band
    return instrument.band_label(band)


def flag_label(instrument: Instrument | None, code: str) -> str:
    """A stored flag's short label ("Suicide risk"), for lists with no room for its message."""
    return code if instrument is None else instrument.flag_label(code)


def _annotate(rows: list[Administration]) -> list[Administration]:
    superseded = {row.supersedes_id: row for row in rows if row.supersedes_id}
    for row in rows:
        row.definition = definition(row.instrument)
        row.band_label = band_label(row.definition, row.band)
        row.newer = superseded.get(row.pk)
        row.is_superseded = row.newer is not None
        row.is_current = not row.is_superseded and not row.entered_in_error
    return rows


def administrations_for(
    participant: Participant, *, instrument: str | None = None
) -> list[Administration]:
    """Every administration of a participant (corrected and struck-out ones too), newest first."""
    qs = Administration.objects.filter(participant=participant)
    if instrument:
        qs = qs.filter(instrument=instrument)
    return _annotate(
        list(qs.select_related("recorded_by", "supersedes").order_by("-completed_at", "-pk"))
    )


def history_by_instrument(participant: Participant) -> list[InstrumentHistory]:
    """The history grouped per instrument, in the instrument library's order."""
    order = {inst.code: index for index, inst in enumerate(instruments.all_instruments())}
    groups: dict[str, InstrumentHistory] = {}
    for row in administrations_for(participant):
        if row.definition is None:
            continue
        groups.setdefault(row.instrument, InstrumentHistory(row.definition)).rows.append(row)
    return sorted(groups.values(), key=lambda g: order.get(g.instrument.code, len(order)))


def administration_for(participant: Participant, administration_id: UUID) -> Administration | None:
    """One administration of this participant, with what corrected it (if anything)."""
    row = (
        Administration.objects.filter(participant=participant, public_id=administration_id)
        .select_related("recorded_by", "supersedes", "episode__program")
        .first()
    )
    if row is None:
        return None
    newer = Administration.objects.filter(supersedes=row).only("public_id").first()
    _annotate([row])
    row.newer = newer
    row.is_superseded = newer is not None
    row.is_current = not row.is_superseded and not row.entered_in_error
    return row


def due_home_questionnaires(
    participant: Participant, program, *, now: datetime
) -> list[Instrument]:
    """The program's home questionnaires this participant has not answered within its interval.

    Only instruments with a self-report mode count (see `services.can_self_report`); an
    unknown code in the program settings is skipped rather than shown as a broken link.
    """
    from assessments.services import can_self_report

    wanted = [
        instrument
        for code in program.home_questionnaires or []
        if (instrument := definition(code)) is not None and can_self_report(instrument)
    ]
    if not wanted:
        return []
    since = now - timedelta(days=program.home_questionnaire_interval_days)
    answered = set(
        Administration.objects.current()
        .filter(
            participant=participant,
            instrument__in=[i.code for i in wanted],
            completed_at__gte=since,
        )
        .values_list("instrument", flat=True)
    )
    return [i for i in wanted if i.code not in answered]


def latest_of(participant: Participant, instrument: str) -> Administration | None:
    """The participant's latest current administration of one instrument (one query)."""
    return (
        Administration.objects.current()
        .filter(participant=participant, instrument=instrument)
        .only("public_id", "instrument", "band", "complete", "completed_at")
        .order_by("-completed_at", "-pk")
        .first()
    )
