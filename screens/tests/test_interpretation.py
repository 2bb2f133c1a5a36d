"""Each analyte is read against the medication list and the self-report, and the reading is
stored: one test per flag, and the rules of §10 that decide between them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from screens import self_report
from screens.tests.conftest import COLLECTED, check_ins_saying


def flags(screen) -> dict[str, str]:
    return {r.analyte.code: r.flag for r in screen.results.all()}


def test_a_listed_buprenorphine_explains_a_buprenorphine_positive(on_list, screen_with):
    on_list("buprenorphine-naloxone")
    screen = screen_with(BUP="positive")
    assert flags(screen)["BUP"] == "expected-positive"
    assert "CCJM" in screen.results.get(analyte__code="BUP").flag_reason


def test_a_listed_buprenorphine_that_does_not_show_is_an_unexpected_negative(on_list, screen_with):
    on_list("buprenorphine")
    assert flags(screen_with())["BUP"] == "unexpected-negative"


def test_methadone_missing_from_its_own_assay_is_an_unexpected_negative(on_list, screen_with):
    on_list("methadone")
    assert flags(screen_with())["MTD"] == "unexpected-negative"


def test_a_positive_no_listed_medication_explains_is_unexpected(screen_with):
    screen = screen_with(COC="positive")
    assert flags(screen)["COC"] == "unexpected-positive"
    assert not flags(screen)["THC"]


def test_methylphenidate_never_explains_amphetamine(on_list, screen_with):
    on_list("methylphenidate")
    assert flags(screen_with(AMP="positive"))["AMP"] == "unexpected-positive"


def test_prescribed_amphetamine_explains_amphetamine(on_list, screen_with):
    on_list("amphetamine-salts")
    assert flags(screen_with(AMP="positive"))["AMP"] == "expected-positive"


def test_a_benzodiazepine_the_assay_may_miss_is_not_an_unexpected_negative(on_list, screen_with):
    on_list("clonazepam")
    assert not flags(screen_with())["BZO"]
    assert flags(screen_with(when=COLLECTED + timedelta(days=1), BZO="positive"))["BZO"] == (
        "expected-positive"
    )


def test_a_cross_reacting_medication_is_named_but_does_not_explain(on_list, screen_with):
    on_list("bupropion")
    result = screen_with(AMP="positive").results.get(analyte__code="AMP")
    assert result.flag == "unexpected-positive"
    assert "bupropion" in result.flag_reason
    assert result.presumptive


def test_a_stopped_medication_no_longer_explains(on_list, screen_with):
    on_list("buprenorphine", stopped_on=date(2026, 10, 1))
    assert flags(screen_with(BUP="positive"))["BUP"] == "unexpected-positive"


def test_a_medication_started_after_collection_does_not_explain(on_list, screen_with):
    on_list("buprenorphine", started_on=date(2026, 11, 17))
    assert flags(screen_with(BUP="positive"))["BUP"] == "unexpected-positive"


def test_an_unreadable_analyte_is_invalid(screen_with):
    assert flags(screen_with(THC="invalid"))["THC"] == "invalid"


@pytest.mark.parametrize("validity", ["adulterated", "substituted"])
def test_every_readable_analyte_of_a_tampered_specimen_is_a_presumptive_positive(
    screen_with, validity
):
    """Clinical reference §10: "Tampered = presumptive positive" (ASAM), whatever the result;
    an analyte the lab could not read stays invalid."""
    read = flags(screen_with(validity=validity, COC="positive", THC="invalid"))
    assert read.pop("THC") == "invalid"
    assert set(read.values()) == {"tampered-specimen"}


def test_a_negative_on_a_dilute_specimen_is_invalid_but_a_positive_still_counts(screen_with):
    read = flags(screen_with(validity="dilute", COC="positive"))
    assert read["COC"] == "unexpected-positive"
    assert read["THC"] == "invalid"


@pytest.fixture
def said_use():
    with check_ins_saying(reports=2, any_use=True) as provider:
        yield provider


def test_a_positive_after_check_ins_said_no_use_is_discordant(said_no_use, screen_with):
    result = screen_with(COC="positive").results.get(analyte__code="COC")
    assert result.flag == "self-report-discordant"
    assert "3 daily check-ins" in result.flag_reason


def test_an_explained_positive_is_not_discordant(said_no_use, on_list, screen_with):
    on_list("methadone")
    assert flags(screen_with(MTD="positive"))["MTD"] == "expected-positive"


def test_a_positive_after_reported_use_is_unexpected_not_discordant(said_use, screen_with):
    assert flags(screen_with(COC="positive"))["COC"] == "unexpected-positive"


def test_the_self_report_lookup_asks_since_the_previous_screen(world, screen_with):
    asked = []

    def provider(participant, since, until):
        asked.append((since, until))

    self_report.PROVIDERS.register(provider)
    try:
        screen_with()
        later = COLLECTED + timedelta(days=7)
        screen_with(when=later)
    finally:
        self_report.PROVIDERS.unregister(provider)
    assert asked == [(None, COLLECTED), (COLLECTED, later)]


def test_the_plan_measures_read_unexplained_positives_and_the_clear_run(world, screen_with):
    from plans.measures import Measure, get

    screen_with(when=COLLECTED - timedelta(days=14), COC="positive")
    screen_with(when=COLLECTED - timedelta(days=7))
    screen_with()
    pid = world.participant.pk
    unexplained, clear_run = get("drug-screen-unexplained"), get("drug-screen-clear-run")
    assert unexplained is not None and clear_run is not None

    def latest(measure: Measure) -> Decimal:
        reading = measure.reading(pid, world.episode.pk)
        assert reading is not None
        return reading.value

    assert latest(unexplained) == 0
    assert latest(clear_run) == 2
    screen_with(when=COLLECTED + timedelta(days=7), COC="positive", THC="positive")
    assert latest(unexplained) == 2
    assert latest(clear_run) == 0


def test_a_drug_screen_measure_reads_the_stay_s_screens_once(
    world, screen_with, django_assert_num_queries
):
    """Each reading is one query, its screens with their unexplained results counted in it,
    however many screens the stay has."""
    from plans.measures import get

    for days in (21, 14, 7):
        screen_with(when=COLLECTED - timedelta(days=days), COC="positive")
    screen_with()
    pid, stay = world.participant.pk, world.episode.pk
    for key in ("drug-screen-unexplained", "drug-screen-clear-run"):
        measure = get(key)
        assert measure is not None
        with django_assert_num_queries(1):
            reading = measure.reading(pid, stay)
        assert reading is not None and reading.value == (0 if key.endswith("unexplained") else 1)


def test_a_plan_bound_to_both_drug_screen_measures_reads_the_screens_once(
    world, screen_with, django_assert_num_queries
):
    """One objective on the latest screen, one on the clean run: the plan's progress reads
    the stay's screens once for both."""
    from plans.measures import progress_of
    from plans.models import Objective

    screen_with(when=COLLECTED - timedelta(days=7), COC="positive")
    screen_with()
    objectives = [
        Objective(pk=1, measure_key="drug-screen-unexplained", comparator="eq", target_value=0),
        Objective(pk=2, measure_key="drug-screen-clear-run", comparator="ge", target_value=4),
    ]
    with django_assert_num_queries(1):
        progress = progress_of(objectives, world.participant.pk, episode_id=world.episode.pk)
    assert [(p.reading and p.reading.value, p.met) for p in progress.values()] == [
        (0, True),
        (1, False),
    ]
