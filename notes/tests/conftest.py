"""Builders for note tests: a DAP note's content, a group session with a roster."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from attendance.tests.builders import active_participant, enrol, make_session
from notes.models import NoteFormat, NoteKind
from notes.seeds import seed
from notes.services import NoteContent

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture
def formats(db) -> None:
    """The shared formats, back if a test that emptied the database took them."""
    seed()


def dap(text: str = "Talked through the week.", **extra) -> NoteContent:
    seed()  # a test that emptied the database took the migration's rows with it
    fmt = NoteFormat.objects.get(program__isnull=True, code="dap")
    content = NoteContent(
        kind=NoteKind.INDIVIDUAL,
        format=fmt,
        sections={"Data": text, "Assessment": "Engaged.", "Plan": "Continue weekly."},
        service_date=date(2026, 11, 17),
        start_time=time(10, 0),
        end_time=time(10, 50),
        minutes=50,
        no_objective_reason="Plan not yet signed.",
    )
    return replace(content, **extra)


MEMBERS = [
    ("Jordan", "Alvarez"),
    ("Priya", "Nair"),
    ("Marcus", "Bell"),
    ("Hope", "Okafor"),
    ("Dana", "Kowalski"),
    ("Luis", "Ferreira"),
    ("Tess", "Whitaker"),
    ("Omar", "Haddad"),
    ("Grace", "Lindqvist"),
    ("Ben", "Osei"),
    ("Nina", "Petrov"),
    ("Sam", "Delacroix"),
]


@pytest.fixture
def group_session(world):
    """Yesterday's group, facilitated by `counsellor`, with `count` members enrolled."""

    def build(count: int = 3, *, day: date | None = None, staff=None):
        day = day or world.program.today() - timedelta(days=1)
        session = make_session(
            world.program,
            day,
            minutes=90,
            title="Relapse prevention group",
            staff=staff if staff is not None else [world.counsellor],
        )
        episodes = []
        for i, (first, last) in enumerate(MEMBERS[:count]):
            episode = active_participant(world, f"G{session.pk:04d}-{i:02d}", first, last)
            enrol(session, episode)
            episodes.append(episode)
        return session, episodes

    return build


def plan_for(episode, *, signed: bool = True, number: int = 1, revises=None, lineage=None):
    """A plan with one problem → goal → objective for an episode's participant."""
    from django.utils import timezone

    from plans.models import Goal, Objective, Problem, TreatmentPlan

    plan = TreatmentPlan.objects.create(
        participant=episode.participant,
        episode=episode,
        number=number,
        revises=revises,
        change_summary="Revised" if revises else "",
        recorded_by=episode.primary_clinician,
    )
    problem = Problem.objects.create(plan=plan, domain="substance_use", statement="Daily use")
    goal = Goal.objects.create(plan=plan, problem=problem, text="I want to stay sober")
    extra = {"lineage": lineage} if lineage else {}
    Objective.objects.create(
        plan=plan,
        goal=goal,
        text="Uses a coping skill at each craving",
        target_date=date(2026, 12, 31),
        **extra,
    )
    if signed:
        TreatmentPlan.objects.filter(pk=plan.pk).update(
            signed_at=timezone.now(), signed_by=episode.primary_clinician
        )
        plan.refresh_from_db()
    return plan
