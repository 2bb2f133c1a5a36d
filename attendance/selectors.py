"""Reads shared by the roll call, the chart tab, the dose pages and the API (fixed query counts)."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.paginator import Page
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Program
from accounts.roles import organizations_of
from attendance.dose import WeekDose, current_week, weekly_doses
from attendance.models import Attendance
from audit.models import AuditEvent
from participants.access import visible_participants
from participants.models import IN_CARE_STATUSES, Episode, Participant
from scheduling.models import AttendanceMode, Enrolment, SchedulingProfile, Session
from tandem.paging import page_of

NOTICE_RECORD_TYPE = "attendance.CancellationNotice"
# Rows per page of a roll call: a group's whole roll call fits on one.
ROLL_CALL_PAGE_SIZE = 50


@dataclass
class RollCallRow:
    """One enrolled participant on a roll call and what was recorded for them, if anything."""

    enrolment: Enrolment
    attendance: Attendance | None

    @property
    def participant(self) -> Participant:
        return self.enrolment.participant

    @property
    def version(self) -> int:
        return self.attendance.version if self.attendance else 0


def session_by_public_id(session_id) -> Session | None:
    return (
        Session.objects.select_related("program", "program__organization", "room", "group")
        .filter(public_id=session_id)
        .first()
    )


def roll_call_page(
    session: Session, number: str | int | None = 1, *, size: int = ROLL_CALL_PAGE_SIZE
) -> tuple[Page, list[RollCallRow], int]:
    """One page of the people enrolled from the session's organization, by last name, with
    their attendance, the pager, and how many of them are recorded (three queries)."""
    enrolments = session.enrolments.filter(
        participant__organization_id=session.program.organization_id
    )
    page = page_of(
        enrolments.select_related("participant", "episode").order_by(
            "participant__legal_last_name", "participant__legal_first_name", "pk"
        ),
        number,
        size,
    )
    shown = list(page)
    tally = enrolments.aggregate(
        recorded=Count(
            "pk",
            filter=Q(
                Exists(
                    Attendance.objects.filter(
                        session=session, participant_id=OuterRef("participant_id")
                    )
                )
            ),
        ),
    )
    recorded = {
        a.participant_id: a
        for a in Attendance.objects.filter(
            session=session, participant_id__in=[e.participant_id for e in shown]
        ).select_related("recorded_by")
    }
    rows = [RollCallRow(e, recorded.get(e.participant_id)) for e in shown]
    return page, rows, tally["recorded"]


def roll_call_row(session: Session, enrolment_id) -> RollCallRow | None:
    enrolment = (
        session.enrolments.select_related("participant", "episode")
        .filter(public_id=enrolment_id)
        .first()
    )
    if enrolment is None:
        return None
    attendance = (
        Attendance.objects.filter(session=session, participant_id=enrolment.participant_id)
        .select_related("recorded_by")
        .first()
    )
    return RollCallRow(enrolment, attendance)


def sessions_on(
    programs: QuerySet[Program] | list[Program], *, staff=None, day=None
) -> list[Session]:
    """Sessions on a local day (each program's own today by default), with roll call counts."""
    programs = list(programs)
    if not programs:
        return []
    days = Q()
    for program in programs:
        days |= Q(program=program, date=day or program.today())
    sessions = Session.objects.filter(days)
    if staff is not None:
        sessions = sessions.filter(staff=staff)
    return _with_counts(sessions)


def my_sessions_today(user) -> list[Session]:
    """The sessions a staff member runs today in each program's own time zone, with roll
    call counts, in one query: the days around today are read and a session kept when its
    date is its program's today, instead of reading the programs first to know their days."""
    around = timezone.now().date()
    sessions = _with_counts(
        Session.objects.filter(
            staff=user,
            program__organization_id__in=organizations_of(user),
            date__range=(around - timedelta(days=1), around + timedelta(days=1)),
        )
    )
    return [s for s in sessions if s.date == s.program.today()]


def _with_counts(sessions: QuerySet[Session]) -> list[Session]:
    return list(
        sessions.select_related("program", "room")
        .prefetch_related("staff")
        .annotate(
            enrolled=_count(Enrolment.objects.filter(session=OuterRef("pk"))),
            recorded=_count(Attendance.objects.filter(session=OuterRef("pk"))),
        )
        .order_by("starts_at", "title")
    )


def _count(rows: QuerySet) -> Coalesce:
    """How many rows a correlated queryset has, as a subquery: counting through joins of
    both enrolments and roll calls would multiply them (a session of a hundred reads ten
    thousand rows)."""
    return Coalesce(
        Subquery(rows.order_by().values("session_id").annotate(n=Count("pk")).values("n")),
        0,
    )


def programs_of(user) -> QuerySet[Program]:
    return Program.objects.filter(organization_id__in=organizations_of(user)).order_by("name")


def sessions_with_room(
    program: Program,
    first_day: date,
    last_day: date,
    *,
    now: datetime | None = None,
    mode: str = "",
    exclude: Session | None = None,
) -> list[Session]:
    """Group sessions still to come in a date range that have a free place."""
    sessions = (
        Session.objects.filter(
            program=program,
            kind=Session.Kind.GROUP,
            status=Session.Status.SCHEDULED,
            date__range=(first_day, last_day),
            starts_at__gt=now or timezone.now(),
        )
        .select_related("program", "room")
        .annotate(enrolled=Count("enrolments"))
        .filter(enrolled__lt=F("capacity"))
        .order_by("starts_at", "title")
    )
    if mode:
        sessions = sessions.filter(mode=mode)
    if exclude is not None:
        sessions = sessions.exclude(pk=exclude.pk)
    return list(sessions)


@dataclass
class Notice:
    """Who a cancellation concerns and the make-up sessions each of them could join."""

    enrolment: Enrolment
    options: list[Session] = field(default_factory=list)

    @property
    def participant(self) -> Participant:
        return self.enrolment.participant


def cancellation_notices(session: Session, *, now: datetime | None = None) -> list[Notice]:
    """Make-up options per enrolled participant: same program, same week, same mode, room
    left, not clashing with their own sessions (three queries)."""
    monday = session.date - timedelta(days=session.date.weekday())
    options = (
        sessions_with_room(
            session.program,
            monday,
            monday + timedelta(days=6),
            now=now,
            mode=session.mode,
            exclude=session,
        )
        if session.kind == Session.Kind.GROUP
        else []
    )
    enrolments = list(
        session.enrolments.select_related("participant").order_by(
            "participant__legal_last_name", "participant__legal_first_name", "pk"
        )
    )
    busy = _busy([e.participant_id for e in enrolments], monday, monday + timedelta(days=6))
    return [Notice(e, _free(options, busy.get(e.participant_id, []))) for e in enrolments]


def cancellation_notice(session: Session) -> dict | None:
    """What the cancellation notice did (who was emailed, who has no address), from its
    audit event; None when no notice went out (the session was already due)."""
    event = (
        AuditEvent.objects.filter(record_type=NOTICE_RECORD_TYPE, record_id=str(session.public_id))
        .order_by("-id")
        .first()
    )
    return event.details if event is not None else None


def _busy(participant_ids: list[int], first: date, last: date) -> dict[int, list[Session]]:
    """Each participant's own non-cancelled sessions in a date range (one query)."""
    busy: dict[int, list[Session]] = {}
    for enrolment in Enrolment.objects.filter(
        participant_id__in=participant_ids,
        session__date__range=(first, last),
        session__status=Session.Status.SCHEDULED,
    ).select_related("session"):
        busy.setdefault(enrolment.participant_id, []).append(enrolment.session)
    return busy


def _free(options: list[Session], mine: list[Session]) -> list[Session]:
    """The options that are not theirs already and do not overlap one of their sessions."""
    return [
        s
        for s in options
        if not any(m.starts_at < s.ends_at and s.starts_at < m.ends_at for m in mine)
    ]


def makeup_options(participant: Participant, episode: Episode, *, now=None) -> list[Session]:
    """Group sessions left this week with room, in a mode the participant can attend."""
    program = episode.program
    monday = current_week(program, now)
    profile = SchedulingProfile.objects.filter(episode=episode).first()
    mode = "" if profile is None or profile.mode == AttendanceMode.EITHER else profile.mode
    sunday = monday + timedelta(days=6)
    options = sessions_with_room(program, monday, sunday, now=now, mode=mode)
    return _free(options, _busy([participant.pk], monday, sunday).get(participant.pk, []))


def in_care_episode(participant: Participant, program: Program) -> Episode | None:
    """The participant's admitted or active episode in this program, if any."""
    return (
        Episode.objects.filter(
            participant=participant, program=program, status__in=IN_CARE_STATUSES
        )
        .select_related("program")
        .order_by("-pk")
        .first()
    )


def drop_in_candidates(user, session: Session, text: str, *, limit: int = 20) -> list[Participant]:
    """Participants in care in the session's program, by name or record number, not yet on it."""
    words = [w for w in text.split() if w]
    if not words:
        return []
    qs = visible_participants(user).filter(
        organization_id=session.program.organization_id,
        episodes__program=session.program,
        episodes__status__in=IN_CARE_STATUSES,
    )
    for word in words:
        qs = qs.filter(
            Q(legal_first_name__icontains=word)
            | Q(legal_last_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(record_number__iexact=word)
        )
    qs = qs.exclude(enrolments__session=session).distinct()
    return list(qs.order_by("legal_last_name", "legal_first_name", "pk")[:limit])


def week_dose(episode: Episode, week_start: date | None = None, *, now=None) -> WeekDose:
    """One participant's dose for one week (this week by default)."""
    episode = Episode.objects.select_related("program", "scheduling_profile").get(pk=episode.pk)
    week_start = week_start or current_week(episode.program, now)
    return weekly_doses([episode], [week_start], now=now)[(episode.participant_id, week_start)]


@dataclass
class HistoryWeek:
    """One week of the chart's attendance tab: the dose and each session's line."""

    dose: WeekDose
    lines: list[tuple[Enrolment, Attendance | None]]
    current: bool


def attendance_history(
    participant: Participant, episode: Episode, *, weeks: int = 8, now: datetime | None = None
) -> list[HistoryWeek]:
    """The last `weeks` weeks, this week first (four queries)."""
    episode = (
        Episode.objects.select_related("program", "scheduling_profile").filter(pk=episode.pk).get()
    )
    this_week = current_week(episode.program, now)
    starts = [
        start
        for start in (this_week - timedelta(weeks=i) for i in range(weeks))
        if (episode.admitted_on is None or start + timedelta(days=6) >= episode.admitted_on)
        and (episode.discharged_on is None or start <= episode.discharged_on)
    ]
    if not starts:
        return []
    doses = weekly_doses([episode], starts, now=now)
    first, last = starts[-1], this_week + timedelta(days=6)
    enrolments = list(
        Enrolment.objects.filter(participant=participant, session__date__range=(first, last))
        .select_related("session__room")
        .order_by("session__starts_at")
    )
    recorded = {
        a.session_id: a
        for a in Attendance.objects.filter(
            participant=participant, session__date__range=(first, last)
        )
    }
    by_week: dict[date, list] = {start: [] for start in starts}
    for e in enrolments:
        monday = e.session.date - timedelta(days=e.session.date.weekday())
        if monday in by_week:  # not the weeks after discharge (or before admission)
            by_week[monday].append((e, recorded.get(e.session_id)))
    return [
        HistoryWeek(doses[(participant.pk, start)], by_week[start], start == this_week)
        for start in starts
    ]
