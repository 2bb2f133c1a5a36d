"""The summary's draft reads the record: reliable change per measure, drug screens,
medications at discharge and the plan's goals with their status."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from discharge.models import Discharge
from discharge.tests.builders import discharge_world, phq9, screen, summary_of
from medications.services import add_medication, stop_medication
from plans.tests.builders import signed
from screens import panels
from screens.models import Panel

CHICAGO = ZoneInfo("America/Chicago")

# The record is written before the discharge day and read on it: the clock is that afternoon.
pytestmark = pytest.mark.usefixtures("discharge_day")


def _facts(world) -> dict[str, list[str]]:
    discharge_world(world)
    return summary_of(Discharge.objects.get()).facts


def test_the_draft_gives_each_measure_its_reliable_change_class(world):
    phq9(world, 20, datetime(2026, 9, 8, 10, tzinfo=CHICAGO))
    phq9(world, 6, datetime(2026, 11, 16, 10, tzinfo=CHICAGO))
    measures = _facts(world)["measures"]
    assert any(
        line.startswith("PHQ-9: 20")
        and line.endswith("; reliable improvement (−14 points; IAPT rule ≥6 points), recovered.")
        for line in measures
    ), measures


def test_a_5_point_drop_is_no_reliable_improvement_in_the_draft(world):
    """The IAPT rule of the clinical reference (§1b): 6 points or more on the PHQ-9."""
    phq9(world, 14, datetime(2026, 9, 8, 10, tzinfo=CHICAGO))
    phq9(world, 9, datetime(2026, 11, 16, 10, tzinfo=CHICAGO))
    (line,) = [m for m in _facts(world)["measures"] if m.startswith("PHQ-9")]
    assert line.endswith("; no reliable change (−5 points; IAPT rule ≥6 points)."), line


def test_the_discharge_tab_gives_each_measure_its_band_in_words(world, login):
    """The summary reads "PHQ-9: 20 (Severe) … 6 (Mild)", the bands the instrument declares,
    and a two-word band such as "Moderately severe" is not written `moderately-severe`."""
    phq9(world, 17, datetime(2026, 9, 8, 10, tzinfo=CHICAGO))
    phq9(world, 6, datetime(2026, 11, 16, 10, tzinfo=CHICAGO))
    discharge_world(world)

    html = (
        login(world.therapist)
        .get(reverse("discharge:tab", args=[world.participant.public_id]))
        .content.decode()
    )

    assert "PHQ-9: 17 (Moderately severe) on Tue 8 Sep 2026 → 6 (Mild) on Mon 16 Nov 2026" in html
    assert "moderately-severe" not in html and "(mild)" not in html


def test_the_draft_summarises_the_drug_screens_of_the_stay(world):
    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    cocaine = next(a for a in cup.analytes.all() if a.code.upper().startswith("COC"))
    screen(world, cup, datetime(2026, 9, 15, 9, tzinfo=CHICAGO))
    screen(world, cup, datetime(2026, 10, 6, 9, tzinfo=CHICAGO), **{cocaine.code: "positive"})
    screen(world, cup, datetime(2026, 11, 3, 9, tzinfo=CHICAGO))
    screens = _facts(world)["screens"]
    assert (
        screens[0]
        == "3 drug screens from Tue 15 Sep 2026 to Tue 3 Nov 2026; 2 with no positive result."
    )
    assert screens[1] == f"{cocaine.name}: positive once, on Tue 6 Oct 2026 (1 unexpected)."


def test_a_single_drug_screen_is_counted_as_one_on_its_day(world):
    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    screen(world, cup, datetime(2026, 9, 15, 9, tzinfo=CHICAGO))
    assert _facts(world)["screens"] == [
        "1 drug screen, on Tue 15 Sep 2026; 1 with no positive result."
    ]


def test_the_draft_counts_a_substituted_specimen_as_a_presumptive_positive(world):
    """Clinical reference §10: a tampered specimen is a presumptive positive, never a screen
    with no positive result, even when every analyte read negative."""
    panels.seed()
    cup = Panel.objects.prefetch_related("analytes").get(code="urine-cup-hhs")
    screen(world, cup, datetime(2026, 9, 15, 9, tzinfo=CHICAGO))
    screen(world, cup, datetime(2026, 10, 6, 9, tzinfo=CHICAGO), validity="substituted")
    screens = _facts(world)["screens"]
    assert screens == [
        "2 drug screens from Tue 15 Sep 2026 to Tue 6 Oct 2026; 1 with no positive result.",
        "Adulterated or substituted specimens, each a presumptive positive (clinical reference "
        "§10): 1, last on Tue 6 Oct 2026.",
    ]


def test_the_draft_lists_the_medications_taken_on_the_day_of_discharge(world):
    add_medication(
        world.participant,
        by=world.therapist,
        code="buprenorphine-naloxone",
        dose="16 mg daily",
        prescribed_elsewhere="Dr Lee, community clinic",
        started_on=date(2026, 9, 10),
    )
    stopped = add_medication(
        world.participant,
        by=world.therapist,
        name="Trazodone",
        dose="50 mg at night",
        prescribed_elsewhere="Dr Lee, community clinic",
        started_on=date(2026, 9, 10),
    )
    stop_medication(
        stopped,
        by=world.therapist,
        stopped_on=date(2026, 10, 1),
        reason="Sleeping well",
        expected_version=stopped.version,
    )
    medications = _facts(world)["medications"]
    assert len(medications) == 1
    assert "16 mg daily, prescribed by Dr Lee, community clinic." in medications[0]
    assert "Trazodone" not in medications[0]


def test_the_draft_gives_the_plan_goals_and_whether_their_objectives_were_met(world):
    signed(world)
    phq9(world, 18, datetime(2026, 9, 8, 10, tzinfo=CHICAGO))
    phq9(world, 7, datetime(2026, 11, 16, 10, tzinfo=CHICAGO))
    goals = _facts(world)["goals"]
    assert goals[1] == "Goal: Feel like myself — 1 of 1 measured objectives met (0 not measured)."
    assert goals[2] == "  PHQ-9 below 10: met (PHQ-9 total 7 on Mon 16 Nov 2026)."


def test_an_empty_record_says_so_in_each_section(world):
    facts = _facts(world)
    assert facts["screens"] == ["No drug screen recorded."]
    assert facts["medications"] == ["No medication on the list at discharge."]
    assert facts["goals"] == ["No signed treatment plan."]


def test_each_measure_is_dated_by_the_programs_day_not_utcs(world):
    phq9(world, 20, datetime(2026, 9, 8, 20, tzinfo=CHICAGO))  # 01:00 on the 9th in UTC
    phq9(world, 6, datetime(2026, 11, 16, 21, tzinfo=CHICAGO))
    (line,) = [m for m in _facts(world)["measures"] if m.startswith("PHQ-9")]
    assert "on Tue 8 Sep 2026 →" in line and "on Mon 16 Nov 2026;" in line, line


def test_the_draft_writes_the_stays_dates_as_the_pages_do(world):
    stay = _facts(world)["stay"][0]
    assert stay == (
        "Referred Tue 1 Sep 2026, admitted Tue 8 Sep 2026, "
        "discharged Fri 20 Nov 2026 (Completed the program)."
    )


def test_the_draft_names_the_level_of_care_after_a_colon(world):
    """The level follows a colon, not run together with its label."""
    level = _facts(world)["stay"][-1]
    assert level.startswith("Level of care: Level "), level
