"""The three modules together, through their real services: a prescription on the medication
list, the participant's own check-ins and a drug screen read against both, and the days
since last known use on the chart header drawn from check-ins and screens."""

from datetime import date, timedelta

import time_machine
from django.urls import reverse

from checkins.services import record_checkin
from medications.services import add_medication
from screens.tests.conftest import CHICAGO, COLLECTED

CALM = {"mood": 6, "craving": 2, "used": False, "safety": False}


def checkin(world, at, **answers):
    return record_checkin(world.participant, by=world.participant_user, now=at, **CALM | answers)


def flag_of(screen, code):
    return screen.results.get(analyte__code=code)


def test_a_buprenorphine_prescription_with_a_negative_screen_is_an_unexpected_negative(
    world, screen_with, login
):
    add_medication(
        world.participant,
        by=world.prescriber,
        code="buprenorphine",
        dose="8 mg daily",
        prescribed_by=world.prescriber,
        started_on=date(2026, 10, 1),
    )
    screen = screen_with()  # every analyte negative
    bup = flag_of(screen, "BUP")
    assert bup.flag == "unexpected-negative"
    api = login(world.therapist).get(
        f"/api/v1/participants/{world.participant.public_id}/drug-screens"
    )
    reading = [
        (r["result"], r["flag"]) for r in api.json()[0]["interpretation"] if r["analyte"] == "BUP"
    ]
    assert reading == [("negative", "unexpected-negative")]


def test_check_ins_saying_no_use_then_a_positive_screen_differ_from_self_report(world, screen_with):
    checkin(world, COLLECTED - timedelta(days=2))
    checkin(world, COLLECTED - timedelta(days=1))
    result = flag_of(screen_with(COC="positive"), "COC")
    assert result.flag == "self-report-discordant"
    assert "2 daily check-ins" in result.flag_reason


def test_a_check_in_that_reported_use_makes_the_positive_unexpected_not_discordant(
    world, screen_with
):
    checkin(world, COLLECTED - timedelta(days=2))
    checkin(world, COLLECTED - timedelta(days=1), used=True, substances=["stimulants"])
    assert flag_of(screen_with(COC="positive"), "COC").flag == "unexpected-positive"


def test_only_check_ins_since_the_previous_screen_count(world, screen_with):
    checkin(world, COLLECTED - timedelta(days=9), used=True, substances=["stimulants"])
    screen_with(when=COLLECTED - timedelta(days=7))
    checkin(world, COLLECTED - timedelta(days=3))
    assert flag_of(screen_with(COC="positive"), "COC").flag == "self-report-discordant"


def header(world, login, on) -> str:
    with time_machine.travel(on, tick=False):
        page = login(world.therapist).get(
            reverse("screens:tab", args=[world.participant.public_id])
        )
    return page.content.decode()


def test_days_since_last_use_comes_from_the_latest_of_check_ins_and_screens(
    world, screen_with, login
):
    checkin(world, COLLECTED - timedelta(days=10), used=True, substances=["alcohol"])
    assert "6 days since last known use (check-in)" in header(
        world, login, COLLECTED - timedelta(days=4)
    )
    screen_with(COC="positive")  # unexplained positive, after the check-in
    assert "3 days since last known use (presumptive drug screen)" in header(
        world, login, COLLECTED + timedelta(days=3)
    )
    checkin(world, COLLECTED + timedelta(days=5), used=True, substances=["alcohol"])
    assert "2 days since last known use (check-in)" in header(
        world, login, COLLECTED + timedelta(days=7)
    )


def test_an_explained_positive_is_not_a_known_use(world, screen_with, login):
    add_medication(
        world.participant,
        by=world.prescriber,
        code="buprenorphine-naloxone",
        started_on=date(2026, 10, 1),
    )
    screen_with(BUP="positive")
    assert "since last known use" not in header(world, login, COLLECTED + timedelta(days=3))


def test_the_trajectory_shows_the_screens_per_week_with_their_values(world, screen_with, login):
    import re

    add_medication(
        world.participant, by=world.prescriber, code="buprenorphine", started_on=date(2026, 10, 1)
    )
    checkin(world, COLLECTED - timedelta(days=8))
    screen_with(when=COLLECTED - timedelta(days=7), BUP="positive")
    screen_with(COC="positive", THC="positive")  # and BUP missing: an unexpected negative
    with time_machine.travel(COLLECTED + timedelta(days=2), tick=False):
        page = login(world.therapist).get(
            reverse("measurement:tab", args=[world.participant.public_id])
        )
    text = page.content.decode()
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert "Screens: unexplained positives" in svg and "Screens: unexpected negatives" in svg
    table = text[text.index('<table class="list compact trajectory-table">') :]
    rows = dict(re.findall(r'<th scope="row"[^>]*>([^<]+)</th>(.*?)</tr>', table))
    header = [
        re.sub(r"<[^>]+>", "", head)
        for head in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table.split("</thead>")[0])
    ]
    col = header.index("Screens: unexplained positives") - 1
    neg = header.index("Screens: unexpected negatives") - 1

    def cells(week):
        return re.findall(r"<td>([^<]*)</td>", rows[week])

    assert ">week of Mon 9 Nov 2026<" in svg  # the time axis names its weeks as the table does
    assert cells("Mon 9 Nov 2026")[col] == "0" and cells("Mon 9 Nov 2026")[neg] == "0"
    assert cells("Mon 16 Nov 2026")[col] == "2" and cells("Mon 16 Nov 2026")[neg] == "1"
    assert "Mood" in header[1:] or any("mood" in h.lower() for h in header)  # the same axis


def test_the_trajectory_of_a_stay_reads_only_the_screens_from_its_first_week(world, screen_with):
    """The stay's cut is the provider's query: a screen before the stay's first week is not
    read, so its week is not there to cut."""
    from measurement.trajectory import monday
    from screens.trajectory import weekly_series

    screen_with(when=COLLECTED - timedelta(days=7), COC="positive")  # the week before
    screen_with(when=COLLECTED, THC="positive")
    since = monday(COLLECTED.date())

    stay = weekly_series(world.participant, since, CHICAGO, since)
    whole = weekly_series(world.participant, since, CHICAGO, None)

    assert [s.weekly for s in stay] == [{since: 1.0}, {since: 0.0}]
    assert [sorted(s.weekly) for s in whole] == [[since - timedelta(days=7), since]] * 2
