"""Presumptive drug tests: one line per date of service, its code only when the screens' method
tells it (clinical reference §5)."""

from datetime import datetime

import pytest

from billing import selectors
from billing.tests.builders import LAST_WEEK, cover, payer, tpo_consent
from screens import panels
from screens.models import Panel
from screens.services import mark_entered_in_error, record_screen


@pytest.fixture
def screen(world):
    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    cover(world, world.episode, payer(world))
    tpo_consent(world, world.episode)

    def make(when: datetime, method: str):
        return record_screen(
            world.participant,
            by=world.therapist,
            panel=cup,
            results={a.code: "negative" for a in cup.analytes.all()},
            collected_at=when,
            observed=True,
            method=method,
            now=when,
        )

    return make


def _tests(world):
    return [line for line in selectors.service_days([world.program], LAST_WEEK) if line.drug_test]


def _at(world, day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=world.program.tz)


def test_lab_immunoassays_on_one_day_are_one_80307_line(world, screen):
    screen(_at(world, 24, 9), "lab-immunoassay")
    screen(_at(world, 24, 15), "lab-immunoassay")
    (line,) = _tests(world)
    assert (line.day, line.code, line.service, line.is_ready) == (
        LAST_WEEK.replace(day=24),
        "80307",
        "Presumptive drug test",
        True,
    )


def test_a_point_of_care_test_is_held_not_guessed(world, screen):
    screen(_at(world, 25), "point-of-care")
    (line,) = _tests(world)
    assert line.code == ""
    assert line.held == [selectors.READ_NOT_RECORDED]


def test_two_methods_on_one_day_would_need_two_codes(world, screen):
    screen(_at(world, 26, 9), "point-of-care")
    screen(_at(world, 26, 14), "lab-immunoassay")
    (line,) = _tests(world)
    assert line.code == "" and selectors.TWO_CODES in line.held


def test_definitive_and_withdrawn_screens_make_no_line_and_days_stay_apart(world, screen):
    screen(_at(world, 23), "lab-definitive")
    mark_entered_in_error(
        screen(_at(world, 24), "lab-immunoassay"), by=world.therapist, reason="Wrong person"
    )
    screen(_at(world, 27), "lab-immunoassay")
    screen(_at(world, 28), "lab-immunoassay")
    assert [line.day.day for line in _tests(world)] == [27, 28]


def test_a_drug_test_line_without_coverage_is_held_for_it(world):
    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    tpo_consent(world, world.episode)
    record_screen(
        world.participant,
        by=world.therapist,
        panel=cup,
        results={a.code: "negative" for a in cup.analytes.all()},
        collected_at=_at(world, 24),
        observed=True,
        method="lab-immunoassay",
        now=_at(world, 24),
    )
    (line,) = _tests(world)
    assert line.held == [selectors.NO_COVERAGE] and line.code == "80307"


def test_a_breath_alcohol_test_makes_no_drug_test_line(world, screen):
    breath = Panel.objects.prefetch_related("analytes").get(code="breath-alcohol")
    when = _at(world, 25)
    record_screen(
        world.participant,
        by=world.therapist,
        panel=breath,
        results={a.code: "negative" for a in breath.analytes.all()},
        collected_at=when,
        observed=True,
        now=when,
    )
    assert _tests(world) == []
    screen(_at(world, 25, 15), "lab-immunoassay")
    assert [line.code for line in _tests(world)] == ["80307"]
