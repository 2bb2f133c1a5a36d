"""Extreme dates in week and day addresses and API parameters are refused with a message.

`9999-12-31` and `0001-01-01` used to crash these pages with an OverflowError (a 500): a week
page adds seven days for its "next" link and the time-zone arithmetic steps outside Python's
year 1–9999. The program range is 1900–2199 (`tandem.dates`).
"""

from datetime import date

import pytest

from scheduling.models import Room
from tandem import dates
from tandem.errors import InvalidInput

EXTREMES = ["9999-12-31", "0001-01-01", "9999-12-27", "1899-12-31", "2200-01-01"]


def _pages(world, room) -> dict[str, str]:
    program, participant = world.program.public_id, world.participant.public_id
    return {
        "program week": f"/schedule/p/{program}/?start=",
        "program day": f"/schedule/p/{program}/day/?on=",
        "room week": f"/schedule/p/{program}/rooms/{room.public_id}/?start=",
        "staff week": f"/schedule/p/{program}/staff/{world.therapist.public_id}/?start=",
        "today's sessions": "/attendance/?day=",
        "participant's schedule": f"/schedule/participants/{participant}/?week=",
    }


def _api(world) -> dict[str, str]:
    participant = world.participant.public_id
    return {
        "participant week": f"/api/v1/schedule/participants/{participant}/week?week_start=",
        "participant dose": f"/api/v1/attendance/participants/{participant}/dose?week_start=",
    }


@pytest.fixture
def room(world):
    return Room.objects.create(site=world.site, name="Group room", capacity=10)


@pytest.mark.parametrize("day", EXTREMES)
def test_week_and_day_pages_refuse_dates_outside_the_program_range_with_a_400(
    world, room, login, day
):
    client = login(world.director)
    for name, url in _pages(world, room).items():
        response = client.get(url + day)
        assert response.status_code == 400, name
        assert b"must be between 1900-01-01 and 2199-12-31" in response.content, name


def test_week_and_day_pages_refuse_a_date_they_cannot_read(world, room, login):
    client = login(world.director)
    for name, url in _pages(world, room).items():
        response = client.get(url + "2026-13-45")
        assert response.status_code == 400, name
        assert b"must be a date written YYYY-MM-DD" in response.content, name


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_the_first_and_last_day_of_the_program_range_still_open(world, room, login, day):
    client = login(world.director)
    for name, url in _pages(world, room).items():
        assert client.get(url + day).status_code == 200, name


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_api_date_parameters_outside_the_range_are_a_422_naming_the_parameter(world, login, day):
    client = login(world.director)
    for name, url in _api(world).items():
        response = client.get(url + day)
        assert response.status_code == 422, name
        assert response.json() == {
            "detail": [
                {
                    "field": "week_start",
                    "message": "The date must be between 1900-01-01 and 2199-12-31.",
                }
            ]
        }, name


def test_parse_names_the_field_and_check_keeps_dates_inside_the_range():
    assert dates.parse(" 2026-12-03 ", field="on") == date(2026, 12, 3)
    with pytest.raises(InvalidInput) as caught:
        dates.parse("0001-01-01", field="referred_on")
    assert caught.value.field == "referred_on"
    assert caught.value.message.startswith("Referred on must be between")
    assert dates.check(dates.LAST_DAY, field="on") == dates.LAST_DAY
