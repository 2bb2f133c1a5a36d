"""The portal's tests share a participant who speaks Spanish."""

import pytest


@pytest.fixture
def spanish(world):
    """The world's participant reads Spanish, with a questionnaire due at home and an
    after-hours line, so every part of the portal has something to say."""
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    world.program.home_questionnaires = ["phq-9"]
    world.program.after_hours_phone = "555-0100"
    world.program.save()
    return world.participant
