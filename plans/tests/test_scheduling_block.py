"""A program that waits for a signed first plan: the weekly run places no one without one,
and its page says who was left out and why."""

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import EpisodeStatus
from plans.models import PlanSettings, TreatmentPlan
from plans.services import SCHEDULING_HELD_BACK
from scheduling.admission import request_midweek_admission
from scheduling.models import ScheduleRun
from scheduling.tests.conftest import MONDAY, MORNINGS, admit, calendar, set_windows  # noqa: F401
from tandem.errors import InvalidInput


def _sign_a_plan_for(episode) -> None:
    TreatmentPlan.objects.create(
        participant=episode.participant,
        episode=episode,
        number=1,
        recorded_by=episode.primary_clinician,
        signed_at=timezone.now(),
        signed_by=episode.primary_clinician,
    )


def _build(client, world, run_tasks) -> ScheduleRun:
    response = client.post(
        reverse("scheduling:build", args=[world.program.public_id]),
        {"week_of": MONDAY.isoformat(), "time_limit": 5},
    )
    assert response.status_code == 302
    assert run_tasks() == 1
    run = ScheduleRun.objects.order_by("-pk").first()
    assert run is not None
    return run


def test_the_weekly_run_leaves_out_anyone_whose_first_plan_is_unsigned(
    world,
    calendar,  # noqa: F811 (the scheduling fixture)
    login,
    run_tasks,
):
    for episode in calendar.episodes:
        _sign_a_plan_for(episode)
    waiting = admit(world, "T-30000", "Wren", status=EpisodeStatus.ADMITTED)
    set_windows(waiting, MORNINGS)
    client = login(world.director)

    placed = _build(client, world, run_tasks)
    assert str(waiting.participant.public_id) in {p["id"] for p in placed.problem["participants"]}

    PlanSettings.objects.create(program=world.program, block_scheduling_until_signed=True)
    run = _build(client, world, run_tasks)
    assert run.status == ScheduleRun.Status.DONE
    ids = {p["id"] for p in run.problem["participants"]}
    assert str(waiting.participant.public_id) not in ids
    assert str(world.participant.public_id) in ids
    page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert "Left out of this run (1)" in page
    assert waiting.participant.display_name in page and SCHEDULING_HELD_BACK in page
    with pytest.raises(InvalidInput, match="Waiting for a signed treatment plan"):
        request_midweek_admission(waiting, by=world.director)
