"""A small program with one of every record a write form can act on, for the input fuzz."""

from dataclasses import dataclass
from datetime import date, time

import pytest

from assessments.models import Administration
from assessments.services import record_administration
from assessments.tests.administration_helpers import answers
from attendance.tests.builders import enrol, session_now
from conftest import World
from intake import services as intake_services
from intake.models import Diagnosis, Intake
from monitoring.models import Alert
from monitoring.services import raise_alert
from participants.access import break_the_glass
from participants.models import BreakGlassGrant
from scheduling.models import Closure, Enrolment, Group, Room, Session, SessionMode, Track


@dataclass
class Bench:
    world: World
    room: Room
    track: Track
    group: Group
    closure: Closure
    session: Session
    enrolment: Enrolment
    intake_record: Intake
    diagnosis: Diagnosis
    administration: Administration
    alert: Alert
    grant: BreakGlassGrant

    def __getattr__(self, name: str):
        return getattr(self.__dict__["world"], name)


def build_bench(world: World) -> Bench:
    """One of every record a write form can act on, in `world`."""
    program = world.program
    room = Room.objects.create(site=world.site, name="Group room", capacity=12)
    track = Track.objects.create(program=program, name="Evening")
    group = Group.objects.create(
        program=program,
        track=track,
        title="Relapse prevention",
        weekday=0,
        start_time=time(9),
        minutes=180,
        mode=SessionMode.IN_PERSON,
        room=room,
        capacity=10,
        min_size=2,
    )
    group.facilitators.set([world.therapist])
    session = session_now(program, staff=[world.therapist])
    enrolment = enrol(session, world.episode)
    intake = intake_services.start_intake(world.episode, by=world.therapist)
    diagnosis = intake_services.add_diagnosis(
        world.episode,
        code="F10.20",
        status="provisional",
        made_on=date(2026, 9, 9),
        by=world.therapist,
    )
    administration = record_administration(
        world.participant,
        code="phq-9",
        answers=answers("phq-9"),
        mode="staff-entered",
        by=world.therapist,
    )
    alert = raise_alert(
        world.participant,
        kind="assessment",
        severity="high",
        title="Needs a call",
        by=world.therapist,
    )
    grant = break_the_glass(world.outsider, world.participant, "Covering the crisis line tonight")
    return Bench(
        world=world,
        room=room,
        track=track,
        group=group,
        closure=Closure.objects.create(program=program, date=date(2026, 12, 25), reason="Holiday"),
        session=session,
        enrolment=enrolment,
        intake_record=intake,
        diagnosis=diagnosis,
        administration=administration,
        alert=alert,
        grant=grant,
    )


@pytest.fixture
def bench(world) -> Bench:
    return build_bench(world)
