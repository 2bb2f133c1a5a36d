"""A synthetic installation in bulk, for benchmarks at the scale of a real one: several
organizations, each with two programs, staff, clinicians whose caseloads (15 to 40 in care,
through the care team) cover everyone in care, each program's rooms (its in-person groups
meet in them), and years of history: referrals, admissions,
discharges with their TEDS reasons, group sessions each led by a clinician (a group keeps its
lead for months, someone covers now and then: `synthetic.Leads`) who took its roll call
and signed its group note (`synthetic.past_group_notes`; the last days' few still owed),
weekly individual notes, questionnaires scored by the real scorer, signed plans with their
reviews, alerts, the payers with most admitted people's coverage, their Part 2 TPO consents
naming that payer and the Medicare stays' certifications (in force, lapsed or none), and the
audit trail. Every person and organization is invented and marked
synthetic. (`outcomes.synthetic` writes the demo's past-only history into an existing
organization; this builds whole organizations and shares its invented names and spreads.)

Speed (`manage.py synthesize --participants 50000` writes over five million rows): the large
tables are kept as tuples and written with COPY on PostgreSQL (bulk_create elsewhere), among
them the group notes as the demo's past decides them and the questionnaires with the demo's
pooled, pre-scored answer sets; nothing goes through a per-row service. The derived stores are
rebuilt once at the end with their own rebuild functions (weekly minutes, the measurement due
moments, the plan review dates). The audit trail is written in time order per organization,
each event linked into that organization's keyed MAC chain exactly as `record_events` links
it, and the chain head set to the last link, so `audit_verify` accepts it.

The spreads are plausible, not fitted to anything: waits from referral to admission from
same-day to several weeks, lengths of stay long-tailed (a few days to most of a year), a
share never admitted, a fixed share still in care, attendance that varies by person and week.
"""

import heapq
import json
import random
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from types import SimpleNamespace
from typing import Any, cast

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from accounts.models import LevelOfCare, Membership, Organization, Program, Role, Site, User
from accounts.services import create_program
from assessments import demo as assessment_history
from assessments.models import Administration
from attendance import weekly
from attendance.models import Attendance, AttendanceStatus, WeeklyMinutes
from audit import event_types
from audit.chain import GENESIS, chain_key, link
from audit.models import AuditEvent, ChainHead, ListedParticipant, Outcome
from billing.models import (
    ConsentPayer,
    Coverage,
    IopCertification,
    Payer,
    PerDiemCode,
    certified_until,
)
from consent.models import TPO_PURPOSE, TPO_RECIPIENTS, Consent, ConsentKind, Expiry
from discharge.models import (
    DEFAULT_FOLLOW_UP_DAYS,
    ContactConsent,
    Discharge,
    FollowUp,
    FollowUpAnswers,
)
from discharge.types import TEDS_REASON_OF, TRANSFER_TYPES, DischargeType
from measurement import next_due
from measurement.models import FirstDue, NextDue
from monitoring.models import Alert
from notes import session_notes
from notes.models import AbsenceEntry, CoSignature, GroupNote, NoteFormat, NoteKind, ProgressNote
from outcomes import facts, synthetic_care
from outcomes.models import EpisodeFacts, ReportingDemographics
from outcomes.synthetic import (
    ETHNICITIES,
    FIRST_NAMES,
    LAST_NAMES,
    RACES,
    SEXES,
    Leads,
    _pick,
    _weeks,
    may_facilitate,
    past_group_notes,
    primary_place,
    stay_alerts,
)
from participants.models import (
    CareTeamMember,
    Episode,
    EpisodeStatus,
    Participant,
)
from plans.models import PlanReview, ReviewReason, ReviewSchedule, TreatmentPlan
from plans.services import keep_review_schedule
from scheduling.models import Enrolment, Group, Room, Session, SessionMode, Track
from worklist.models import Task, TaskStatus

DISCHARGES = [
    (DischargeType.COMPLETED, 45),
    (DischargeType.STEPPED_DOWN, 12),
    (DischargeType.TRANSFERRED_UP, 5),
    (DischargeType.LEFT_EARLY, 25),
    (DischargeType.ADMINISTRATIVE, 6),
    (DischargeType.INCARCERATED, 2),
    (DischargeType.OTHER, 5),
]
# Track: (name, weekdays, start time, minutes per session, mode), per level of care.
TRACKS: dict[str, list[tuple[str, tuple[int, ...], time, int, str]]] = {
    LevelOfCare.IOP: [
        ("Morning", (0, 2, 3), time(9, 0), 180, SessionMode.IN_PERSON),
        ("Evening", (0, 1, 3), time(18, 0), 180, SessionMode.IN_PERSON),
        ("Virtual", (1, 2, 4), time(12, 0), 180, SessionMode.VIRTUAL),
    ],
    LevelOfCare.PHP: [
        ("Day", (0, 1, 2, 3, 4), time(9, 0), 300, SessionMode.IN_PERSON),
        ("Day (virtual)", (0, 1, 2, 3, 4), time(9, 30), 300, SessionMode.VIRTUAL),
    ],
}
ORGANIZATION_WEIGHTS = (5, 3, 2, 2, 1)
CASELOAD = (15, 40)
# A group's places, and how full it gets before the track opens another (drawn per group):
# a program runs as many groups of a track as the people on it need.
CAPACITY = 12
GROUP_SIZES = (8, CAPACITY)
# A program's rooms: at least two a site, as the demo's, each seating a whole group or more.
ROOMS_PER_SITE = 2
ROOM_SEATS = (CAPACITY, 14, 16)
# Open tasks on a caseload, about one in four people in care (due from two weeks ago to two
# weeks ahead, so some are overdue), and the done ones of the past: (title, share).
TASK_TITLES = [
    "Request records from the previous provider",
    "Confirm the insurance authorization for continued stay",
    "Call the probation officer back",
    "Help with the housing application",
    "Refer to the prescriber for a medication review",
    "Check the bus pass arrived",
]
OPEN_TASKS, PAST_TASKS = 0.25, 0.5
# Notes of the last two weeks left unsigned past their due time (drafts a real caseload has).
LATE_DRAFTS = 0.06
# Who pays for a stay (share of the admitted), as a program bills: Medicare (condition code 92),
# a Medicaid plan (H0015), a commercial plan (S9480), or no coverage recorded yet.
PAYERS = [
    ("Medicare (synthetic)", PerDiemCode.MEDICARE_IOP, True, 0.2),
    ("State Medicaid plan (synthetic)", PerDiemCode.H0015, False, 0.45),
    ("Commercial health plan (synthetic)", PerDiemCode.S9480, False, 0.27),
]
# Of the admitted: a Part 2 TPO consent on file naming the stay's payer (the rest hold their
# lines for the biller), and of Medicare stays in care, a certification still in force, one
# lapsed, or none recorded yet.
TPO_CONSENTED = 0.88
CERTIFIED_IN_FORCE, CERTIFICATION_LAPSED = 0.8, 0.1
CONSENT_INFORMATION = "My substance use disorder treatment records (synthetic)"
# The parts of the record those consents cover, ticked beside the words.
CONSENT_PARTS = [
    "participant",
    "episodes",
    "intake",
    "diagnoses",
    "assessments",
    "level_of_care",
    "treatment_plan",
    "attendance",
    "coverage",
]
SYNTHETIC = "(synthetic history)"
BATCH = 5000
FLUSH = 50_000


@dataclass
class Made:
    """What was written: rows per table, and the organizations made."""

    rows: Counter = field(default_factory=Counter)
    organizations: list[Organization] = field(default_factory=list)

    def add(self, model: type[Model], count: int) -> None:
        self.rows[model._meta.db_table] += count

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass
class _Staff:
    director: User
    intake: User
    clinicians: list[User]
    roles: dict[int, str]


def caseloads(in_care: int, rng: random.Random) -> list[int]:
    """Caseload sizes between 15 and 40 that add up to `in_care` (one smaller caseload when
    fewer than 15 are in care)."""
    low, high = CASELOAD
    sizes, left = [], in_care
    while left > high:
        size = rng.randint(low, high)
        if left - size < low:
            size = left - low
        sizes.append(size)
        left -= size
    if left:
        sizes.append(left)
    return sizes


def cohorts(
    stays: list[tuple[date, date]], rng: random.Random, sizes: tuple[int, int] = GROUP_SIZES
) -> tuple[list[int], list[tuple[date, date]]]:
    """Put each stay on a track (first and last day) into one of the track's groups, the
    way a program fills rolling groups: a newcomer joins the fullest group that still has
    room, and a new group opens when none has. A group never holds more than its size
    (drawn between `sizes`) on any day; a place is free again the day after someone leaves.

    Returns the group of each stay (by index) and each group's first and last day."""
    group_of = [0] * len(stays)
    members: list[int] = []
    size: list[int] = []
    span: list[tuple[date, date]] = []
    leaving: list[tuple[date, int]] = []  # (last day, group)
    for i in sorted(range(len(stays)), key=lambda i: stays[i]):
        first, last = stays[i]
        while leaving and leaving[0][0] < first:
            members[heapq.heappop(leaving)[1]] -= 1
        room = [g for g in range(len(members)) if members[g] < size[g]]
        if room:
            g = max(room, key=lambda g: (members[g], -g))
            span[g] = (span[g][0], max(span[g][1], last))
        else:
            g = len(members)
            members.append(0)
            size.append(rng.randint(*sizes))
            span.append((first, last))
        members[g] += 1
        group_of[i] = g
        heapq.heappush(leaving, (last, g))
    return group_of, span


def rooms_for(spans: list[tuple[date, date]]) -> list[int]:
    """The room (by index) of each group of a track, whose groups all meet at the same
    hours, given each group's first and last day: a group takes the lowest-numbered room no
    group running on its first day holds (a room is free the day after its group's last),
    so no two groups running together share one and rooms are reused as groups retire."""
    room_of = [0] * len(spans)
    free: list[int] = []
    busy: list[tuple[date, int]] = []  # (last day, room)
    rooms = 0
    for g in sorted(range(len(spans)), key=lambda g: spans[g]):
        first, last = spans[g]
        while busy and busy[0][0] < first:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            room_of[g] = heapq.heappop(free)
        else:
            room_of[g], rooms = rooms, rooms + 1
        heapq.heappush(busy, (last, room_of[g]))
    return room_of


def installation(
    *,
    participants: int,
    today: date,
    organizations: int = 3,
    years: int = 3,
    in_care: float = 0.4,
    seed: int = 7,
    say: Callable[[str], None] = lambda _: None,
) -> Made:
    """Write `participants` people spread over `organizations` synthetic organizations, with
    `years` years of history up to `today` and the share `in_care` still in care."""
    weights = [ORGANIZATION_WEIGHTS[i % len(ORGANIZATION_WEIGHTS)] for i in range(organizations)]
    shares = [participants * w // sum(weights) for w in weights]
    shares[0] += participants - sum(shares)
    made = Made()
    for index, share in enumerate(shares, start=1):
        with transaction.atomic():  # an organization is written whole or not at all
            organization = Organization.objects.create(
                name=f"Synthetic Recovery Network {index} (synthetic)",
                slug=f"synthetic-{seed}-{index}",
                is_synthetic=True,
            )
            made.add(Organization, 1)
            made.organizations.append(organization)
            generate(
                organization,
                participants=share,
                today=today,
                years=years,
                in_care=in_care,
                seed=seed * 1000 + index,
                numbering=f"S{index}",
                made=made,
                say=say,
            )
    made.add(EpisodeFacts, facts.rebuild([o.pk for o in made.organizations]))
    return made


def generate(
    organization: Organization,
    *,
    participants: int,
    today: date,
    years: int = 3,
    in_care: float = 0.4,
    seed: int = 7,
    numbering: str = "S",
    made: Made | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> Made:
    """Write one organization's staff, programs and `participants` people's history."""
    made = made if made is not None else Made()
    rng = random.Random(seed)
    with transaction.atomic():
        writer = _History(organization, rng, today, years, made)
        writer.people(participants, in_care, numbering)
        say(f"  {organization.slug}: {participants} participants, writing their history …")
        began = perf_counter()
        for step, name in (
            (writer.history, "history"),
            (writer.billing, "coverage, consents and certifications"),
            (writer.derived, "derived stores"),
            (writer.audit_trail, "audit trail"),
        ):
            step()
            say(f"    {name}: {perf_counter() - began:.1f} s")
    return made


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    return str(value).translate(_ESCAPES)


class _Table:
    """Rows of one model, kept as tuples and written with COPY on PostgreSQL (bulk_create
    elsewhere): no model instance per row. Columns not given take the field's default,
    worked out once (a fresh public id per row)."""

    def __init__(self, model: type[Model], made: Made, *, with_ids: bool = False) -> None:
        self.model, self.made = model, made
        self.rows: list[tuple[object, ...]] = []
        now = timezone.now()
        self.fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
        self.names = [f.attname for f in self.fields]
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif (f.has_default() and f.default is not uuid.uuid4) or (
                not f.has_default() and not f.primary_key
            ):
                self.defaults[f.attname] = f.get_default()
        self.json = {f.attname for f in self.fields if f.get_internal_type() == "JSONField"}
        self._free: list[int] = []

    def reserve(self, count: int) -> list[int]:
        """Ids for rows that others point to, taken from the table's own sequence."""
        table = self.model._meta.db_table
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
        last = self.model._base_manager.aggregate(last=Max("pk"))["last"] or 0
        taken = max([last, *(getattr(self, "_taken", []) or [0])])
        self._taken = list(range(taken + 1, taken + 1 + count))
        return self._taken

    def next_id(self) -> int:
        """The id of the next row that others point to, reserved `BATCH` at a time."""
        if not self._free:
            self._free = self.reserve(BATCH)[::-1]
        return self._free.pop()

    def add(self, **values: Any) -> None:
        row = {**self.defaults, **values}
        if "public_id" in self.names and "public_id" not in values:
            row["public_id"] = uuid.uuid4()
        self.rows.append(tuple(row[name] for name in self.names))
        if len(self.rows) >= FLUSH:
            self.write()

    def write(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            json_at = {i for i, name in enumerate(self.names) if name in self.json}
            lines = []
            for row in self.rows:
                lines.append(
                    "\t".join(
                        _text(json.dumps(v)) if i in json_at else _text(v)
                        for i, v in enumerate(row)
                    )
                )
            quote = connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in self.fields)
            # The table and column names come from the model and are quoted.
            sql = f"COPY {quote(self.model._meta.db_table)} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.copy(sql) as copy:
                copy.write("\n".join(lines) + "\n")
        else:
            self.model._base_manager.bulk_create(
                [self.model(**dict(zip(self.names, row, strict=True))) for row in self.rows],
                batch_size=BATCH,
            )
        self.made.add(self.model, len(self.rows))
        self.rows = []


class _History:
    """One organization's synthetic history, written in batches."""

    def __init__(
        self, organization: Organization, rng: random.Random, today: date, years: int, made: Made
    ) -> None:
        self.organization, self.rng, self.today, self.made = organization, rng, today, made
        self.start = today - timedelta(days=365 * years)
        # The last day of this week: its schedule is published, later weeks' are not yet.
        self.week_ends = today + timedelta(days=6 - today.weekday())
        self.span = (today - self.start).days
        self.events: list[tuple] = []
        # The participants each past session's roll call listed when it was opened, by
        # session id: its `roll_call.viewed` event lists them, as the page's event does.
        self.roll_call_lists: dict[int, list[int]] = {}
        self.tables = {
            # An alert's id is taken before it is written: its acknowledgement's event names it.
            model: _Table(model, made, with_ids=model is Alert)
            for model in (
                Enrolment,
                Attendance,
                ProgressNote,
                Alert,
                PlanReview,
                ContactConsent,
                FollowUpAnswers,
                Task,
            )
        }
        self.plans = _Table(TreatmentPlan, made, with_ids=True)
        self.session_rows = _Table(Session, made, with_ids=True)
        self.session_staff = _Table(Session.staff.through, made)
        self.discharges = _Table(Discharge, made, with_ids=True)
        self.follow_ups = _Table(FollowUp, made, with_ids=True)
        # Who left care: (discharge id, episode, discharge date), for the follow-ups.
        self.left: list[tuple[int, Episode, date]] = []
        self.programs = [
            create_program(organization, name="Adult IOP", level_of_care=LevelOfCare.IOP),
            create_program(organization, name="Adult PHP", level_of_care=LevelOfCare.PHP),
        ]
        self.made.add(Program, 2)
        self.sites = {
            p.pk: Site.objects.bulk_create(
                [Site(program=p, name=f"{p.name} {n} (synthetic)") for n in ("North", "South")]
            )
            for p in self.programs
        }
        self.made.add(Site, 4)
        self.format_id = NoteFormat.objects.get(program__isnull=True, code="dap").pk

    def _event(
        self,
        when: datetime,
        event_type: str,
        actor: User,
        participant_id: int | None,
        record_type: str = "",
        record_id: Any = "",
        listed: list[int] | None = None,
    ) -> None:
        """An event of the trail; `listed`: the participants it shows together (their pks),
        which may still be filled in until the trail is written."""
        self.events.append(
            (when, event_type, actor, participant_id, record_type, str(record_id), listed)
        )

    # The organization's staff and people -----------------------------------------------

    def _staff(self, caseload_count: int) -> _Staff:
        slug = self.organization.slug
        unusable = make_password(None)
        named = [
            (Role.DIRECTOR, "director"),
            (Role.SUPERVISOR, "supervisor"),
            (Role.AUDITOR, "auditor"),
            (Role.FRONT_DESK, "frontdesk"),
            (Role.INTAKE, "intake"),
        ]
        users = [
            User(username=f"{slug}-{name}", display_name=f"{name.title()} (synthetic)")
            for _, name in named
        ]
        roles = [role for role, _ in named]
        for n in range(max(1, caseload_count)):
            role = Role.THERAPIST if n % 2 == 0 else Role.COUNSELLOR
            users.append(
                User(
                    username=f"{slug}-clinician-{n + 1:04d}",
                    display_name=f"Clinician {n + 1} (synthetic)",
                )
            )
            roles.append(role)
        for user in users:
            user.password = unusable
        users = User.objects.bulk_create(users, batch_size=BATCH)
        Membership.objects.bulk_create(
            [
                Membership(user=u, organization=self.organization, role=r)
                for u, r in zip(users, roles, strict=True)
            ],
            batch_size=BATCH,
        )
        self.made.add(User, len(users))
        self.made.add(Membership, len(users))
        return _Staff(
            director=users[0],
            intake=users[4],
            clinicians=users[5:],
            roles={u.pk: str(r) for u, r in zip(users, roles, strict=True)},
        )

    def people(self, participants: int, in_care: float, numbering: str) -> None:
        rng, today = self.rng, self.today
        staying = round(participants * in_care)
        sizes = caseloads(staying, rng)
        self.staff = self._staff(len(sizes))
        primary = [
            c for c, size in zip(self.staff.clinicians, sizes, strict=False) for _ in range(size)
        ]
        people = []
        for i in range(participants):
            age = int(min(max(rng.gauss(36, 12), 18), 80))
            people.append(
                Participant(
                    organization=self.organization,
                    record_number=f"{numbering}-{i + 1:07d}",
                    legal_first_name=rng.choice(FIRST_NAMES),
                    legal_last_name=rng.choice(LAST_NAMES),
                    date_of_birth=today - timedelta(days=age * 365 + rng.randrange(365)),
                    sex_at_birth=_pick(rng, SEXES),
                    recorded_by=self.staff.intake,
                )
            )
        people = Participant.objects.bulk_create(people, batch_size=BATCH)
        self.made.add(Participant, len(people))
        self.public_ids = {p.pk: str(p.public_id) for p in people}
        demographics = ReportingDemographics.objects.bulk_create(
            [
                ReportingDemographics(
                    participant=p, race=_pick(rng, RACES), ethnicity=_pick(rng, ETHNICITIES)
                )
                for p in people
            ],
            batch_size=BATCH,
        )
        self.made.add(ReportingDemographics, len(demographics))
        episodes, endings = [], []
        for i, person in enumerate(people):
            program = self.programs[0] if rng.random() < 0.7 else self.programs[1]
            episode, ending = self._episode(person, program, primary[i] if i < staying else None)
            episodes.append(episode)
            endings.append(ending)
        self.episodes = Episode.objects.bulk_create(episodes, batch_size=BATCH)
        # How and when each past stay ended, by episode id.
        self.endings = {
            e.pk: ending
            for e, ending in zip(self.episodes, endings, strict=True)
            if ending is not None
        }
        self.made.add(Episode, len(self.episodes))
        self.people_by_id = {p.pk: p for p in people}
        team = [primary_place(e, e.admitted_on) for e in self.episodes if e.admitted_on is not None]
        CareTeamMember.objects.bulk_create(team, batch_size=BATCH)
        self.made.add(CareTeamMember, len(team))

    def _episode(
        self, person: Participant, program: Program, clinician: User | None
    ) -> tuple[Episode, tuple[DischargeType, date] | None]:
        """Someone in care with `clinician` as primary; else a past stay (with how and when
        it ended) or a referral."""
        rng, today = self.rng, self.today
        site = rng.choice(self.sites[program.pk])
        stay = max(3, min(int(rng.lognormvariate(4.0, 0.6)), 360))
        wait = int(rng.expovariate(1 / 9))
        if clinician is not None:
            admitted = today - timedelta(days=rng.randrange(max(1, min(stay, self.span - wait))))
            status, discharged = EpisodeStatus.ACTIVE, None
        elif rng.random() < 0.2:
            referred = self.start + timedelta(days=rng.randrange(self.span))
            declined = referred < today - timedelta(days=30)
            episode = Episode(
                participant=person,
                program=program,
                site=site,
                status=EpisodeStatus.DECLINED if declined else EpisodeStatus.REFERRED,
                referred_on=referred,
                level_of_care=program.level_of_care,
                status_reason=SYNTHETIC if declined else "",
            )
            return episode, None
        else:
            clinician = rng.choice(self.staff.clinicians)
            latest = max(1, self.span - stay - wait - 1)
            admitted = self.start + timedelta(days=wait + rng.randrange(latest))
            discharged = min(admitted + timedelta(days=stay), today - timedelta(days=1))
            kind = _pick(rng, DISCHARGES)
            status = (
                EpisodeStatus.TRANSFERRED_OUT
                if kind in TRANSFER_TYPES
                else EpisodeStatus.DISCHARGED
            )
        episode = Episode(
            participant=person,
            program=program,
            site=site,
            status=status,
            referred_on=admitted - timedelta(days=wait),
            admitted_on=admitted,
            discharged_on=discharged,
            level_of_care=program.level_of_care,
            primary_clinician=clinician,
            status_reason=SYNTHETIC if discharged else "",
        )
        return episode, None if discharged is None else (kind, discharged)

    # History ---------------------------------------------------------------------------

    def _groups(self) -> None:
        """Each program's tracks, and as many groups of each track as the people on it need
        (`cohorts`): everyone admitted goes to one track and stays in one group of it, which
        meets on each of the track's days. Groups whose people have all left are retired."""
        rng = random.Random(self.rng.random())
        # The clinicians lead the groups and anyone the access policy lets facilitate
        # sessions covers one now and then (a small organization has one or two clinicians).
        eligible = may_facilitate(self.organization.pk)
        allowed = set(eligible)
        pool = [c.pk for c in self.staff.clinicians if c.pk in allowed] or eligible
        self.leads = Leads(random.Random(self.rng.random()), pool, eligible)
        self.staff_by_id = User.objects.in_bulk(eligible)
        on_track: dict[tuple[int, int], list[Episode]] = {}
        for episode in self.episodes:
            if episode.admitted_on is None or episode.primary_clinician_id is None:
                continue
            tracks = TRACKS[episode.program.level_of_care]
            on_track.setdefault((episode.program_id, rng.randrange(len(tracks))), []).append(
                episode
            )
        self.groups_of: dict[int, list[Group]] = {}
        for program in self.programs:
            tracks = TRACKS[program.level_of_care]
            split = [
                cohorts(
                    [
                        (e.admitted_on, e.discharged_on or self.week_ends)  # type: ignore[misc]
                        for e in on_track.get((program.pk, index), [])
                    ],
                    rng,
                )
                for index in range(len(tracks))
            ]
            # An in-person track's groups meet at one time, so those running together each
            # need a room; the tracks meet at different times (or days) and share the rooms.
            placed = [
                rooms_for(spans) if mode == SessionMode.IN_PERSON else []
                for (_, _, _, _, mode), (_, spans) in zip(tracks, split, strict=True)
            ]
            rooms = self._rooms(program, max((max(p, default=-1) + 1 for p in placed), default=0))
            for index, (name, days, starts, minutes, mode) in enumerate(tracks):
                track = Track.objects.create(program=program, name=name)
                self.made.add(Track, 1)
                episodes = on_track.get((program.pk, index), [])
                group_of, spans = split[index]
                made = Group.objects.bulk_create(
                    [
                        Group(
                            program=program,
                            track=track,
                            title=f"{name} group {n + 1}",
                            weekday=day,
                            start_time=starts,
                            minutes=minutes,
                            mode=mode,
                            room=rooms[placed[index][n]] if placed[index] else None,
                            capacity=CAPACITY,
                            is_active=last >= self.today,
                        )
                        for n, (_, last) in enumerate(spans)
                        for day in days
                    ],
                    batch_size=BATCH,
                )
                self.made.add(Group, len(made))
                named = [
                    Group.facilitators.through(
                        group_id=group.pk,
                        user_id=self.leads.add(group.pk, *spans[n // len(days)]),
                    )
                    for n, group in enumerate(made)
                ]
                Group.facilitators.through.objects.bulk_create(named, batch_size=BATCH)
                self.made.add(Group.facilitators.through, len(named))
                for episode, n in zip(episodes, group_of, strict=True):
                    self.groups_of[episode.pk] = made[n * len(days) : (n + 1) * len(days)]
        self.sessions: dict[tuple[int, date], tuple[int, int, datetime, int]] = {}

    def _rooms(self, program: Program, needed: int) -> list[Room]:
        """The program's rooms, spread over its two sites as the demo keeps them (a room of a
        site, seating at least a whole group): as many as its in-person groups meeting at
        once need, and never fewer than the demo's two a site."""
        sites = self.sites[program.pk]
        rooms = Room.objects.bulk_create(
            [
                Room(
                    site=sites[n % len(sites)],
                    name=f"Room {100 * (n % len(sites) + 1) + n // len(sites) + 1}",
                    capacity=ROOM_SEATS[n % len(ROOM_SEATS)],
                )
                for n in range(max(needed, ROOMS_PER_SITE * len(sites)))
            ]
        )
        self.made.add(Room, len(rooms))
        return rooms

    def _session(self, group: Group, day: date) -> tuple[int, int, datetime, int]:
        """The group's session on `day` (id, minutes, end, who led it), written the first
        time someone is expected at it with who leads it (`Leads`), and once the day has
        passed with the audit events of its roll call, which that facilitator took."""
        key = (group.pk, day)
        found = self.sessions.get(key)
        if found is not None:
            return found
        tz = group.program.tz
        begins = datetime.combine(day, group.start_time, tz)
        ends = begins + timedelta(minutes=group.minutes)
        public_id = uuid.uuid4()
        leader = self.leads.led(group.pk, day)
        session = self.sessions[key] = (self.session_rows.next_id(), group.minutes, ends, leader)
        self.session_rows.add(
            id=session[0],
            public_id=public_id,
            program_id=group.program_id,
            group_id=group.pk,
            kind=Session.Kind.GROUP,
            title=group.title,
            date=day,
            starts_at=begins,
            ends_at=ends,
            minutes=group.minutes,
            mode=group.mode,
            room_id=group.room_id,
            capacity=group.capacity,
        )
        self.session_staff.add(session_id=session[0], user_id=leader)
        if day < self.today:
            taker = self.staff_by_id[leader]
            listed = self.roll_call_lists[session[0]] = []
            self._event(
                ends - timedelta(minutes=5),
                "roll_call.viewed",
                taker,
                None,
                "scheduling.Session",
                public_id,
                listed=listed,
            )
            self._event(ends, "roll_call.taken", taker, None, "scheduling.Session", public_id)
        return session

    def history(self) -> None:
        self._groups()
        pool = assessment_history._Pool(random.Random(self.rng.random()))
        self.answers = assessment_history._Writer()
        self.signed: list[tuple[int, Episode, User, datetime]] = []
        for episode in self.episodes:
            self._one(episode, pool)
            if len(self.answers.rows) >= FLUSH:
                self._write_answers()
        self._write_answers()
        self._reviews()
        self._after_care()
        for table in (
            self.session_rows,
            self.session_staff,
            self.plans,
            self.discharges,
            self.follow_ups,
        ):
            table.write()
        for table in self.tables.values():
            table.write()
        self._group_notes()

    def _group_notes(self) -> None:
        """Each past session's group note, signed by the one who led it, as the demo's past
        has them (`synthetic.past_group_notes`, after the roll calls are written), except
        those its lead signs later: their sessions wait on the notes board, a few past due.
        Copied in with the other large tables, with the events signing writes: the group
        note's, listing its members, each member's note's and each co-signature's."""
        led = {session_id: leader for session_id, _, _, leader in self.sessions.values()}
        rng = random.Random(self.rng.random())
        staff = User.objects.in_bulk(self.staff.roles)
        notes = _Table(GroupNote, self.made, with_ids=True)
        members = _Table(ProgressNote, self.made, with_ids=True)
        absences, cosignatures = _Table(AbsenceEntry, self.made), _Table(CoSignature, self.made)
        for program in self.programs:
            sessions = list(
                Session.objects.filter(program=program, date__lt=self.today).only(
                    "group_id", "date", "starts_at", "ends_at", "mode"
                )
            )
            for past in past_group_notes(
                program, sessions, led, rng, today=self.today, tz=program.tz, leave_late=True
            ):
                note_id, public_id = notes.next_id(), uuid.uuid4()
                notes.add(id=note_id, public_id=public_id, **past.note)
                by, signed = staff[past.note["signed_by_id"]], past.note["signed_at"]
                listed = []
                for fields, cosigned in past.members:
                    member_id, member_public_id = members.next_id(), uuid.uuid4()
                    members.add(
                        id=member_id, public_id=member_public_id, group_note_id=note_id, **fields
                    )
                    participant_id = fields["participant_id"]
                    listed.append(participant_id)
                    self._event(
                        signed,
                        "note.signed",
                        by,
                        participant_id,
                        "notes.ProgressNote",
                        member_public_id,
                    )
                    if cosigned is not None:
                        cosignatures.add(note_id=member_id, **cosigned)
                        self._event(
                            cosigned["recorded_at"],
                            "note.cosigned",
                            staff[cosigned["recorded_by_id"]],
                            participant_id,
                            "notes.ProgressNote",
                            member_public_id,
                        )
                for fields in past.absences:
                    absences.add(group_note_id=note_id, **fields)
                self._event(
                    signed,
                    "group_note.signed",
                    by,
                    None,
                    "notes.GroupNote",
                    public_id,
                    listed=listed,
                )
        for table in (notes, members, absences, cosignatures):
            table.write()
        session_notes.rebuild(Session.objects.filter(program__in=self.programs))

    def _reviews(self) -> None:
        """A scheduled review of each signed plan at every interval while in care."""
        ids = self.plans.reserve(len(self.signed))
        reviews = self.tables[PlanReview]
        for plan_id, (episode_id, episode, clinician, signed) in zip(ids, self.signed, strict=True):
            public_id = uuid.uuid4()
            self.plans.add(
                id=plan_id,
                public_id=public_id,
                participant_id=episode.participant_id,
                episode_id=episode_id,
                recorded_by_id=clinician.pk,
                recorded_at=signed - timedelta(hours=2),
                signed_by_id=clinician.pk,
                signed_at=signed,
            )
            self._event(
                signed,
                "record.create",
                clinician,
                episode.participant_id,
                "plans.TreatmentPlan",
                public_id,
            )
            every = timedelta(days=episode.program.plan_review_interval_days)
            day = signed.date() + every
            end = episode.discharged_on or self.today
            while day <= end:
                at = datetime.combine(day, time(15, 0), episode.program.tz)
                public_id = uuid.uuid4()
                reviews.add(
                    public_id=public_id,
                    plan_id=plan_id,
                    reason=ReviewReason.SCHEDULED,
                    reviewed_on=day,
                    note=f"Reviewed with the participant; plan unchanged. {SYNTHETIC}",
                    recorded_by_id=clinician.pk,
                    recorded_at=at,
                )
                self._event(
                    at,
                    "record.create",
                    clinician,
                    episode.participant_id,
                    "plans.PlanReview",
                    public_id,
                )
                day += every

    def _write_answers(self) -> None:
        self.answers.write()
        self.made.add(Administration, len(self.answers.rows))
        self.answers.rows = []

    def _one(self, episode: Episode, pool: Any) -> None:
        rng, today = self.rng, self.today
        program = episode.program
        tz = program.tz
        intake = self.staff.intake
        at = datetime.combine(episode.referred_on, time(9, rng.randrange(60)), tz)
        self._event(
            at,
            "participant.referred",
            intake,
            episode.participant_id,
            "participants.Episode",
            episode.public_id,
        )
        if episode.status == EpisodeStatus.REFERRED:
            return
        person = self.people_by_id[episode.participant_id]
        plan = assessment_history._plan(
            rng,
            program,
            today,
            {
                "referred_on": episode.referred_on,
                "admitted_on": episode.admitted_on,
                "discharged_on": episode.discharged_on,
                "primary_clinician_id": episode.primary_clinician_id,
            },
            intake.pk,
        )
        sex = assessment_history._sex(person.sex_at_birth)
        row = {"pk": episode.pk, "participant_id": episode.participant_id}
        clinician = episode.primary_clinician
        for code, level, when, mode, by in plan:
            scored = pool.pick(rng, code, level, sex)
            self.answers.add(rng, row, scored, when, mode, by)
            actor = intake if by == intake.pk or clinician is None else clinician
            self._event(when, "assessment.recorded", actor, episode.participant_id)
        # Every admitted episode has its primary clinician (`_episode`); a referral stops here.
        admitted = episode.admitted_on
        if admitted is None or clinician is None:
            return
        last = episode.discharged_on or today
        admitted_at = datetime.combine(admitted, time(10, 0), tz)
        self._event(
            admitted_at,
            "episode.status_changed",
            intake,
            episode.participant_id,
            "participants.Episode",
            episode.public_id,
        )
        self._attendance(episode, admitted, last)
        self._notes(episode, clinician, admitted, last)
        signed = admitted_at + timedelta(days=rng.randint(3, 7))
        if signed.date() <= last:
            self.signed.append((episode.pk, episode, clinician, signed))
        self._alerts(episode, clinician, admitted, last)
        self._tasks(episode, clinician, admitted, last)
        ending = self.endings.get(episode.pk)
        if ending is not None:
            kind, discharged_on = ending
            at = datetime.combine(discharged_on, time(16, 0), tz)
            public_id = uuid.uuid4()
            discharge_id = self.discharges.next_id()
            self.left.append((discharge_id, episode, discharged_on))
            self.discharges.add(
                id=discharge_id,
                public_id=public_id,
                participant_id=episode.participant_id,
                episode_id=episode.pk,
                type=kind,
                teds_reason=TEDS_REASON_OF[kind],
                discharged_on=discharged_on,
                decided_by_id=clinician.pk,
                reason=f"Discharge recorded for the synthetic history. {SYNTHETIC}",
                level_of_care=episode.level_of_care,
                recorded_by_id=clinician.pk,
                recorded_at=at,
            )
            self._event(
                at,
                "discharge.recorded",
                clinician,
                episode.participant_id,
                "discharge.Discharge",
                public_id,
            )

    def _attendance(self, episode: Episode, admitted: date, last: date) -> None:
        """Expected at each of the group's sessions while in care (for those in care, to the
        end of this week); attended or not, by a weekly adherence around the person's own
        (today's and later sessions are not taken yet)."""
        rng = self.rng
        enrolments, roll_calls = self.tables[Enrolment], self.tables[Attendance]
        groups = self.groups_of[episode.pk]
        adherence = rng.betavariate(5, 2)
        # Someone in care is expected at the rest of this week's sessions too.
        until = self.week_ends if episode.discharged_on is None else last
        for monday in _weeks(admitted, until):
            week = min(1.0, max(0.0, rng.gauss(adherence, 0.15)))
            for group in groups:
                day = monday + timedelta(days=group.weekday)
                if not admitted <= day <= until:
                    continue
                session_id, minutes, ends_at, led_by = self._session(group, day)
                enrolments.add(
                    session_id=session_id,
                    participant_id=episode.participant_id,
                    episode_id=episode.pk,
                )
                if day >= self.today:
                    continue
                self.roll_call_lists[session_id].append(episode.participant_id)
                came = rng.random() < week
                partial = came and rng.random() < 0.1
                roll_calls.add(
                    session_id=session_id,
                    participant_id=episode.participant_id,
                    episode_id=episode.pk,
                    status=(
                        AttendanceStatus.LATE
                        if partial
                        else AttendanceStatus.PRESENT
                        if came
                        else AttendanceStatus.UNEXCUSED
                    ),
                    minutes=(minutes - 45 if partial else minutes if came else 0),
                    recorded_by_id=led_by,
                    recorded_at=ends_at,
                )

    def _notes(self, episode: Episode, clinician: User, admitted: date, last: date) -> None:
        """A weekly individual note by the primary clinician; this week's may be a draft."""
        rng, tz = self.rng, episode.program.tz
        notes = self.tables[ProgressNote]
        day = admitted + timedelta(days=rng.randint(1, 5))
        while day < last:
            start = datetime.combine(day, time(rng.randint(9, 16), 0), tz)
            ago = (self.today - day).days
            draft = episode.discharged_on is None and (
                ago < 3 or (ago < 14 and rng.random() < LATE_DRAFTS)
            )
            public_id = uuid.uuid4()
            notes.add(
                public_id=public_id,
                participant_id=episode.participant_id,
                organization_id=self.organization.pk,
                episode_id=episode.pk,
                kind=NoteKind.INDIVIDUAL,
                format_id=self.format_id,
                sections={
                    "Data": f"Attended the individual session. {SYNTHETIC}",
                    "Assessment": "Engaged; working on the plan's goals.",
                    "Plan": "Continue the current plan; next session in a week.",
                },
                service_date=day,
                start_time=start.time(),
                end_time=(start + timedelta(minutes=50)).time(),
                minutes=50,
                no_objective_reason="Synthetic history",
                due_at=start + timedelta(hours=25),
                recorded_by_id=clinician.pk,
                recorded_at=start + timedelta(hours=2),
                signed_by_id=None if draft else clinician.pk,
                signed_at=None if draft else start + timedelta(hours=3),
            )
            self._event(
                start - timedelta(minutes=10), "chart.viewed", clinician, episode.participant_id
            )
            if not draft:
                self._event(
                    start + timedelta(hours=3),
                    "note.signed",
                    clinician,
                    episode.participant_id,
                    "notes.ProgressNote",
                    public_id,
                )
            day += timedelta(days=7)

    def _alerts(self, episode: Episode, clinician: User, admitted: date, last: date) -> None:
        """The stay's alerts, each one closed with its `alert.acknowledged` event by the
        primary clinician who acknowledged it, as closing one writes."""
        alerts = self.tables[Alert]
        for fields in stay_alerts(self.rng, episode, admitted, last, episode.program.tz):
            alert_id = alerts.next_id()
            alerts.add(
                id=alert_id,
                participant_id=episode.participant_id,
                episode_id=episode.pk,
                recorded_by_id=episode.primary_clinician_id,
                **fields,
            )
            if fields["acknowledged_by_id"] is not None:
                self._event(
                    fields["acknowledged_at"],
                    "alert.acknowledged",
                    clinician,
                    episode.participant_id,
                    "monitoring.Alert",
                    alert_id,
                )

    def _tasks(self, episode: Episode, clinician: User, admitted: date, last: date) -> None:
        """Tasks about the person for the primary clinician: done ones while they were in
        care, and for about one in four of those in care today one still open (some past
        due). Discharge closes a stay's open tasks, so a past stay has none."""
        rng, tz = self.rng, episode.program.tz
        tasks = self.tables[Task]
        stay = (last - admitted).days
        in_care = episode.discharged_on is None
        if rng.random() < PAST_TASKS and stay > 7:
            opened = admitted + timedelta(days=rng.randrange(stay - 7))
            closed = datetime.combine(opened + timedelta(days=rng.randint(1, 7)), time(15), tz)
            tasks.add(
                organization_id=self.organization.pk,
                participant_id=episode.participant_id,
                title=rng.choice(TASK_TITLES),
                owner_id=clinician.pk,
                due_on=opened + timedelta(days=7),
                status=TaskStatus.DONE,
                created_by_id=clinician.pk,
                closed_by_id=clinician.pk,
                closed_at=closed,
            )
        if in_care and rng.random() < OPEN_TASKS:
            tasks.add(
                organization_id=self.organization.pk,
                participant_id=episode.participant_id,
                title=rng.choice(TASK_TITLES),
                owner_id=clinician.pk,
                due_on=self.today + timedelta(days=rng.randint(-14, 14)),
                status=TaskStatus.OPEN,
                created_by_id=clinician.pk,
            )

    def _after_care(self) -> None:
        """Each discharge's contact consent and follow-ups at the default days, where the
        program's jobs and staff would have them today (`synthetic_care.follow_up_state`):
        recent discharges have questionnaires out, calls waiting (some overdue) and later
        contacts scheduled; older ones are answered, reached or not reached."""
        rng, today = self.rng, self.today
        who5 = synthetic_care.who5_sets(rng)
        consents, answers = self.tables[ContactConsent], self.tables[FollowUpAnswers]
        channels = synthetic_care.CHANNELS
        for discharge_id, episode, discharged_on in self.left:
            tz = episode.program.tz
            clinician = episode.primary_clinician
            consented = rng.random() < 0.8
            channel = rng.choice(channels) if consented else ""
            consents.add(
                discharge_id=discharge_id,
                participant_id=episode.participant_id,
                consented=consented,
                channel=channel,
            )
            for day in DEFAULT_FOLLOW_UP_DAYS:
                due_on = discharged_on + timedelta(days=day)
                state = synthetic_care.follow_up_state(
                    due_on, today=today, consented=consented, channel=channel, rng=rng, tz=tz
                )
                follow_up_id, public_id = self.follow_ups.next_id(), uuid.uuid4()
                called = state.called_at is not None
                self.follow_ups.add(
                    id=follow_up_id,
                    public_id=public_id,
                    discharge_id=discharge_id,
                    participant_id=episode.participant_id,
                    organization_id=self.organization.pk,
                    day=day,
                    due_on=due_on,
                    status=state.status,
                    sent_at=state.sent_at,
                    answered_at=state.answered_at,
                    called_at=state.called_at,
                    called_by_id=clinician.pk if called and clinician else None,
                    call_note=(
                        "Answered on a call."
                        if state.on_call
                        else f"Called from the call list. {SYNTHETIC}"
                        if called
                        else ""
                    ),
                )
                if state.answered_at is not None:
                    by = clinician if state.on_call else None
                    answers.add(
                        follow_up_id=follow_up_id,
                        participant_id=episode.participant_id,
                        recorded_by_id=by.pk if by else None,
                        recorded_at=state.answered_at,
                        **synthetic_care.follow_up_answers(rng, day, who5),
                    )
                    if by is not None:
                        self._event(
                            state.answered_at,
                            "follow_up.answered",
                            by,
                            episode.participant_id,
                            "discharge.FollowUp",
                            public_id,
                        )
                elif called and clinician is not None:
                    self._event(
                        state.called_at,  # type: ignore[arg-type]
                        "follow_up.called",
                        clinician,
                        episode.participant_id,
                        "discharge.FollowUp",
                        public_id,
                    )

    # Derived stores and the audit trail -------------------------------------------------

    def billing(self) -> None:
        """The organization's payers, the admitted people's coverage and Part 2 TPO consents
        naming their payer, and each Medicare stay in care's certification (in force, lapsed
        or none), as billing and consent write them: the service days decide lines that are
        ready or held for a real reason, and the worklist's certification job finds work."""
        rng = random.Random(self.rng.random())
        payers = Payer.objects.bulk_create(
            [
                Payer(organization=self.organization, name=name, per_diem_code=code, medicare=m)
                for name, code, m, _ in PAYERS
            ]
        )
        self.made.add(Payer, len(payers))
        coverages = _Table(Coverage, self.made)
        consents = _Table(Consent, self.made, with_ids=True)
        named = _Table(ConsentPayer, self.made)
        certifications = _Table(IopCertification, self.made)
        for episode in self.episodes:
            admitted = episode.admitted_on
            if admitted is None:
                continue
            draw, at = rng.random(), 0.0
            payer = None
            for candidate, (*_, share) in zip(payers, PAYERS, strict=True):
                at += share
                if draw < at:
                    payer = candidate
                    break
            if payer is None:
                continue
            by = episode.primary_clinician or self.staff.director
            recorded = datetime.combine(admitted, time(11, 0), UTC)
            coverage_id = uuid.uuid4()
            coverages.add(
                public_id=coverage_id,
                participant_id=episode.participant_id,
                payer_id=payer.pk,
                member_id=f"SYN{rng.randrange(10**8):08d}",
                starts_on=admitted - timedelta(days=rng.randrange(0, 400)),
                ends_on=episode.discharged_on,
                recorded_by_id=self.staff.director.pk,
                recorded_at=recorded,
            )
            self._event(
                recorded,
                "billing.coverage_added",
                self.staff.director,
                episode.participant_id,
                "billing.Coverage",
                coverage_id,
            )
            if rng.random() < TPO_CONSENTED:
                consent_id, consent_public = consents.next_id(), uuid.uuid4()
                consents.add(
                    id=consent_id,
                    public_id=consent_public,
                    participant_id=episode.participant_id,
                    episode_id=episode.pk,
                    kind=ConsentKind.PART2,
                    discloser=episode.program.name,
                    information=CONSENT_INFORMATION,
                    parts=CONSENT_PARTS,
                    tpo=True,
                    recipients=TPO_RECIPIENTS,
                    recipients_hipaa=True,
                    purpose=TPO_PURPOSE,
                    expiry=Expiry.NONE,
                    signed_on=admitted,
                    recorded_by_id=by.pk,
                    recorded_at=recorded,
                )
                named.add(consent_id=consent_id, payer_id=payer.pk)
                self._event(
                    recorded,
                    "consent.recorded",
                    by,
                    episode.participant_id,
                    "consent.Consent",
                    consent_public,
                )
            if payer.medicare and episode.discharged_on is None:
                self._certify(episode, rng, certifications)
        for table in (coverages, consents, named, certifications):
            table.write()

    def _certify(self, episode: Episode, rng: random.Random, table: _Table) -> None:
        """A Medicare stay in care's certification: in force today, lapsed (its last one
        ended before today), or none recorded yet."""
        draw = rng.random()
        if draw >= CERTIFIED_IN_FORCE + CERTIFICATION_LAPSED:
            return
        admitted = cast(date, episode.admitted_on)
        if draw < CERTIFIED_IN_FORCE:
            # The latest certification is at most two months old, so it is in force today.
            earliest = max(admitted, self.today - timedelta(days=55))
        else:
            earliest = admitted
        latest = self.today if draw < CERTIFIED_IN_FORCE else self.today - timedelta(days=95)
        if latest < earliest:
            return
        certified_on = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
        if draw >= CERTIFIED_IN_FORCE and certified_until(certified_on) >= self.today:
            return
        physician = episode.primary_clinician or self.staff.director
        recorded = datetime.combine(certified_on, time(14, 0), UTC)
        public = uuid.uuid4()
        table.add(
            public_id=public,
            participant_id=episode.participant_id,
            episode_id=episode.pk,
            physician_id=physician.pk,
            certified_on=certified_on,
            needs_nine_hours=True,
            recorded_by_id=physician.pk,
            recorded_at=recorded,
        )
        self._event(
            recorded,
            "billing.certification_added",
            physician,
            episode.participant_id,
            "billing.IopCertification",
            public,
        )

    def derived(self) -> None:
        """Rebuild the stores the services keep current, once, with their own functions.

        On PostgreSQL the tables are analysed first: the planner otherwise plans the rebuilds
        for the empty tables it last saw and takes hours over what needs seconds."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        mine = Episode.objects.filter(program__in=self.programs)
        self.made.add(WeeklyMinutes, weekly.rebuild(mine))
        self.made.add(NextDue, sum(next_due.refresh_program(p.pk) for p in self.programs))
        self.made.add(FirstDue, FirstDue.objects.filter(program__in=self.programs).count())
        admitted = [e.pk for e in self.episodes if e.admitted_on is not None]
        keep_review_schedule(admitted)  # keeps rows for the episodes still in care only
        self.made.add(
            ReviewSchedule,
            ReviewSchedule.objects.filter(episode__program__in=self.programs).count(),
        )

    def audit_trail(self) -> None:
        """The organization's chain, in time order, linked as `record_events` links it, with
        a row for each participant an event lists, as `record_event(listed=…)` writes them."""
        key = chain_key()
        roles = self.staff.roles
        table = _Table(AuditEvent, self.made, with_ids=True)
        links = _Table(ListedParticipant, self.made)
        ids = iter(table.reserve(len(self.events)))
        actions: dict[str, str] = {}
        seq, prev = 0, GENESIS
        self.events.sort(key=lambda e: e[0])
        for when, event_type, actor, participant_id, record_type, record_id, listed in self.events:
            if event_type not in actions:
                actions[event_type] = str(event_types.get(event_type).action)
            seq += 1
            details: dict[str, Any] = {"synthetic": True}
            people = sorted(set(listed or ()))
            if people:
                details["participants"] = sorted(self.public_ids[pk] for pk in people)
            event = SimpleNamespace(
                id=next(ids),
                organization_id=self.organization.pk,
                seq=seq,
                occurred_at=when.astimezone(UTC),
                event_type=event_type,
                actor_id=actor.pk,
                actor_label=actor.username,
                role=roles[actor.pk],
                action=actions[event_type],
                outcome=str(Outcome.ALLOWED),
                participant_id=participant_id,
                record_type=record_type,
                record_id=record_id,
                client_address=None,
                break_glass_id=None,
                reason="",
                details=details,
                prev_hash=prev,
            )
            event.hash = prev = link(event, prev, key)
            table.add(**vars(event))
            for pk in people:
                links.add(event_id=event.id, participant_id=pk)
        table.write()
        links.write()
        ChainHead.objects.update_or_create(
            organization=self.organization, defaults={"seq": seq, "hash": prev}
        )
        self.made.add(ChainHead, 1)
        self.events = []
