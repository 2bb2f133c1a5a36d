"""Billing reads: the payers, a participant's coverages, and the service days of a week to
bill, each in a fixed number of queries.

A date of service is a day a participant attended (the roll calls that count towards the
dose, `attendance.weekly.counted`), and a day their presumptive drug screens were collected
has a drug-test line of its own. Each line carries the per-diem code of the payer covering
that day and either "ready" or the reasons it is held. The rules are the clinical reference's
(section 5 "Billing and coding") and 42 CFR Part 2's; where the reference is silent (a daily
minimum for S9480, which of two payers to bill) the line shows the figures and the biller
decides, as the page and docs/billing.md say.

A Medicare payer's line (§5 "Medicare IOP") counts the day's sessions, places the day in one
of the two per-diem bands (3 services, 4 or more) as far as the sessions tell, is held for the
biller to count the services below 3 sessions or without a physician's certification in force,
and shows the week's hours beside the 9–19 h band without holding for them (the source marks
the band ⚠️).
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Lower

from accounts.models import Program
from assessments.models import Administration
from attendance.dose import current_week, week_start_of
from attendance.models import Attendance
from attendance.weekly import counted
from billing.models import (
    H0015_DAILY_MINUTES,
    RECERTIFY_NOTICE_DAYS,
    ConsentPayer,
    Coverage,
    IopCertification,
    Payer,
    PerDiemCode,
    certified_before,
)
from consent.models import Consent
from consent.recipients import NamedRecipient
from consent.selectors import part2_consents
from intake.models import Diagnosis, DiagnosisStatus
from participants.models import IN_CARE_STATUSES, Episode, Participant
from screens.models import DrugScreen, Method, Specimen
from tandem.grouping import by_participant
from tandem.statements import rows_together
from tandem.templatetags.durations import UNIT_SPACE

NO_COVERAGE = "No coverage on this date"
NO_CONSENT = "No consent to disclose to the payer (42 CFR Part 2)"
# A consent that names the payer in its words but not from the payer list: most likely a
# consent recorded before payers were picked, but "Aetna" is also in "Aetna Better Health".
NAMED_IN_WORDS_ONLY = (
    "A consent names the payer only in words, not from the payer list: review it (42 CFR Part 2)"
)
UNDER_THREE_HOURS = "Under 3 hours attended"
TWO_PAYERS = "More than one payer covers this date: choose which to bill"
# Clinical reference §5 gives H0015's ≥3 h/day and no daily minimum for S9480.
S9480_NO_MINIMUM = "The reference gives S9480 no daily minimum: the payer's contract decides"
# §5 "Medicare IOP": two per-diem APCs, one for 3-service days and one for days of 4 or
# more services; a day of fewer has no Medicare IOP per diem. Tandem knows the sessions
# attended, not the services billed in each (one 3-hour block may hold several), so a
# session count is only a floor: 4 sessions are 4 or more services, 3 are at least 3, and
# under 3 the biller counts the day's services before a per diem is billed or not.
MEDICARE_MIN_SERVICES = 3
THREE_OR_MORE = "3 or more services (3 sessions): check for a 4th"
FOUR_OR_MORE = "4 or more services"
COUNT_THE_SERVICES = (
    "Under 3 sessions recorded on this date: count the day's services "
    "(Medicare IOP pays a per diem for 3 or more)"
)
# §5: a physician certifies the need for at least 9 h a week, recertified no less often than
# every other month (`billing.models.certified_until` says how a certification is read).
NO_CERTIFICATION = "No physician certification (or recertification) in force"
# §5: "The weekly band is 9–19 h; PHP remains ≥20 h ⚠️": shown beside the week's hours, never
# a reason to hold a line.
WEEK_BAND_FROM_MINUTES = 9 * 60
WEEK_BAND_TO_MINUTES = 19 * 60
# §5: 96127, brief emotional/behavioural assessment, one unit per standardized instrument.
ASSESSMENT_CODE = "96127"
# §5: 80305 presumptive drug test read by direct optical observation only (cups, dipsticks),
# 80306 read by instrument-assisted optical observation, 80307 by an instrumented chemistry
# analyzer; only one of 80305–80307 per date of service. A laboratory immunoassay runs on a
# chemistry analyzer (80307); a point-of-care immunoassay may be read by eye or by a reader,
# and the screen does not record which, so its line is held rather than guessed. Definitive
# testing (80320–80377, G0480–G0483) is marked unverified in the reference and not listed.
PRESUMPTIVE_CODES = {Method.LAB_IMMUNOASSAY: "80307"}
PRESUMPTIVE_METHODS = (Method.POINT_OF_CARE, Method.LAB_IMMUNOASSAY)
READ_NOT_RECORDED = (
    "A point-of-care immunoassay does not say whether it was read by eye (80305) or by an "
    "instrument (80306)"
)
TWO_CODES = (
    "The screens this day would need two different codes; only one of 80305–80307 is billed "
    "per date of service"
)
# Diagnoses in force on a date of service: a resolved one counts until the day it resolved.
_IN_FORCE = (DiagnosisStatus.PROVISIONAL, DiagnosisStatus.CONFIRMED, DiagnosisStatus.IN_REMISSION)


def payers_of(organization_id: int) -> QuerySet[Payer]:
    """The organization's payers, by name."""
    return Payer.objects.filter(organization_id=organization_id).order_by("name", "pk")


def payer_choices(organization_id: int) -> list[tuple[str, str]]:
    """The organization's payers as a consent's recipients to pick (`consent.recipients`)."""
    return [(str(p.public_id), p.name) for p in payers_of(organization_id)]


def payers_named(consent_ids: Sequence[int]) -> dict[int, list[NamedRecipient]]:
    """The payers each consent names, by consent id and payer name, in one query."""
    rows = (
        ConsentPayer.objects.filter(consent_id__in=consent_ids)
        .select_related("payer")
        .order_by("payer__name", "payer_id")
    )
    found: dict[int, list[NamedRecipient]] = defaultdict(list)
    for row in rows:
        found[row.consent_id].append(NamedRecipient(str(row.payer.public_id), row.payer.name))
    return found


def _payer_ids_named(rows: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """The payers' ids each consent names, by consent id, from (consent id, payer id) rows."""
    found: dict[int, set[int]] = defaultdict(set)
    for consent_id, payer_id in rows:
        found[consent_id].add(payer_id)
    return found


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
    # A presumptive drug test's line (its code, when the screens' method tells it) rather
    # than the IOP per diem's.
    drug_test: bool = False
    drug_test_code: str = ""
    # The day's sessions (distinct sessions attended that count towards the dose), the
    # participant's minutes attended in the line's week, and, on a Medicare line, its band.
    sessions: int = 0
    week_minutes: int = 0
    band: str = ""

    @property
    def code(self) -> str:
        if self.drug_test:
            return self.drug_test_code
        return self.payer.per_diem_name if self.payer is not None else ""

    @property
    def is_medicare(self) -> bool:
        """An IOP per-diem line billed to a Medicare payer."""
        return not self.drug_test and self.payer is not None and self.payer.medicare

    @property
    def week_band(self) -> str:
        """The week's hours against Medicare IOP's 9–19 h band, in words."""
        if self.week_minutes < WEEK_BAND_FROM_MINUTES:
            return f"under 9{UNIT_SPACE}h"
        if self.week_minutes > WEEK_BAND_TO_MINUTES:
            return f"over 19{UNIT_SPACE}h"
        return f"within 9–19{UNIT_SPACE}h"

    @property
    def service(self) -> str:
        return "Presumptive drug test" if self.drug_test else "IOP per diem"

    @property
    def is_ready(self) -> bool:
        return not self.held

    @property
    def status(self) -> str:
        return "Ready" if self.is_ready else "Held: " + "; ".join(self.held)


def _attended(programs: Iterable[int], first: date, last: date) -> QuerySet[Attendance]:
    """The roll calls of these programs' sessions between `first` and `last` that count
    towards the dose, with minutes attended (read from the `attendance_with_minutes` index
    when only who attended is asked)."""
    return counted(
        Attendance.objects.filter(session__program_id__in=programs, minutes__gt=0)
    ).filter(session__date__gte=first, session__date__lte=last)


def _attendance(programs: Iterable[int], first: date, last: date) -> QuerySet[Attendance]:
    """`_attended`, of participant records in force (a duplicate record withdrawn as entered
    in error bills nothing)."""
    return _attended(programs, first, last).filter(participant__entered_in_error_at__isnull=True)


def _screened(programs: Iterable[Program], first: date, last: date) -> QuerySet[DrugScreen]:
    """The presumptive screens in force collected for a stay at these programs, between the
    start of `first` and the end of `last` in the programs' zones (the widest of them). A
    breath-alcohol test is none of 80305–80307, which test a specimen for drug classes
    (reference §5), and the reference names no code for it: it makes no line."""
    zones = [ZoneInfo(p.time_zone) for p in programs]
    return DrugScreen.objects.exclude(specimen=Specimen.BREATH).filter(
        episode__program__in=programs,
        entered_in_error_at__isnull=True,
        participant__entered_in_error_at__isnull=True,
        method__in=PRESUMPTIVE_METHODS,
        collected_at__gte=min(datetime.combine(first, time.min, tzinfo=z) for z in zones),
        collected_at__lt=max(
            datetime.combine(last + timedelta(days=1), time.min, tzinfo=z) for z in zones
        ),
    )


def billed_participants(programs: Sequence[Program], week: date) -> QuerySet[Participant]:
    """Everyone with a date of service in the week starting on `week` at these programs (a
    day attended, or a presumptive screen collected), by surname: what the service-days
    page is paged over, so a week of thousands of participants is read a page at a time.
    Records in force are asked of the participants, not joined into the week's roll calls,
    and only what orders them is read (the page's lines read the rest)."""
    last = week + timedelta(days=6)
    attended = _attended([p.pk for p in programs], week, last).values("participant_id")
    screened = _screened(programs, week, last).values("participant_id")
    return (
        Participant.objects.filter(
            Q(pk__in=attended) | Q(pk__in=screened),
            organization_id__in={p.organization_id for p in programs},
            entered_in_error_at__isnull=True,
        )
        .only("pk", "legal_last_name", "legal_first_name")
        .order_by(Lower("legal_last_name"), Lower("legal_first_name"), "pk")
    )


def service_days(
    programs: Iterable[Program], week: date, participants: Collection[int] | None = None
) -> list[ServiceDay]:
    """The dates of service of the week starting on `week` at these programs (of these
    `participants` only, by id, when given: a page of `billed_participants`), by
    participant's surname and date, each day's IOP per diem before its presumptive drug
    test: nine queries however many participants, sent in two round trips on PostgreSQL
    (the week's days and screens, then what their lines read of those participants)."""
    by_pk = {p.pk: p for p in programs}
    if not by_pk:
        return []
    last = week + timedelta(days=6)
    rows = _attendance(by_pk, week, last)
    if participants is not None:
        rows = rows.filter(participant_id__in=participants)
    zones = {pk: ZoneInfo(p.time_zone) for pk, p in by_pk.items()}
    attended, screens = rows_together(
        rows.values_list("participant_id", "session__program_id", "session__date", "episode_id")
        .annotate(total=Sum("minutes"), sessions=Count("session", distinct=True))
        .order_by(),
        _screens(by_pk, week, last, participants),
    )
    totals: dict[tuple[int, date], tuple[int, int]] = {}
    sessions_on: dict[tuple[int, date], int] = defaultdict(int)
    stays: dict[tuple[int, date], set[int]] = defaultdict(set)
    week_minutes: dict[int, int] = defaultdict(int)
    for person, program_id, day, episode_id, minutes, sessions in attended:
        previous = totals.get((person, day), (program_id, 0))[1]
        totals[(person, day)] = (program_id, previous + minutes)
        sessions_on[(person, day)] += sessions
        stays[(person, day)].add(episode_id)
        week_minutes[person] += minutes
    screened = _screened_days(screens, zones, week, last)
    ids = sorted({person for person, _ in totals} | {person for person, _ in screened})
    if not ids:
        return []
    consents_read = part2_consents(ids)
    read = rows_together(
        Participant.objects.filter(pk__in=ids),
        _coverages(ids, week, last),
        consents_read,
        ConsentPayer.objects.filter(consent__in=consents_read.values("pk")).values_list(
            "consent_id", "payer_id"
        ),
        _diagnoses(ids, last),
        _instruments(ids, week, last, zones.values()),
        _certifications(ids, week, last),
    )
    people = {p.pk: p for p in read[0]}
    coverages = by_participant(read[1])
    consents = by_participant(read[2])
    named = _payer_ids_named(read[3])
    diagnoses = _diagnoses_in_force(read[4])
    units = _instruments_by_day(read[5], zones.values())
    certifications = by_participant(read[6])
    lines = []
    for (person, day), (program_id, minutes) in totals.items():
        line = ServiceDay(people[person], by_pk[program_id], day, minutes)
        line.sessions = sessions_on[(person, day)]
        line.week_minutes = week_minutes[person]
        certified = [
            c for c in certifications.get(person, []) if c.episode_id in stays[(person, day)]
        ]
        _decide(line, coverages.get(person, []), consents.get(person, []), named, certified)
        line.assessment_units = len(units.get((person, str(zones[program_id]), day), ()))
        lines.append(line)
    for (person, day), (program_id, methods) in screened.items():
        line = ServiceDay(people[person], by_pk[program_id], day, 0, drug_test=True)
        _decide(line, coverages.get(person, []), consents.get(person, []), named)
        _presumptive(line, methods)
        lines.append(line)
    for line in lines:
        line.diagnoses = [
            code
            for code, since, until in diagnoses.get(line.participant.pk, [])
            if since <= line.day < until
        ]
    return sorted(
        lines,
        key=lambda d: (
            d.participant.legal_last_name.casefold(),
            d.participant.legal_first_name.casefold(),
            d.participant.pk,
            d.day,
            d.drug_test,
        ),
    )


def _screens(
    programs: dict[int, Program], first: date, last: date, participants: Collection[int] | None
) -> QuerySet[DrugScreen, tuple[int, int, str, datetime]]:
    """The presumptive screens in force collected for a stay at one of these programs (of
    these participants, when given): who, at which program, by which method, and when."""
    screens = _screened(list(programs.values()), first, last)
    if participants is not None:
        screens = screens.filter(participant_id__in=participants)
    return screens.values_list("participant_id", "episode__program_id", "method", "collected_at")


def _screened_days(
    rows: Iterable[tuple[int, int, str, datetime]],
    zones: dict[int, ZoneInfo],
    first: date,
    last: date,
) -> dict[tuple[int, date], tuple[int, set[str]]]:
    """The presumptive screens' methods by participant and local collection day."""
    found: dict[tuple[int, date], tuple[int, set[str]]] = {}
    for person, program_id, method, moment in rows:
        day = moment.astimezone(zones[program_id]).date()
        if first <= day <= last:
            found.setdefault((person, day), (program_id, set()))[1].add(method)
    return found


def _presumptive(line: ServiceDay, methods: set[str]) -> None:
    """The day's one presumptive code, or why the screens do not tell it. The two methods on
    one day are two codes whatever the point-of-care test was read with (80305 or 80306 beside
    80307)."""
    if Method.POINT_OF_CARE in methods:
        line.held.append(READ_NOT_RECORDED)
    if len(methods) > 1:
        line.held.append(TWO_CODES)
    elif code := PRESUMPTIVE_CODES.get(Method(next(iter(methods)))):
        line.drug_test_code = code


def _decide(
    line: ServiceDay,
    coverages: list[Coverage],
    consents: list[Consent],
    named: dict[int, set[int]],
    certifications: Sequence[IopCertification] = (),
) -> None:
    """The payer of the line's day and, when it cannot be billed as it stands, why
    (`certifications`: the participant's in force, of the stays the day was attended in)."""
    payers = {c.payer_id: c for c in coverages if c.covers(line.day)}
    if not payers:
        line.held.append(NO_COVERAGE)
    elif len(payers) > 1:
        line.held.append(TWO_PAYERS)
    else:
        coverage = next(iter(payers.values()))
        line.payer, line.member_id = coverage.payer, coverage.member_id
    consent = _consent_for(line.day, [c.payer for c in payers.values()], consents, named)
    if consent:
        line.held.append(consent)
    if line.payer is None or line.drug_test:
        return
    if line.payer.medicare:
        _medicare(line, certifications)
    elif line.payer.per_diem_code == PerDiemCode.H0015 and line.minutes < H0015_DAILY_MINUTES:
        line.held.append(UNDER_THREE_HOURS)
    elif line.payer.per_diem_code == PerDiemCode.S9480:
        line.note = S9480_NO_MINIMUM


def _consent_for(
    day: date, payers: list[Payer], consents: list[Consent], named: dict[int, set[int]]
) -> str:
    """Why no Part 2 consent in force on `day` lets the program disclose to the payers (none
    when one does): a single TPO consent, whose class of recipients takes in health plans
    and third-party payers (§2.31(a), clinical reference §4a), or one naming the payer from
    the payer list. A consent naming it only in its words is held for the biller to read."""
    in_force = [c for c in consents if c.discloses_on(day)]
    ids = {p.pk for p in payers}
    if any(c.tpo or named.get(c.pk, set()) & ids for c in in_force):
        return ""
    if any(c.names_in_words(p.name) for c in in_force for p in payers):
        return NAMED_IN_WORDS_ONLY
    return NO_CONSENT


def _medicare(line: ServiceDay, certifications: Sequence[IopCertification]) -> None:
    """Medicare IOP (reference §5): the day's per-diem band as far as its sessions tell it,
    held for the biller to count the services below 3 sessions, or when no physician's
    certification covers the day."""
    if line.sessions < MEDICARE_MIN_SERVICES:
        line.held.append(COUNT_THE_SERVICES)
    else:
        line.band = THREE_OR_MORE if line.sessions == MEDICARE_MIN_SERVICES else FOUR_OR_MORE
    if not any(c.covers(line.day) for c in certifications):
        line.held.append(NO_CERTIFICATION)


def _certifications(ids: list[int], first: date, last: date) -> QuerySet[IopCertification]:
    """The participants' IOP certifications in force that may cover a day from `first` to
    `last`: made on or before `last`, no earlier than the first day of the second month
    before `first` (an earlier one ends before `first`, `billing.models.certified_until`)."""
    month = first.month - 2
    since = date(first.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return (
        IopCertification.objects.current()
        .filter(participant_id__in=ids, certified_on__gte=since, certified_on__lte=last)
        .order_by("certified_on", "pk")
    )


def certifications_for(participant: Participant) -> list[IopCertification]:
    """Every IOP certification of the participant, those entered in error too, latest first."""
    return list(
        IopCertification.objects.filter(participant=participant)
        .select_related("episode__program", "physician", "recorded_by", "entered_in_error_by")
        .order_by("-certified_on", "-id")
    )


def _medicare_on(day: date) -> QuerySet[Coverage]:
    return (
        Coverage.objects.current()
        .filter(payer__medicare=True, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
    )


def covered_by_medicare(participant: Participant, day: date) -> bool:
    """Whether a Medicare payer covers the participant on `day`: whether the chart offers the
    IOP certification card (it shows no payer, member id or date of the coverage)."""
    return _medicare_on(day).filter(participant=participant).exists()


def latest_certification(episode: Episode) -> IopCertification | None:
    """The stay's certification in force last (the latest date), or None."""
    return (
        IopCertification.objects.current()
        .filter(episode=episode)
        .select_related("physician")
        .order_by("-certified_on", "-pk")
        .first()
    )


def certifications_ending(program: Program, today: date) -> list[IopCertification]:
    """For each stay in care in the program whose participant a Medicare payer covers on
    `today`, its latest certification when that ends within `RECERTIFY_NOTICE_DAYS` or has
    ended: the recertifications to ask for. One query."""
    runs_past = certified_before(today + timedelta(days=RECERTIFY_NOTICE_DAYS))
    later = IopCertification.objects.current().filter(
        episode=OuterRef("episode_id"), certified_on__gte=runs_past
    )
    rows = (
        IopCertification.objects.current()
        .filter(
            episode__program=program,
            episode__status__in=IN_CARE_STATUSES,
            participant__entered_in_error_at__isnull=True,
            certified_on__lt=runs_past,
        )
        .filter(Exists(_medicare_on(today).filter(participant=OuterRef("participant_id"))))
        .exclude(Exists(later))
        .select_related("participant", "physician", "episode")
        .order_by("episode_id", "-certified_on", "-pk")
    )
    latest: dict[int, IopCertification] = {}
    for row in rows:
        latest.setdefault(row.episode_id, row)
    return list(latest.values())


def stays_never_certified(program: Program, today: date) -> list[Episode]:
    """Each stay in care in the program whose participant a Medicare payer covers on `today`
    and that has no certification recorded (none withdrawn counts): the first certification to
    ask for, since every service day of the stay is held until one covers it. Each carries
    `covered_from`, the first day of the Medicare coverage in force. One query."""
    medicare = _medicare_on(today).filter(participant=OuterRef("participant_id"))
    return list(
        Episode.objects.filter(
            program=program,
            status__in=IN_CARE_STATUSES,
            participant__entered_in_error_at__isnull=True,
        )
        .filter(Exists(medicare))
        .exclude(Exists(IopCertification.objects.current().filter(episode=OuterRef("pk"))))
        .annotate(covered_from=Subquery(medicare.order_by("starts_on").values("starts_on")[:1]))
        .select_related("participant")
        .order_by("pk")
    )


def _coverages(ids: list[int], first: date, last: date) -> QuerySet[Coverage]:
    return (
        Coverage.objects.current()
        .filter(participant_id__in=ids, starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .select_related("payer")
        .order_by("starts_on", "pk")
    )


def _diagnoses(ids: list[int], last: date) -> QuerySet[Diagnosis]:
    """The participants' diagnoses that may be in force on a day up to `last`."""
    return (
        Diagnosis.objects.filter(
            participant_id__in=ids,
            entered_in_error_at__isnull=True,
            made_on__lte=last,
        )
        .filter(Q(status__in=_IN_FORCE) | Q(status=DiagnosisStatus.RESOLVED))
        .select_related("episode__program")
        .order_by("made_on", "code", "pk")
    )


def _diagnoses_in_force(rows: Iterable[Diagnosis]) -> dict[int, list[tuple[str, date, date]]]:
    """Each participant's ICD-10-CM codes with the days they were in force: from the day
    made to the day resolved (open while provisional, confirmed or in remission)."""
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
) -> QuerySet[Administration, tuple[int, str, datetime]]:
    """The administrations in force (not entered in error, not corrected) the participants
    completed from the start of `first` to the end of `last` in any of these zones."""
    kept = list(zones)
    start = min(datetime.combine(first, time.min, tzinfo=z) for z in kept)
    end = max(datetime.combine(last + timedelta(days=1), time.min, tzinfo=z) for z in kept)
    return (
        Administration.objects.current()
        .filter(participant_id__in=ids, completed_at__gte=start, completed_at__lt=end)
        .values_list("participant_id", "instrument", "completed_at")
    )


def _instruments_by_day(
    rows: Iterable[tuple[int, str, datetime]], zones: Iterable[ZoneInfo]
) -> dict[tuple[int, str, date], set[str]]:
    """The instruments each participant completed, by their local day in each zone the
    programs keep."""
    zones = list({str(z): z for z in zones}.values())
    found: dict[tuple[int, str, date], set[str]] = defaultdict(set)
    for person, instrument, moment in rows:
        for zone in zones:
            found[(person, str(zone), moment.astimezone(zone).date())].add(instrument)
    return found
