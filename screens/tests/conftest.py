from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from medications.services import add_medication
from screens import panels, self_report
from screens.models import Panel
from screens.self_report import SelfReport
from screens.services import record_screen

CHICAGO = ZoneInfo("America/Chicago")
COLLECTED = datetime(2026, 11, 16, 9, 30, tzinfo=CHICAGO)


@pytest.fixture
def cup(db) -> Panel:
    panels.seed()
    return Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")


@pytest.fixture
def screen_with(world, cup):
    """Record a cup screen: every analyte negative except those given."""

    def make(*, when=COLLECTED, validity="valid", **results):
        values = {a.code: "negative" for a in cup.analytes.all()}
        values.update({k.replace("SIX", "6"): v for k, v in results.items()})
        return record_screen(
            world.participant,
            by=world.therapist,
            panel=cup,
            results=values,
            collected_at=when,
            observed=True,
            validity=validity,
            now=when,
        )

    return make


@pytest.fixture
def on_list(world):
    def add(code: str, started_on=date(2026, 9, 8), **extra):
        return add_medication(
            world.participant, by=world.therapist, code=code, started_on=started_on, **extra
        )

    return add


@contextmanager
def check_ins_saying(*, reports: int, any_use: bool) -> Iterator[object]:
    """Daily check-ins in every interval before a screen, as a self-report provider."""

    def provider(participant, since, until):
        return SelfReport(reports=reports, any_use=any_use, source="daily check-ins")

    self_report.PROVIDERS.register(provider)
    try:
        yield provider
    finally:
        self_report.PROVIDERS.unregister(provider)


@pytest.fixture
def said_no_use():
    """Daily check-ins in every interval, all saying no use."""
    with check_ins_saying(reports=3, any_use=False) as provider:
        yield provider
