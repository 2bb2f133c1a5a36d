"""The coping skills of the check-in come from the participant's signed plan when there is one
(its interventions' modalities), followed by the program's list; without one, the list alone."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from checkins.models import CheckIn
from checkins.services import record_checkin
from plans.models import Modality
from plans.tests.builders import draft_plan, signed_plan
from tandem.errors import InvalidInput

FORM_CALM = {"mood": "6", "craving": "2", "used": "no", "safety": "no", "hours_slept": "7"}
AT = datetime(2026, 11, 16, 9, 0, tzinfo=ZoneInfo("America/Chicago"))


def plan_code(world) -> str:
    return f"plan:{Modality.objects.get(program=world.program, name='Group CBT').public_id}"


def test_without_a_plan_the_program_list_is_offered(world, login):
    page = login(world.participant_user).get("/checkins/me/").content.decode()
    assert "Breathing or grounding" in page
    assert "(from my plan)" not in page


def test_a_draft_plan_does_not_change_the_list(world, login):
    draft_plan(world)
    page = login(world.participant_user).get("/checkins/me/").content.decode()
    assert "(from my plan)" not in page


def test_the_signed_plan_s_skills_come_first_then_the_program_list(world, login):
    signed_plan(world)
    client = login(world.participant_user)
    page = client.get("/checkins/me/").content.decode()
    assert "Group CBT (from my plan)" in page
    assert page.index("Group CBT (from my plan)") < page.index("Breathing or grounding")
    client.post("/checkins/me/", {**FORM_CALM, "coping": [plan_code(world), "breathing"]})
    assert CheckIn.objects.get().coping == sorted([plan_code(world), "breathing"])


def test_a_plan_skill_is_refused_once_the_plan_is_gone(world):
    code = plan_code(world)
    with pytest.raises(InvalidInput):
        record_checkin(
            world.participant,
            by=world.participant_user,
            now=AT,
            mood=5,
            craving=2,
            used=False,
            safety=False,
            coping=[code],
        )
    assert CheckIn.objects.count() == 0


def test_the_plan_skills_read_in_spanish(world, login):
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    signed_plan(world)
    page = login(world.participant_user).get("/checkins/me/").content.decode()
    assert "Group CBT (de mi plan)" in page
