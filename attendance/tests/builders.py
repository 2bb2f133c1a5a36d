"""Scheduling rows for attendance tests, built directly with the scheduling models."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Program, User
from attendance import weekly
from attendance.models import Attendance
from conftest import make_participant
from participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus
from scheduling.models import Enrolment, Session, SessionMode


def make_session(
    program: Program,
    day: date,
    *,
    start: time = time(9, 0),
    minutes: int = 180,
    title: str = "Relapse prevention",
    mode: str = SessionMode.IN_PERSON,
    capacity: int = 12,
    staff=(),
    status: str = Session.Status.SCHEDULED,
    kind: str = Session.Kind.GROUP,
) -> Session:
    """A dated session at a local wall-clock time in the program's zone."""
    starts_at = datetime.combine(day, start, tzinfo=program.tz)
    session = Session.objects.create(
        program=program,
        kind=kind,
        title=title,
        date=day,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        minutes=minutes,
        mode=mode,
        capacity=capacity,
        status=status,
    )
    session.staff.set(staff)
    return session


def session_now(program: Program, *, minutes: int = 90, **extra) -> Session:
    """A session today that began a little while ago (never before local midnight)."""
    local = timezone.localtime(timezone.now(), program.tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(midnight, local - timedelta(minutes=30))
    return make_session(program, local.date(), start=start.time(), minutes=minutes, **extra)


def enrol(session: Session, episode: Episode, source: str = Enrolment.Source.SCHEDULE) -> Enrolment:
    """An enrolment with the participant's weekly dose refreshed, as the services do: in one
    transaction, which the dose's lock needs on PostgreSQL when the test itself has none."""
    with transaction.atomic():
        enrolment = Enrolment.objects.create(
            session=session, participant=episode.participant, episode=episode, source=source
        )
        weekly.refresh_doses([episode.participant_id], session.date)
    return enrolment


def active_participant(
    world, number: str, first: str, last: str, *, email: str = "", primary: User | None = None
) -> Episode:
    """An active participant with the world's therapist (or `primary`) as primary clinician
    and the world's case manager."""
    clinician = primary or world.therapist
    person = make_participant(
        world.org, number, legal_first_name=first, legal_last_name=last, email=email
    )
    episode = Episode.objects.create(
        participant=person,
        program=world.program,
        site=world.site,
        status=EpisodeStatus.ACTIVE,
        referred_on=date(2026, 9, 1),
        admitted_on=date(2026, 9, 8),
        primary_clinician=clinician,
    )
    CareTeamMember.objects.create(
        episode=episode, user=clinician, role=CareTeamRole.PRIMARY_CLINICIAN
    )
    CareTeamMember.objects.create(
        episode=episode, user=world.casemanager, role=CareTeamRole.CASE_MANAGER
    )
    return episode


def record(session: Session, episode: Episode, status: str, minutes: int) -> Attendance:
    """A roll-call entry as a facilitator would leave it when the session ends (with the
    weekly summaries refreshed, as the roll call services do, in one transaction)."""
    with transaction.atomic():
        row = Attendance.objects.create(
            session=session,
            participant=episode.participant,
            episode=episode,
            status=status,
            minutes=minutes,
            recorded_at=session.ends_at,
        )
        weekly.refresh([episode.pk], session.date)
        weekly.refresh_doses([episode.participant_id], session.date)
    return row
