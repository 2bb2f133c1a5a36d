"""An objective still open after its target date shows as past its date, so the plan's review
takes it up: on the Plan tab, the objective's page and the API's plan in force."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assessments.models import Administration
from participants.models import EpisodeStatus
from plans.models import Objective
from plans.tests.builders import signed

CHICAGO = ZoneInfo("America/Chicago")
# The builders' objective is due by 31 Dec 2026; the suite's clock starts on 1 Dec 2026.
AFTER_ITS_DATE = datetime(2027, 1, 5, 9, 0, tzinfo=CHICAGO)
PAST = "Past its date"


def _phq9(world, total: int) -> None:
    Administration.objects.create(
        participant=world.participant,
        episode=world.episode,
        instrument="phq-9",
        answers={},
        completed_at=datetime(2026, 11, 2, 10, tzinfo=CHICAGO),
        complete=True,
        total=total,
    )


def _pages(client, world, plan) -> tuple[str, str]:
    objective = Objective.objects.get(plan=plan)
    tab = client.get(reverse("plans:plan", args=[world.participant.public_id]))
    page = client.get(
        reverse(
            "plans:objective",
            args=[world.participant.public_id, plan.public_id, objective.public_id],
        )
    )
    assert tab.status_code == page.status_code == 200
    return tab.content.decode(), page.content.decode()


def _current(client, world) -> dict:
    response = client.get(
        f"/api/v1/participants/{world.participant.public_id}/treatment-plans/current"
    )
    assert response.status_code == 200
    return response.json()["problems"][0]["goals"][0]["objectives"][0]


def test_an_unmet_objective_shows_past_its_date_once_its_date_has_gone(world, login):
    plan = signed(world)
    _phq9(world, 12)
    client = login(world.therapist)
    assert all(PAST not in html for html in _pages(client, world, plan))
    assert _current(client, world)["past_its_date"] is False
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert all(PAST in html for html in _pages(client, world, plan))
        assert _current(client, world)["past_its_date"] is True


def test_a_met_objective_is_not_past_its_date(world, login):
    plan = signed(world)
    _phq9(world, 6)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert all(PAST not in html for html in _pages(client, world, plan))
        assert _current(client, world)["past_its_date"] is False


def test_an_objective_without_a_measure_shows_past_its_date_as_nothing_says_it_was_met(
    world, login
):
    plan = signed(world, measure="")
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert all(PAST in html for html in _pages(client, world, plan))


@pytest.mark.parametrize("status", [EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT])
def test_a_stay_that_has_ended_shows_no_objective_past_its_date(world, login, status):
    plan = signed(world)
    _phq9(world, 12)
    type(world.episode).objects.filter(pk=world.episode.pk).update(status=status)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert all(PAST not in html for html in _pages(client, world, plan))


def test_the_list_of_versions_computes_no_progress_and_so_no_past_date(world, login):
    signed(world)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        response = client.get(f"/api/v1/participants/{world.participant.public_id}/treatment-plans")
        objective = response.json()[0]["problems"][0]["goals"][0]["objectives"][0]
        assert objective["progress"] is None and objective["past_its_date"] is None
