"""An objective still open after its target date shows as past its date, so the plan's review
takes it up: on the Plan tab, the objective's page and the API's plan in force."""

import pytest
import time_machine

from participants.models import EpisodeStatus
from plans.tests.builders import (
    AFTER_ITS_DATE,
    PAST,
    objective_in_force,
    objective_pages,
    phq9,
    signed,
)


def test_an_unmet_objective_shows_past_its_date_once_its_date_has_gone(world, login):
    plan = signed(world)
    phq9(world, 12)
    client = login(world.therapist)
    assert all(PAST not in html for html in objective_pages(client, world, plan))
    assert objective_in_force(client, world)["past_its_date"] is False
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert all(PAST in html for html in objective_pages(client, world, plan))
        assert objective_in_force(client, world)["past_its_date"] is True


def test_a_met_objective_is_not_past_its_date(world, login):
    plan = signed(world)
    phq9(world, 6)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert all(PAST not in html for html in objective_pages(client, world, plan))
        assert objective_in_force(client, world)["past_its_date"] is False


def test_an_objective_without_a_measure_shows_past_its_date_as_nothing_says_it_was_met(
    world, login
):
    plan = signed(world, measure="")
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert all(PAST in html for html in objective_pages(client, world, plan))


@pytest.mark.parametrize("status", [EpisodeStatus.DISCHARGED, EpisodeStatus.TRANSFERRED_OUT])
def test_a_stay_that_has_ended_shows_no_objective_past_its_date(world, login, status):
    plan = signed(world)
    phq9(world, 12)
    type(world.episode).objects.filter(pk=world.episode.pk).update(status=status)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert all(PAST not in html for html in objective_pages(client, world, plan))


def test_the_list_of_versions_computes_no_progress_and_so_no_past_date(world, login):
    signed(world)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        response = client.get(f"/api/v1/participants/{world.participant.public_id}/treatment-plans")
        objective = response.json()[0]["problems"][0]["goals"][0]["objectives"][0]
        assert objective["progress"] is None and objective["past_its_date"] is None
