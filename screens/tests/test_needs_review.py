"""Whether a drug screen waits for a clinician's review is one rule (`DrugScreen.needs_review`
and its query, `needing_review()`): the API's `needs_review`, the home's "Drug screens to
review" and the review's refusal agree on a screen of every kind."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from screens import self_report
from screens.models import DrugScreen, ScreenResult
from screens.selectors import one_screen
from screens.self_report import SelfReport
from screens.services import mark_entered_in_error, review_screen
from screens.tests.conftest import COLLECTED
from tandem.errors import InvalidInput

DONE = "Discussed with participant; dose unchanged."


@contextmanager
def _said_no_use() -> Iterator[None]:
    def provider(participant, since, until):
        return SelfReport(reports=3, any_use=False, source="daily check-ins")

    self_report.PROVIDERS.register(provider)
    try:
        yield
    finally:
        self_report.PROVIDERS.unregister(provider)


def _every_kind(world, screen_with, on_list) -> dict[str, tuple[DrugScreen, bool]]:
    """A screen of every kind, each with whether it waits for review."""

    def on(day: int, **results) -> DrugScreen:
        return screen_with(when=COLLECTED + timedelta(days=day), **results)

    kinds: dict[str, tuple[DrugScreen, bool]] = {
        "nothing unexpected": (on(0), False),
        "unexpected positive": (on(1, THC="positive"), True),
        "invalid": (on(2, COC="invalid"), True),
        "dilute negative": (on(3, validity="dilute"), True),
        "substituted": (on(4, validity="substituted"), True),
        "adulterated": (on(5, validity="adulterated", THC="positive"), True),
    }
    with _said_no_use():
        kinds["differs from self-report"] = (on(6, COC="positive"), True)
        kinds["tampered, no use reported"] = (on(7, validity="substituted"), True)
        kinds["negative, no use reported"] = (on(8), False)
    reviewed = on(9, AMP="positive")
    review_screen(reviewed, by=world.nurse, comment=DONE, now=reviewed.collected_at)
    kinds["reviewed"] = (reviewed, False)
    # A tampered screen whose analytes' flags a confirmation once replaced: its recorded
    # validity still makes it a presumptive positive to review.
    legacy = on(10, validity="adulterated")
    ScreenResult.objects.filter(screen=legacy).update(flag="", flag_reason="")
    kinds["tampered, flags since cleared"] = (legacy, True)
    withdrawn = on(11, OXY="positive")
    mark_entered_in_error(withdrawn, by=world.therapist, reason="Another participant's cup.")
    kinds["entered in error"] = (withdrawn, False)
    on_list("buprenorphine", started_on=(COLLECTED + timedelta(days=12)).date())
    kinds["unexpected negative"] = (on(12), True)
    kinds["expected positive"] = (on(13, BUP="positive"), False)
    return kinds


def _home_list(client) -> list[str]:
    page = client.get("/").content.decode()
    found = re.search(
        r'<section class="card" aria-labelledby="screens-to-review-heading">.*?</section>',
        page,
        re.S,
    )
    assert found, "the prescriber's home has its screens to review"
    return re.findall(r"#screen-([0-9a-f-]+)", found.group(0))


def _api_field(client, world) -> dict[str, bool]:
    listed = client.get(f"/api/v1/participants/{world.participant.public_id}/drug-screens")
    return {s["id"]: s["needs_review"] for s in listed.json()}


def _service_takes(world) -> Callable[[DrugScreen], bool]:
    def takes(screen: DrugScreen) -> bool:
        try:
            review_screen(screen, by=world.prescriber, comment=DONE, now=screen.collected_at)
        except InvalidInput:
            return False
        return True

    return takes


def test_the_api_the_home_list_and_the_review_agree_on_every_kind_of_screen(
    world, login, screen_with, on_list
):
    kinds = _every_kind(world, screen_with, on_list)
    client = login(world.prescriber)

    home = _home_list(client)
    api = _api_field(client, world)
    # Read before any review is written: the service's own reviews change what waits.
    model = {name: one_screen(screen.pk).needs_review for name, (screen, _) in kinds.items()}
    takes = _service_takes(world)
    service = {name: takes(screen) for name, (screen, _) in kinds.items()}

    for name, (screen, waits) in kinds.items():
        key = str(screen.public_id)
        assert model[name] is waits, name
        assert (key in home) is waits, name
        assert service[name] is waits, name
        if name != "entered in error":  # the API lists the screens in force
            assert api[key] is waits, name
    assert str(kinds["entered in error"][0].public_id) not in api
    assert home == [str(s.public_id) for s, waits in kinds.values() if waits]


@pytest.mark.parametrize("validity", ["adulterated", "substituted"])
def test_the_query_and_the_predicate_are_one_rule(world, screen_with, validity):
    """Every screen `needing_review()` names is one whose `needs_review` is true."""
    screen_with(THC="positive")
    screen_with(when=COLLECTED + timedelta(days=1))
    screen_with(when=COLLECTED + timedelta(days=2), validity=validity)

    named = set(DrugScreen.objects.needing_review().values_list("pk", flat=True))

    assert named == {s.pk for s in DrugScreen.objects.all() if one_screen(s.pk).needs_review}
    assert len(named) == 2
