"""A small program calendar on top of the root `world`: two tracks, staff hours, profiles."""

from dataclasses import dataclass
from datetime import date, time

import pytest

from conftest import make_participant
from participants.models import CareTeamMember, CareTeamRole, Episode, EpisodeStatus
from scheduling.models import (
    AttendanceMode,
    AvailabilityWindow,
    Group,
    Room,
    SchedulingProfile,
    Session,
    SessionMode,
    StaffHours,
    Track,
)
from scheduling.weeks import session_span

# A Monday well after the `midweek` clock every test here runs at (`at_midweek`), so "now"
# is before its sessions whatever the day the tests run.
MONDAY = date(2030, 1, 7)


@pytest.fixture(autouse=True)
def at_midweek(midweek):
    """The clock set before any other fixture writes a row: publishing and cancelling read
    "now" against the sessions of `MONDAY`'s week, which the wall clock will one day pass."""
    return midweek


@dataclass
class Calendar:
    room: Room
    morning: list[Group]  # Mon/Wed/Fri 09:00-12:00, in person, therapist
    evening: list[Group]  # Tue/Thu 18:00-21:00 and Sat 09:00-12:00, in person, counsellor
    online: Group  # Mon 18:00-21:00, virtual, counsellor
    episodes: list[Episode]  # everyone in care, world.episode first


def _t(text: str) -> time:
    return time.fromisoformat(text)


def add_group(program, title, weekday, start, minutes, lead, *, room=None, track=None, **extra):
    group = Group.objects.create(
        program=program,
        track=track,
        title=title,
        weekday=weekday,
        start_time=_t(start),
        minutes=minutes,
        mode=SessionMode.IN_PERSON if room else SessionMode.VIRTUAL,
        room=room,
        video_link="" if room else "https://video.example.invalid/g",
        capacity=extra.pop("capacity", 10),
        min_size=extra.pop("min_size", 2),
        **extra,
    )
    group.facilitators.set([lead])
    return group


def held_session(
    world, group: Group, day: date, *, status: str = Session.Status.SCHEDULED, staffed: bool = True
) -> Session:
    """The group's session on `day` at its local start time, led by its facilitators unless
    `staffed` is False (a session nobody is rostered on, for tests of who may change it)."""
    starts, ends = session_span(world.program, day, group.start_time, group.minutes)
    session = Session.objects.create(
        program=world.program,
        group=group,
        kind=Session.Kind.GROUP,
        title=group.title,
        date=day,
        starts_at=starts,
        ends_at=ends,
        minutes=group.minutes,
        mode=group.mode,
        room=group.room,
        capacity=group.capacity,
        status=status,
    )
    if staffed:
        session.staff.set(group.facilitators.all())
    return session


def set_windows(episode, windows, **profile):
    """Give an episode a profile with availability windows [(day, "HH:MM", "HH:MM")]."""
    record, _ = SchedulingProfile.objects.update_or_create(episode=episode, defaults=profile)
    record.windows.all().delete()
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(profile=record, weekday=d, start_time=_t(s), end_time=_t(e))
        for d, s, e in windows
    )
    return record


def admit(world, number: str, first: str, *, status=EpisodeStatus.ACTIVE, admitted=None):
    person = make_participant(world.org, number, legal_first_name=first)
    episode = Episode.objects.create(
        participant=person,
        program=world.program,
        site=world.site,
        status=status,
        referred_on=date(2029, 11, 1),
        admitted_on=admitted or date(2029, 11, 10),
        primary_clinician=world.therapist,
    )
    CareTeamMember.objects.create(
        episode=episode, user=world.therapist, role=CareTeamRole.PRIMARY_CLINICIAN
    )
    return episode


MORNINGS = [(d, "08:30", "13:00") for d in range(6)]
EVENINGS = [(d, "17:00", "21:30") for d in range(5)] + [(5, "08:30", "13:00")]


@pytest.fixture
def calendar(world) -> Calendar:
    program = world.program
    room = Room.objects.create(site=world.site, name="Oak room", capacity=12)
    am = Track.objects.create(program=program, name="Morning track")
    pm = Track.objects.create(program=program, name="Evening track")
    morning = [
        add_group(program, title, day, "09:00", 180, world.therapist, room=room, track=am)
        for day, title in [(0, "Relapse prevention"), (2, "DBT skills"), (4, "Seeking Safety")]
    ]
    evening = [
        add_group(program, title, day, start, 180, world.counsellor, room=room, track=pm)
        for day, start, title in [
            (1, "18:00", "Relapse prevention PM"),
            (3, "18:00", "DBT skills PM"),
            (5, "09:00", "Family education"),
        ]
    ]
    online = add_group(program, "Seeking Safety online", 0, "18:00", 180, world.counsellor)
    for user, windows in [
        (world.therapist, [(d, "08:00", "17:00") for d in range(5)]),
        (world.counsellor, [(d, "12:00", "21:30") for d in range(5)] + [(5, "08:00", "16:00")]),
    ]:
        StaffHours.objects.bulk_create(
            StaffHours(program=program, user=user, weekday=d, start_time=_t(s), end_time=_t(e))
            for d, s, e in windows
        )
    set_windows(world.episode, MORNINGS, mode=AttendanceMode.IN_PERSON)
    episodes = [world.episode]
    for k, (name, windows) in enumerate(
        [("Ada", MORNINGS), ("Bo", MORNINGS), ("Cy", EVENINGS), ("Di", EVENINGS), ("Ed", EVENINGS)]
    ):
        episode = admit(world, f"T-1000{k}", name)
        set_windows(episode, windows)
        episodes.append(episode)
    return Calendar(room, morning, evening, online, episodes)
