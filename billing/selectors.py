"""Billing reads: the payers, a participant's coverages, and the service days of a week to
bill, each in a fixed number of queries.

A date of service is a day a participant attended (the roll calls that count towards the
dose, `attendance.weekly.counted`). Each line carries the per-diem code of the payer covering
that day and either "ready" or the reasons it is held. The rules are the clinical reference's
(section 5 "Billing and coding") and 42 CFR Part 2's; where the reference is silent (a daily
minimum for S9480, which of two payers to bill) the line shows the figures and the biller
decides, as the page and docs/billing.md say.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet, Sum

from accounts.models import Program
from assessments.models import Administration
from attendance.dose import current_week, week_start_of
from attendance.models import Attendance
from attendance.weekly import counted
from billing.models import H0015_DAILY_MINUTES, Coverage, Payer, PerDiemCode
from consent.selectors import part2_consents_of
from intake.models import Diagnosis, DiagnosisStatus
from participants.models import Participant

NO_COVERAGE = "No coverage on this date"
NO_CONSENT = "No consent to disclose to the payer (42 CFR Part 2)"
UNDER_THREE_HOURS = "Under 3 hours attended"
TWO_PAYERS = "More than one payer covers this date: choose which to bill"
# Clinical reference §5 gives H0015's ≥3 h/day and no daily minimum for S9480.
S9480_NO_MINIMUM = "The reference gives S9480 no daily minimum: the payer's contract decides"
# §5: 96127, brief emotional/behavioural assessment, one unit per standardized instrument.
ASSESSMENT_CODE = "96127"
# Diagnoses in force on a date of service: a resolved one counts until the day it resolved.
_IN_FORCE = (DiagnosisStatus.PROVISIONAL, DiagnosisStatus.CONFIRMED, DiagnosisStatus.IN_REMISSION)


def payers_of(organization_id: int) -> QuerySet[Payer]:
    """The organization's payers, by name."""
    return Payer.objects.filter(organization_id=organization_id).order_by("name", "pk")


def coverages_for(participant: Participant) -> list[Coverage]:
    """Every coverage of the participant, those entered in error too, latest start first."""
    return list(
        Coverage.objects.filter(participant=participant)
        .select_related("payer", "recorded_by", "entered_in_error_by")
        .order_by("-starts_on", "-id")
    )


def last_week(program: Program, now: datetime | None = None) -> date:
    """The Monday of last week in the program's own time zone: the week the biller bills."""
    return current_week(program, now) - timedelta(days=7)


def monday_of(day: date) -> date:
    return week_start_of(day)


@dataclass
class ServiceDay:
    """One participant's date of service with what a claim line needs, ready or held."""

    participant: Participant
    program: Program
    day: date
    minutes: int
    payer: Payer | None = None
    member_id: str = ""
    diagnoses: list[str] = field(default_factory=list)
    assessment_units: int = 0
    held: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def code(self) -> str:
        return self.payer.per_diem_code if self.payer is not None else ""

    @property
    def is_ready(self) -> bool:
        return not self.held

    @property
    def status(self) -> str:
        return "Ready" if self.is_ready else "Held: " + "; ".join(self.held)


def service_days(programs: Iterable[Program], week: date) -> list[ServiceDay]:
    """The dates of service of the week starting on `week` (a Monday) at these programs,
    by participant's surname and date: six queries however many participants."""
    by_pk = {p.pk: p for p in programs}
    if not by_pk:
        return []
    last = week + timedelta(days=6)
    attended = (
        counted(Attendance.objects.filter(session__program_id__in=by_pk, minutes__gt=0))
        .filter(session__date__gte=week, session__date__lte=last)
        .values_list("participant_id", "session__program_id", "session__date")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    totals: dict[tuple[int, date], tuple[int, int]] = {}
    for person, program_id, day, minutes in attended:
        previous = totals.get((person, day), (program_id, 0))[1]
        totals[(person, day)] = (program_id, previous + minutes)
    ids = sorted({person for person, _ in totals})
    if not ids:
        return []
    people = {p.pk: p for p in Participant.objects.filter(pk__in=ids)}
    coverages = _coverages(ids, week, last)
    consents = part2_consents_of(ids)
    diagnoses = _diagnoses(ids, last)
    zones = {pk: ZoneInfo(p.time_zone) for pk, p in by_pk.items()}
    units = _instruments(ids, week, last, zones.values())
    lines = []
    for (person, day), (program_id, minutes) in totals.items():
        line = ServiceDay(people[person], by_pk[program_id], day, minutes)
        _decide(line, coverages.get(person, []), consents.get(person, []))
        line.diagnoses = [
            code for code, since, until in diagnoses.get(person, []) if since <= day < until
        ]
        line.assessment_units = len(units.get((person, str(zones[program_id]), day), ()))
        lines.append(line)
    return sorted(
        lines,
        key=lambda d: (
            d.participant.legal_last_name.casefold(),
            d.participant.legal_first_name.casefold(),
            d.participant.pk,
            d.day,
        ),
    )


def _decide(line: ServiceDay, coverages: list[Coverage], consents: list) -> None:
    """The payer of the line's day and, when it cannot be billed as it stands, why."""
    payers = {c.payer_id: c for c in coverages if c.covers(line.day)}
    if not payers:
        line.held.append(NO_COVERAGE)
    elif len(payers) > 1:
        line.held.append(TWO_PAYERS)
    else:
        coverage = next(iter(payers.values()))
        line.payer, line.member_id = coverage.payer, coverage.member_id
    names = [c.payer.name for c in payers.values()] or [""]
    if not any(c.allows_disclosure_to(name, line.day) for c in consents for name in names):
        line.held.append(NO_CONSENT)
    if line.payer is None:
        return
    if line.payer.per_diem_code == PerDiemCode.H0015 and line.minutes < H0015_DAILY_MINUTES:
        line.held.append(UNDER_THREE_HOURS)
    elif line.payer.per_diem_code == PerDiemCode.S9480:
        line.note = S9480_NO_MINIMUM


def _coverages(ids: list[int], first: date, last: date) -> dict[int, list[Coverage]]:
    rows = (
        Coverage.objects.current()
        .filter(participant_id__in=ids, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .select_related("payer")
        .order_by("starts_on", "pk")
    )
    found: dict[int, list[Coverage]] = defaultdict(list)
    for row in rows:
        found[row.participant_id].append(row)
    return found


def _diagnoses(ids: list[int], last: date) -> dict[int, list[tuple[str, date, date]]]:
    """Each participant's ICD-10-CM codes with the days they were in force: from the day
    made to the day resolved (open while provisional, confirmed or in remission)."""
    rows = (
        Diagnosis.objects.filter(
            participant_id__in=ids,
            entered_in_error_at__isnull=True,
            made_on__lte=last,
        )
        .filter(Q(status__in=_IN_FORCE) | Q(status=DiagnosisStatus.RESOLVED))
        .select_related("episode__program")
        .order_by("made_on", "code", "pk")
    )
    found: dict[int, list[tuple[str, date, date]]] = defaultdict(list)
    for row in rows:
        until = date.max
        if row.status == DiagnosisStatus.RESOLVED:
            if row.status_changed_at is None:
                continue
            until = row.status_changed_at.astimezone(row.episode.program.tz).date()
        found[row.participant_id].append((row.code, row.made_on, until))
    return found


def _instruments(
    ids: list[int], first: date, last: date, zones: Iterable[ZoneInfo]
) -> dict[tuple[int, str, date], set[str]]:
    """The instruments each participant completed, by their local day in each zone the
    programs keep: administrations in force (not entered in error, not corrected)."""
    zones = list({str(z): z for z in zones}.values())
    start = min(datetime.combine(first, time.min, tzinfo=z) for z in zones)
    end = max(datetime.combine(last + timedelta(days=1), time.min, tzinfo=z) for z in zones)
    rows = (
        Administration.objects.current()
        .filter(participant_id__in=ids, completed_at__gte=start, completed_at__lt=end)
        .values_list("participant_id", "instrument", "completed_at")
    )
    found: dict[tuple[int, str, date], set[str]] = defaultdict(set)
    for person, instrument, moment in rows:
        for zone in zones:
            found[(person, str(zone), moment.astimezone(zone).date())].add(instrument)
    return found
