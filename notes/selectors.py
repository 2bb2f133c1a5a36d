"""Reads shared by the chart tab, the note page, the group-note screen, the notes-due lists
and the API, each with a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import (
    DateTimeField,
    Exists,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from attendance.models import ABSENT_STATUSES, Attendance
from notes.models import (
    DEFAULT_DUE_HOURS,
    AbsenceEntry,
    CoSignature,
    Curriculum,
    CurriculumModule,
    GroupCurriculum,
    GroupNote,
    ProgressNote,
)
from participants.access import capability_decision, organizations_of
from participants.models import Participant
from plans.models import Objective
from scheduling.models import Enrolment, Session
from tandem.statements import model_rows

# How far back the author's list looks for sessions still without a note.
LOOKBACK_DAYS = 14


def _note_rows(qs: QuerySet[ProgressNote]) -> QuerySet[ProgressNote]:
    return qs.select_related(
        "format",
        "recorded_by",
        "signed_by",
        "session",
        "group_note",
        "group_note__module",
        "group_note__module__curriculum",
        "cosignature",
        "cosignature__recorded_by",
        "supersedes",
    ).prefetch_related("addressed__objective")


def chart_notes(participant: Participant) -> list[ProgressNote]:
    """The notes in force in a participant's chart, newest first (group notes carry their
    shared narrative through `group_note`; never another member's section)."""
    return list(
        _note_rows(ProgressNote.objects.current().filter(participant=participant)).order_by(
            "-service_date", "-start_time", "-pk"
        )
    )


def note_by_public_id(participant: Participant, note_id) -> ProgressNote | None:
    return _note_rows(
        ProgressNote.objects.filter(participant=participant, public_id=note_id)
    ).first()


def note_history(note: ProgressNote) -> list[ProgressNote]:
    """The versions before this one (the note a late entry was added to, and so on)."""
    older, node = [], note
    while node.supersedes_id is not None:
        node = _note_rows(ProgressNote.objects.filter(pk=node.supersedes_id)).get()
        older.append(node)
    return older


def session_by_public_id(session_id) -> Session | None:
    return (
        Session.objects.select_related("program", "program__organization", "group")
        .filter(public_id=session_id)
        .first()
    )


@dataclass
class RosterRow:
    """One member on the group-note screen: enrolment, roll call, and their section."""

    enrolment: Enrolment
    attendance: Attendance | None
    note: ProgressNote | None
    absence: AbsenceEntry | None
    # What the screen's form shows for the member: saved, or as posted back with an error.
    f_objectives: list[tuple[Objective, bool]] = field(default_factory=list)
    f_status: str = ""
    f_minutes: str = ""
    f_text: str = ""
    f_reason: str = ""

    @property
    def participant(self) -> Participant:
        return self.enrolment.participant

    @property
    def absent(self) -> bool:
        return self.attendance is not None and self.attendance.status in ABSENT_STATUSES

    @property
    def text(self) -> str:
        if self.note is not None:
            return self.note.text
        return self.absence.text if self.absence is not None else ""


def group_roster(session: Session, group_note: GroupNote | None) -> list[RosterRow]:
    """Everyone on the session, by last name, with roll call and section (four queries)."""
    enrolments = list(
        session.enrolments.select_related("participant", "episode").order_by(
            "participant__legal_last_name", "participant__legal_first_name", "pk"
        )
    )
    recorded = {a.participant_id: a for a in Attendance.objects.filter(session=session)}
    notes: dict[int, ProgressNote] = {}
    absences: dict[int, AbsenceEntry] = {}
    if group_note is not None:
        notes = {
            n.participant_id: n
            for n in ProgressNote.objects.filter(
                group_note=group_note, entered_in_error_at__isnull=True
            ).prefetch_related("addressed")
        }
        absences = {a.participant_id: a for a in AbsenceEntry.objects.filter(group_note=group_note)}
    return [
        RosterRow(
            e,
            recorded.get(e.participant_id),
            notes.get(e.participant_id),
            absences.get(e.participant_id),
        )
        for e in enrolments
    ]


def modules_for(session: Session) -> list[CurriculumModule]:
    """The modules of the curriculum the session's group runs (all curricula if none)."""
    link = (
        GroupCurriculum.objects.filter(group_id=session.group_id).first()
        if session.group_id
        else None
    )
    modules = CurriculumModule.objects.select_related("curriculum")
    if link is not None:
        return list(modules.filter(curriculum_id=link.curriculum_id))
    return list(
        modules.filter(Q(curriculum__program__isnull=True) | Q(curriculum__program=session.program))
    )


def next_module(session: Session, modules: list[CurriculumModule]) -> CurriculumModule | None:
    """The module after the one this group ran last (the cycle starts again after the end)."""
    if not modules or not session.group_id:
        return modules[0] if modules else None
    last = (
        GroupNote.objects.filter(
            session__group_id=session.group_id,
            session__date__lt=session.date,
            module__isnull=False,
            entered_in_error_at__isnull=True,
        )
        .order_by("-session__date")
        .values_list("module_id", flat=True)
        .first()
    )
    ids = [m.pk for m in modules]
    if last not in ids:
        return modules[0]
    return modules[(ids.index(last) + 1) % len(modules)]


@dataclass
class ModuleLine:
    module: CurriculumModule
    completed_on: object = None
    missed_on: object = None
    make_up: Session | None = None


@dataclass
class CurriculumProgress:
    curriculum: Curriculum
    lines: list[ModuleLine] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(1 for line in self.lines if line.completed_on)

    @property
    def missed(self) -> list[ModuleLine]:
        return [line for line in self.lines if line.missed_on and not line.completed_on]


def curriculum_progress(participant: Participant) -> list[CurriculumProgress]:
    """Per curriculum: the modules the participant completed (attended with a signed note)
    and those run while they were absent and not made up since (three queries)."""
    done = (
        ProgressNote.objects.current()
        .filter(participant=participant, group_note__module__isnull=False, signed_at__isnull=False)
        .values_list("group_note__module_id", "service_date")
    )
    completed: dict[int, object] = {}
    for module_id, day in done:
        completed.setdefault(module_id, day)
    missed_rows = AbsenceEntry.objects.filter(
        participant=participant,
        group_note__module__isnull=False,
        group_note__signed_at__isnull=False,
        group_note__entered_in_error_at__isnull=True,
    ).values_list("group_note__module_id", "group_note__session__date")
    missed: dict[int, object] = {}
    for module_id, day in missed_rows:
        missed.setdefault(module_id, day)
    touched = set(completed) | set(missed)
    if not touched:
        return []
    modules = (
        CurriculumModule.objects.select_related("curriculum")
        .filter(curriculum__modules__pk__in=touched)
        .distinct()
        .order_by("curriculum__name", "curriculum_id", "number")
    )
    progress: dict[int, CurriculumProgress] = {}
    for module in modules:
        entry = progress.setdefault(module.curriculum_id, CurriculumProgress(module.curriculum))
        entry.lines.append(ModuleLine(module, completed.get(module.pk), missed.get(module.pk)))
    return list(progress.values())


# How far ahead the make-up offer looks for a session running a missed module.
MAKE_UP_HORIZON_DAYS = 60


def attach_make_ups(
    participant: Participant, progress: list[CurriculumProgress], *, now: datetime
) -> None:
    """For each missed module, the first upcoming session expected to run it: the groups of
    the participant's organization that run its curriculum take its modules in turn from the
    last one they documented, one per scheduled session (three queries, none when nothing
    was missed). A line with no such session keeps `make_up` None: the make-up page offers
    what is left this week instead."""
    missed = [line for c in progress for line in c.missed]
    if not missed:
        return
    curricula = {line.module.curriculum_id for line in missed}
    links = list(
        GroupCurriculum.objects.filter(
            curriculum_id__in=curricula,
            group__program__organization_id=participant.organization_id,
            group__is_active=True,
        ).values_list("group_id", "curriculum_id")
    )
    if not links:
        return
    order: dict[int, list[int]] = {}
    for module_id, curriculum_id in (
        CurriculumModule.objects.filter(curriculum_id__in=curricula)
        .order_by("curriculum_id", "number", "pk")
        .values_list("pk", "curriculum_id")
    ):
        order.setdefault(curriculum_id, []).append(module_id)
    last: dict[int, int] = {}
    for group_id, module_id in (
        GroupNote.objects.filter(
            session__group_id__in=[g for g, _ in links],
            module__isnull=False,
            entered_in_error_at__isnull=True,
            session__starts_at__lt=now,
        )
        .order_by("session__group_id", "-session__starts_at")
        .values_list("session__group_id", "module_id")
    ):
        last.setdefault(group_id, module_id)
    upcoming = Session.objects.filter(
        group_id__in=[g for g, _ in links],
        status=Session.Status.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + timedelta(days=MAKE_UP_HORIZON_DAYS),
    ).order_by("starts_at", "pk")
    curriculum_of = dict(links)
    runs: dict[int, Session] = {}
    step: dict[int, int] = {}
    for session in upcoming:
        group_id = session.group_id
        if group_id is None:
            continue
        modules = order.get(curriculum_of[group_id], [])
        if not modules:
            continue
        start = modules.index(last[group_id]) + 1 if last.get(group_id) in modules else 0
        k = step.get(group_id, 0)
        step[group_id] = k + 1
        runs.setdefault(modules[(start + k) % len(modules)], session)
    for line in missed:
        line.make_up = runs.get(line.module.pk)


@dataclass
class DueRow:
    """A note still to write or sign: a draft, or a session with no note yet."""

    participant: Participant | None
    session: Session | None
    note: ProgressNote | None
    group_note: GroupNote | None
    due_at: datetime | None
    overdue: bool
    what: str


# What the lists of notes due show of a draft: its note, participant and session rows are
# long (the note's text, the participant's contacts), and were half the home's notes panel.
# The participant's organization is what the access check of the list asks.
_PARTICIPANT_SHOWS = (
    "participant__public_id",
    "participant__legal_first_name",
    "participant__preferred_name",
    "participant__legal_last_name",
    "participant__organization_id",
)
_DRAFT_SHOWS = (
    "public_id",
    "kind",
    "service_date",
    "due_at",
    *_PARTICIPANT_SHOWS,
    "session__public_id",
    "session__title",
    "session__date",
)


def _drafts_of(author_id: int) -> QuerySet[ProgressNote]:
    return (
        ProgressNote.objects.current()
        .filter(recorded_by_id=author_id, signed_at__isnull=True, group_note__isnull=True)
        .select_related("participant", "session")
        .only(*_DRAFT_SHOWS)
        .order_by("due_at", "pk")
    )


def drafts_about(user, participant: Participant) -> list[ProgressNote]:
    """The user's own unsigned notes about one participant, oldest due first (one query)."""
    return list(_drafts_of(user.pk).filter(participant=participant))


# What the lists show of a session led with no note yet.
_SESSION_SHOWS = ("public_id", "title", "date", "kind", "ends_at", "program_id")


class _HoursAfter(Func):
    """A moment plus a number of hours read from the database: the SQLite adapter cannot
    add a duration it computed itself, so SQLite gets its own form."""

    template = "(%(expressions)s * INTERVAL '1 hour')"
    arg_joiner = " + "
    output_field = DateTimeField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="datetime(%(expressions)s || ' hours')",
            arg_joiner=", '+' || ",
            **extra_context,
        )


@cache
def _lacking_note() -> tuple[Q, _HoursAfter]:
    """What `sessions_needing_a_note` asks of a session and its due time, built once per
    process: building these subqueries cost more than running them on every staff home."""
    # Whether the session has its note is stored on it (`notes.session_notes`), so the
    # sessions owing one are read from their own partial index; only those few individual
    # sessions are asked whether anyone was enrolled.
    enrolled = Enrolment.objects.filter(session=OuterRef("pk"))
    lacking = Q(has_its_note=False) & (
        Q(kind=Session.Kind.GROUP) | Q(Q(kind=Session.Kind.INDIVIDUAL), Exists(enrolled))
    )
    # The program's hours joined once per program, not read again for each session (a board
    # weighs thousands of sessions).
    hours = Coalesce("program__note_settings__due_hours", Value(DEFAULT_DUE_HOURS))
    return lacking, _HoursAfter("ends_at", hours)


def sessions_needing_a_note(sessions: QuerySet[Session], *, now: datetime) -> QuerySet[Session]:
    """Of `sessions`, those held in the last LOOKBACK_DAYS that still lack their note, each
    with its `due_at` (the program's hours after its end): a group session without a signed
    group note, an individual session with someone enrolled and no note in force. The one
    definition the author's notes due and the supervisor's board both count."""
    lacking, due_at = _lacking_note()
    return sessions.filter(
        lacking,
        status=Session.Status.SCHEDULED,
        ends_at__lte=now,
        ends_at__gte=now - timedelta(days=LOOKBACK_DAYS),
    ).annotate(due_at=due_at)


def notes_due(user, *, now: datetime) -> list[DueRow]:
    """The signed-in author's unsigned notes and the sessions they led with no note yet,
    oldest due first (three queries whatever the number of rows). The drafts' statement is
    compiled once per process: every staff home reads it, and building it cost more than
    running it."""
    drafts = model_rows(
        "notes.drafts", _drafts_of, ProgressNote._meta.get_field("recorded_by"), user.pk
    )
    rows = [
        DueRow(
            d.participant, d.session, d, None, d.due_at, bool(d.due_at and d.due_at < now), "draft"
        )
        for d in drafts
    ]
    pending = list(
        sessions_needing_a_note(Session.objects.filter(staff=user), now=now)
        .only(*_SESSION_SHOWS)
        .order_by("ends_at")
    )
    groups = [s for s in pending if s.kind == Session.Kind.GROUP]
    individual = [s for s in pending if s.kind == Session.Kind.INDIVIDUAL]
    prefetch_related_objects(
        individual,
        Prefetch(
            "enrolments",
            # Only those whose chart the author reaches: on their active care team.
            queryset=Enrolment.objects.filter(
                episode__care_team__user=user, episode__care_team__ended_on__isnull=True
            )
            .select_related("participant")
            .distinct(),
        ),
    )
    for s in groups + individual:
        due: datetime = s.due_at  # type: ignore[attr-defined]
        if s.kind == Session.Kind.GROUP:
            rows.append(DueRow(None, s, None, None, due, due < now, "group"))
        else:
            rows.extend(
                DueRow(e.participant, s, None, None, due, due < now, "session")
                for e in s.enrolments.all()
            )
    rows.sort(key=lambda r: (r.due_at is None, r.due_at or now))
    return rows


def board_programs(user) -> list[int]:
    """Organizations whose notes board this user may open (holders of `note.cosign`)."""
    return [
        org
        for org in organizations_of(user)
        if capability_decision(user, "note.cosign", org).allowed
    ]


def _in_force() -> QuerySet[ProgressNote]:
    """`ProgressNote.objects.current()` with "no correction supersedes it" as NOT EXISTS: the
    database estimates that anti-join from the supersedes index, where the LEFT JOIN form reads
    as one row and turned the board's page into nested loops over every staff member."""
    return ProgressNote.objects.filter(entered_in_error_at__isnull=True).filter(
        ~Exists(ProgressNote.objects.filter(supersedes=OuterRef("pk")))
    )


# What the board shows of the member of staff who wrote or signed a note (their name).
_STAFF_NAME = ("display_name", "first_name", "last_name", "username")


def _cosign_rows(user, orgs: list[int]) -> QuerySet[ProgressNote]:
    return (
        _in_force()
        .filter(
            ~Exists(CoSignature.objects.filter(note=OuterRef("pk"))),
            organization_id__in=orgs,
            signed_at__isnull=False,
            cosign_required=True,
        )
        .exclude(signed_by=user)
    )


def _overdue_rows(orgs: list[int], now: datetime) -> QuerySet[ProgressNote]:
    return _in_force().filter(organization_id__in=orgs, signed_at__isnull=True, due_at__lt=now)


def _unwritten_rows(orgs: list[int], now: datetime) -> QuerySet[Session]:
    return sessions_needing_a_note(
        Session.objects.filter(program__organization_id__in=orgs), now=now
    ).filter(due_at__lt=now)  # type: ignore[misc]


def cosign_queue(user) -> QuerySet[ProgressNote]:
    """Signed notes waiting for a co-signature in the user's organizations, oldest first;
    never the user's own (a query set: pages slice it, the home panel counts it). Read
    through the partial index of each organization's notes that need a co-signature, not the
    whole history, and without joining the participants. A row carries what the board shows
    of it (the note's text and the other related rows cost most of planning its page)."""
    return (
        _cosign_rows(user, board_programs(user))
        .select_related("participant", "signed_by")
        .only(
            "public_id",
            "kind",
            "service_date",
            "signed_at",
            *_PARTICIPANT_SHOWS,
            *(f"signed_by__{name}" for name in _STAFF_NAME),
        )
        .order_by("signed_at", "pk")
    )


def overdue_notes(user, *, now: datetime) -> QuerySet[ProgressNote]:
    """Unsigned notes past their due time in the user's organizations, oldest first (read
    through the partial index of each organization's unsigned notes, without joining the
    participants), each with what the board shows of it."""
    return (
        _overdue_rows(board_programs(user), now)
        .select_related("participant", "recorded_by")
        .only(
            "public_id",
            "service_date",
            "due_at",
            *_PARTICIPANT_SHOWS,
            *(f"recorded_by__{name}" for name in _STAFF_NAME),
        )
        .order_by("due_at", "pk")
    )


def sessions_without_note(user, *, now: datetime) -> QuerySet[Session]:
    """Sessions of the user's organizations past their note's due time with no note yet
    (`sessions_needing_a_note`), oldest due first, with who led them (`with_enrolled` reads,
    for the individual ones among a page of them, who was enrolled)."""
    return (
        _unwritten_rows(board_programs(user), now)
        .only(*_SESSION_SHOWS)
        .prefetch_related("staff")
        .order_by("due_at", "pk")
    )


def with_enrolled(sessions: list[Session]) -> list[Session]:
    """`sessions` with who was enrolled in each individual one (one query, none when all are
    group sessions: a group session is listed as its group, its members are not read)."""
    prefetch_related_objects(
        [s for s in sessions if s.kind == Session.Kind.INDIVIDUAL],
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.select_related("participant").only(
                "session_id", *_PARTICIPANT_SHOWS
            ),
        ),
    )
    return sessions


# The most the home counts of each list: beyond it, the home says "99+" and the board
# gives the whole count. Counting thousands of overdue notes on every load of a director's
# home cost more than the rest of the page.
HOME_COUNT_SHOWN = 99


def board_counts(user, *, now: datetime) -> dict[str, int | str]:
    """How many notes are overdue (unsigned drafts and sessions with no note yet) and how
    many wait for a co-signature in the user's organizations, as the board's lists count
    them, up to `HOME_COUNT_SHOWN` ("99+" beyond), in one statement: the home asks on every
    load, and a second round trip cost more than any count. It counts the lists' rows
    without what the board shows of each, and asks which organizations once for the three."""
    orgs = board_programs(user)
    counted = [
        qs.order_by().values("pk")[: HOME_COUNT_SHOWN + 1].query.sql_with_params()
        for qs in (
            _overdue_rows(orgs, now),
            _unwritten_rows(orgs, now),
            _cosign_rows(user, orgs),
        )
    ]
    # The statements are the ORM's own, their values passed as parameters.
    sql = ", ".join(f"(SELECT COUNT(*) FROM ({inner}) AS listed)" for inner, _ in counted)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [p for _, params in counted for p in params])
        drafts, sessions, queue = cursor.fetchone()
    return {"overdue": _shown(drafts + sessions), "queue": _shown(queue)}


def _shown(count: int) -> int | str:
    return count if count <= HOME_COUNT_SHOWN else f"{HOME_COUNT_SHOWN}+"


def cosigned(note: ProgressNote) -> CoSignature | None:
    try:
        return note.cosignature
    except CoSignature.DoesNotExist:
        return None
