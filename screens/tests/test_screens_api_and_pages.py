"""The drug-screens API and tab: the interpretation list, presumptive positives,
confirmations, days since last known use on the chart header, and a flat query count."""

import json
import re
from datetime import date, datetime, timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from screens.models import ScreenResult, UseReport
from screens.services import record_confirmation
from screens.tests.conftest import CHICAGO, COLLECTED


def api_url(world) -> str:
    return f"/api/v1/participants/{world.participant.public_id}/drug-screens"


def test_posting_a_screen_returns_its_interpretation(world, login, cup, on_list):
    on_list("buprenorphine-naloxone")
    client = login(world.therapist)
    results = {a.code: "negative" for a in cup.analytes.all()} | {
        "BUP": "positive",
        "THC": "positive",
    }
    response = client.post(
        api_url(world),
        json.dumps(
            {
                "panel": "urine-cup-hhs",
                "collected_at": COLLECTED.isoformat(),
                "observed": True,
                "validity": "valid",
                "results": results,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    reading = {r["analyte"]: r for r in response.json()["interpretation"]}
    assert reading["BUP"]["flag"] == "expected-positive"
    assert reading["THC"] == reading["THC"] | {
        "result": "positive",
        "flag": "unexpected-positive",
        "presumptive": True,
    }
    assert reading["COC"]["flag"] is None
    listed = client.get(api_url(world)).json()
    assert [r["analyte"] for r in listed[0]["interpretation"]][:2] == ["THC", "COC"]
    event = AuditEvent.objects.filter(event_type="drug_screen.recorded").get()
    assert event.details["part2"] is True


def test_the_record_page_offers_the_collection_time_in_whole_minutes(world, login, cup):
    """A time with seconds would make the browser refuse every time typed in whole minutes."""
    client = login(world.prescriber)
    url = reverse("screens:record", args=[world.participant.public_id, cup.public_id])
    with time_machine.travel(COLLECTED.replace(second=24), tick=False):
        page = client.get(url).content.decode()

    assert 'value="2026-11-16T09:30"' in page


def test_a_screen_missing_an_analyte_is_refused_and_nothing_is_written(world, login, cup):
    client = login(world.therapist)
    response = client.post(
        api_url(world),
        json.dumps(
            {
                "panel": "urine-cup-hhs",
                "collected_at": COLLECTED.isoformat(),
                "observed": False,
                "results": {"THC": "negative"},
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "results"
    assert not ScreenResult.objects.exists()


def test_a_confirmed_negative_clears_the_unexpected_positive(world, screen_with):
    result = screen_with(COC="positive").results.get(analyte__code="COC")
    assert result.presumptive
    record_confirmation(result, by=world.therapist, confirmation="sent", now=COLLECTED)
    row = record_confirmation(result, by=world.therapist, confirmation="negative", now=COLLECTED)
    assert (row.flag, row.standing_result, row.presumptive) == ("", "negative", False)


def test_a_confirmed_positive_is_no_longer_presumptive(world, screen_with):
    result = screen_with(COC="positive").results.get(analyte__code="COC")
    row = record_confirmation(result, by=world.therapist, confirmation="positive", now=COLLECTED)
    assert (row.flag, row.presumptive) == ("unexpected-positive", False)


def test_days_since_last_known_use_is_on_the_chart_header(world, login, screen_with):
    screen_with(COC="positive")
    client = login(world.therapist)
    with time_machine.travel(COLLECTED + timedelta(days=3), tick=False):
        page = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    assert "3 days since last known use (presumptive drug screen)" in page.content.decode()


def test_a_clinician_entry_of_later_use_wins(world, login, screen_with):
    screen_with(COC="positive")
    client = login(world.therapist)
    url = reverse("screens:tab", args=[world.participant.public_id])
    response = client.post(url, {"last_used_on": "2026-11-17", "substance": "alcohol"})
    assert response.status_code == 302
    with time_machine.travel(date(2026, 11, 20).isoformat() + "T18:00:00Z", tick=False):
        page = client.get(url)
    assert "3 days since last known use (clinician entry)" in page.content.decode()
    assert "<p>Tue 17 Nov 2026 " in page.content.decode()


def test_the_front_desk_sees_no_days_since_use(world, login, screen_with):
    screen_with(COC="positive")
    page = login(world.frontdesk).get(
        reverse("participants:chart", args=[world.participant.public_id])
    )
    assert "since last known use" not in page.content.decode()


def test_the_screens_tab_keeps_a_flat_query_count(world, login, screen_with):
    client = login(world.therapist)
    url = reverse("screens:tab", args=[world.participant.public_id])
    screen_with(COC="positive")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for day in range(1, 6):
        screen_with(when=COLLECTED - timedelta(days=day), THC="positive")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_days_since_an_evening_screen_count_from_its_day_in_the_program(world, login, screen_with):
    evening = datetime(2026, 11, 16, 20, 30, tzinfo=CHICAGO)  # 02:30 the next day in UTC
    screen_with(when=evening, COC="positive")
    client = login(world.therapist)
    with time_machine.travel(datetime(2026, 11, 17, 10, 0, tzinfo=CHICAGO), tick=False):
        page = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    found = re.findall(r"-?\d+ days? since last known use \([^)]*\)", page.content.decode())
    assert found == ["1 day since last known use (presumptive drug screen)"]


def test_an_evening_screen_is_read_against_the_medications_of_its_day_in_the_program(
    world, login, cup, on_list
):
    on_list("buprenorphine-naloxone", started_on=date(2026, 11, 17))
    client = login(world.therapist)
    results = {a.code: "negative" for a in cup.analytes.all()} | {"BUP": "positive"}
    body = {
        "panel": "urine-cup-hhs",
        "collected_at": "2026-11-17T02:30:00+00:00",  # 20:30 on the 16th in Chicago
        "observed": True,
        "validity": "valid",
        "results": results,
    }
    with time_machine.travel(datetime(2026, 11, 17, 10, 0, tzinfo=CHICAGO), tick=False):
        response = client.post(api_url(world), json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content
        reading = {r["analyte"]: r for r in response.json()["interpretation"]}
        assert reading["BUP"]["flag"] == "unexpected-positive"

        result = ScreenResult.objects.get(analyte__code="BUP")
        with timezone.override(CHICAGO):
            row = record_confirmation(result, by=world.therapist, confirmation="positive")
    assert row.flag == "unexpected-positive"


def test_a_last_use_after_today_in_the_program_is_refused(world, login):
    client = login(world.therapist)
    url = reverse("screens:tab", args=[world.participant.public_id])
    evening = datetime(2026, 11, 20, 18, 30, tzinfo=CHICAGO)  # already the 21st in UTC
    with time_machine.travel(evening, tick=False):
        tomorrow = client.post(url, {"last_used_on": "2026-11-21", "substance": "alcohol"})
        today = client.post(url, {"last_used_on": "2026-11-20", "substance": "alcohol"})
    assert tomorrow.status_code == 400
    assert "cannot be in the future" in tomorrow.content.decode()
    assert today.status_code == 302
    assert [u.last_used_on for u in UseReport.objects.all()] == [date(2026, 11, 20)]


def test_each_screen_says_what_it_flagged_above_its_analytes(world, login, screen_with):
    screen_with(COC="positive")
    screen_with(when=COLLECTED + timedelta(days=7))
    page = login(world.therapist).get(reverse("screens:tab", args=[world.participant.public_id]))
    text = page.content.decode()
    later, earlier = re.split(r'<article class="screen" id="screen-[0-9a-f-]+">', text)[1:3]
    assert "Nothing unexpected on this screen." in later.split("<table>")[0]
    assert (
        '<li class="flag flag-warning">Unexpected positive: Cocaine (benzoylecgonine)'
        " (presumptive)</li>" in earlier.split("<table>")[0]
    )
