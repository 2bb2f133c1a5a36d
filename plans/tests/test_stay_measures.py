"""A readmission's plan is measured by its own stay: an objective bound to an assessment or
to drug screens reads no result from the stay before, on the plan, the objective's page, the
plan API, the participant's portal and the discharge summary."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from assessments.models import Administration
from assessments.services import record_administration
from assessments.tests.administration_helpers import answers
from checkins.tests.test_escalation_rules import readmit
from discharge import services as discharge_services
from discharge.models import Discharge
from discharge.tests.builders import summary_of
from participants.models import Episode
from plans.models import TreatmentPlan
from plans.selectors import plan_view
from plans.tests.builders import signed
from screens import panels
from screens.models import DrugScreen, Panel
from screens.services import record_screen

CHICAGO = ZoneInfo("America/Chicago")
EARLIER_STAY = datetime(2026, 11, 2, 10, tzinfo=CHICAGO)
THIS_STAY = datetime(2026, 11, 10, 10, tzinfo=CHICAGO)


@pytest.fixture(autouse=True)
def clock():
    """The afternoon of 20 November 2026, after both stays' records, whatever day it is."""
    with time_machine.travel(datetime(2026, 11, 20, 15, tzinfo=CHICAGO), tick=True):
        yield


def _readmitted_plan(world, measure: str) -> tuple[Episode, TreatmentPlan]:
    again = readmit(world, discharged_on=date(2026, 11, 3), admitted_on=date(2026, 11, 9))
    return again, signed(world, measure=measure, episode=again)


def _administer(world, code: str, at: datetime, value: int) -> Administration:
    """Every item answered `value`, but the PHQ-9's item 9 (which opens an alert) and the
    BAM's income item (yes or no) answered 0."""
    pinned = {"phq-9": {"q9": 0}, "bam": {"q14": 0}}.get(code, {})
    return record_administration(
        world.participant,
        code=code,
        answers=answers(code, value, **pinned),
        mode="staff-entered",
        by=world.therapist,
        completed_at=at,
    )


def _screen(world, at: datetime, **positive: str) -> DrugScreen:
    """A cup screen collected at `at`: every analyte negative but those given."""
    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    return record_screen(
        world.participant,
        by=world.therapist,
        panel=cup,
        results={a.code: positive.get(a.code, "negative") for a in cup.analytes.all()},
        collected_at=at,
        observed=True,
        validity="valid",
        now=at,
    )


def _api_progress(client, world) -> dict:
    response = client.get(
        f"/api/v1/participants/{world.participant.public_id}/treatment-plans/current"
    )
    assert response.status_code == 200
    return response.json()["problems"][0]["goals"][0]["objectives"][0]["progress"]


def _pages(client, world, plan: TreatmentPlan) -> tuple[str, str]:
    objective = plan.objectives.get()
    plan_page = client.get(reverse("plans:plan", args=[world.participant.public_id]))
    objective_page = client.get(
        reverse(
            "plans:objective",
            args=[world.participant.public_id, plan.public_id, objective.public_id],
        )
    )
    return plan_page.content.decode(), objective_page.content.decode()


def _portal(login, world) -> str:
    return login(world.participant_user).get(reverse("plans:mine")).content.decode()


def _summary_goals(world, episode: Episode) -> list[str]:
    discharge_services.discharge(
        episode,
        by=world.therapist,
        type="completed",
        on=date(2026, 11, 20),
        reason="Met the goals of the plan.",
        expected_version=episode.version,
        follow_up_consent=False,
        channel="",
        now=datetime(2026, 11, 20, 15, tzinfo=CHICAGO),
    )
    return summary_of(Discharge.objects.get(episode=episode)).facts["goals"]


@pytest.mark.parametrize(
    ("measure", "code", "label"),
    [
        ("phq-9", "phq-9", "PHQ-9 total"),
        ("gad-7", "gad-7", "GAD-7 total"),
        ("bam.use", "bam", "BAM Use"),
    ],
)
def test_an_assessment_of_the_stay_before_is_not_the_new_plan_s_progress(
    world, login, measure, code, label
):
    """A score from the stay before is no result of the new plan until this stay's first
    administration, which it then reads."""
    _administer(world, code, EARLIER_STAY, 1)
    again, plan = _readmitted_plan(world, measure)

    (progress,) = plan_view(plan).progress.values()
    assert (progress.reading, progress.met) == (None, None)
    client = login(world.therapist)
    plan_page, objective_page = _pages(client, world, plan)
    assert "no result recorded yet" in plan_page
    assert "No result recorded yet." in objective_page
    assert _api_progress(client, world)["latest_value"] is None
    assert "your latest result" not in _portal(login, world)

    given = _administer(world, code, THIS_STAY, 0)
    assert given.episode == again
    (progress,) = plan_view(plan).progress.values()
    assert progress.measure_label.startswith(label)
    assert (progress.reading.value, progress.reading.on, progress.met) == (
        0,
        date(2026, 11, 10),
        True,
    )
    client = login(world.therapist)
    assert "latest 0 on Tue 10 Nov 2026" in _pages(client, world, plan)[0]
    assert _api_progress(client, world)["latest_date"] == "2026-11-10"
    assert "your latest result was 0, on Tue 10 Nov 2026" in _portal(login, world)
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    assert "su último resultado fue 0, el mar 10 nov 2026 · lo ha logrado" in _portal(login, world)


def test_the_discharge_summary_reads_the_plan_s_own_stay_s_assessments(world):
    _administer(world, "phq-9", EARLIER_STAY, 1)
    again, _ = _readmitted_plan(world, "phq-9")

    goals = _summary_goals(world, again)

    assert goals[2] == "  PHQ-9 below 10: no PHQ-9 total reading yet."


@pytest.mark.parametrize(
    ("measure", "earlier_positive", "this_stay"),
    [
        # The stay before ended on a positive: none yet, then this stay's clean screen.
        ("drug-screen-unexplained", [False, True], 0),
        # The stay before ended on two clean screens: this stay's clean screen is a run of one.
        ("drug-screen-clear-run", [True, False, False], 1),
    ],
)
def test_a_drug_screen_of_the_stay_before_is_not_the_new_plan_s_progress(
    world, login, measure, earlier_positive, this_stay
):
    """The stay before's screens are no result of the new plan: it has none until this
    stay's first screen, and then counts this stay's screens only."""
    for n, positive in enumerate(earlier_positive):
        _screen(
            world,
            datetime(2026, 10, 26 + 2 * n, 10, tzinfo=CHICAGO),
            **({"COC": "positive"} if positive else {}),
        )
    again, plan = _readmitted_plan(world, measure)

    (progress,) = plan_view(plan).progress.values()
    assert (progress.reading, progress.met) == (None, None)
    client = login(world.therapist)
    plan_page, objective_page = _pages(client, world, plan)
    assert "no result recorded yet" in plan_page
    assert "No result recorded yet." in objective_page
    assert _api_progress(client, world)["latest_value"] is None
    assert "your latest result" not in _portal(login, world)

    assert _screen(world, THIS_STAY).episode == again
    (progress,) = plan_view(plan).progress.values()
    assert (progress.reading.value, progress.reading.on) == (this_stay, date(2026, 11, 10))
    client = login(world.therapist)
    assert f"latest {this_stay} on Tue 10 Nov 2026" in _pages(client, world, plan)[0]
    assert _api_progress(client, world)["latest_value"] == str(this_stay)
    assert f"your latest result was {this_stay}, on Tue 10 Nov 2026" in _portal(login, world)


def test_the_discharge_summary_reads_the_plan_s_own_stay_s_drug_screens(world):
    _screen(world, EARLIER_STAY)
    again, _ = _readmitted_plan(world, "drug-screen-clear-run")

    goals = _summary_goals(world, again)

    assert goals[2] == (
        "  PHQ-9 below 10: no Drug screens in a row without an unexplained positive reading yet."
    )
