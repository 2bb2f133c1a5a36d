"""The portal home says when today's check-in is done, in the participant's language, and
offers another (a second check-in is allowed) instead of asking them to check in again."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from checkins.services import record_checkin

# 09:30 in Chicago, the world's program's zone.
MORNING = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)


def _checked_in(world, at: datetime) -> None:
    record_checkin(
        world.participant,
        by=world.participant_user,
        now=at,
        mood=6,
        craving=2,
        used=False,
        safety=False,
    )


def _home(world, login) -> str:
    with time_machine.travel(MORNING, tick=False):
        return login(world.participant_user).get(reverse("portal:home")).content.decode()


def test_the_home_says_today_s_check_in_is_done_and_offers_another(world, login):
    _checked_in(world, datetime(2026, 12, 2, 15, 10, tzinfo=UTC))
    page = _home(world, login)
    assert "Done for today: you checked in at 9:10 AM." in page
    assert f'<a class="button" href="{reverse("checkins:mine")}">Add another check-in</a>' in page
    assert "Check in now" not in page


def test_the_home_says_it_in_spanish_for_a_participant_whose_record_says_so(world, login):
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    _checked_in(world, datetime(2026, 12, 2, 15, 10, tzinfo=UTC))
    page = _home(world, login)
    assert "Listo por hoy: hizo su registro a las 09:10." in page
    assert "Agregar otro registro" in page
    assert "Registrarme ahora" not in page


@pytest.mark.parametrize(
    "last",
    [
        # 23:30 the evening before in Chicago, though already the same day in UTC.
        datetime(2026, 12, 2, 5, 30, tzinfo=UTC),
        datetime(2026, 11, 30, 15, 0, tzinfo=UTC),
    ],
)
def test_a_check_in_of_an_earlier_day_still_asks_for_today_s(world, login, last):
    _checked_in(world, last)
    page = _home(world, login)
    assert "Check in now" in page
    assert "Done for today" not in page
