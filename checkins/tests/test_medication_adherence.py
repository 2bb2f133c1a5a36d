"""Medication adherence in the check-in: asked only when medications are on the list, shown
on the medication tab, and a missed-MOUD-dose pattern alerts the prescriber."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from checkins.models import CheckIn
from checkins.services import record_checkin
from medications.services import add_medication
from monitoring.models import Alert
from tandem.errors import InvalidInput

T0 = datetime(2026, 11, 16, 19, 0, tzinfo=ZoneInfo("America/Chicago"))
CALM = {"mood": 6, "craving": 2, "used": False, "safety": False}
FORM_CALM = {"mood": "6", "craving": "2", "used": "no", "safety": "no", "hours_slept": "7"}


def on_list(world, code, **extra):
    return add_medication(
        world.participant,
        by=world.prescriber,
        code=code,
        prescribed_by=world.prescriber,
        started_on=date(2026, 10, 1),
        **extra,
    )


def send(world, at, taken, **answers):
    return record_checkin(
        world.participant,
        by=world.participant_user,
        now=at,
        medications_taken=taken,
        **CALM | answers,
    )


def test_without_medications_the_check_in_does_not_ask(world, login):
    page = login(world.participant_user).get("/checkins/me/").content.decode()
    assert "Your medications since your last check-in" not in page


def test_with_a_medication_on_the_list_the_check_in_asks_once_and_needs_an_answer(world, login):
    on_list(world, "sertraline")
    client = login(world.participant_user)
    page = client.get("/checkins/me/").content.decode()
    assert "Your medications since your last check-in" in page
    assert 'name="medications_taken" value="all" checked' not in page  # never pre-answered
    assert client.post("/checkins/me/", FORM_CALM).status_code == 400
    assert CheckIn.objects.count() == 0
    client.post("/checkins/me/", {**FORM_CALM, "medications_taken": "some"})
    assert CheckIn.objects.get().medications_taken == "some"


def test_the_missing_answers_are_listed_in_the_order_the_page_asks_them(world, login):
    on_list(world, "sertraline")
    body = login(world.participant_user).post("/checkins/me/", {"mood": "6", "craving": "2"})
    summary = body.content.decode().split('class="error-summary"')[1].split("</div>")[0]
    assert re.findall(r'href="#(\w+)-field"', summary) == ["used", "medications_taken", "safety"]


def test_an_answer_outside_the_three_is_refused(world):
    with pytest.raises(InvalidInput):
        send(world, T0, "most")
    assert CheckIn.objects.count() == 0


def test_the_medication_tab_shows_adherence_from_check_ins(world, login):
    on_list(world, "sertraline")
    send(world, T0 - timedelta(days=2), "all")
    send(world, T0 - timedelta(days=1), "all")
    send(world, T0, "some")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        page = login(world.prescriber).get(
            reverse("medications:tab", args=[world.participant.public_id])
        )
    text = page.content.decode()
    assert "Took all on 2 of 3 check-ins in the last 14 days; missed doses on 1." in text
    assert "Missed MOUD doses" not in text


def test_missed_moud_doses_twice_in_a_week_alert_the_prescriber(world, login):
    on_list(world, "buprenorphine-naloxone")
    first = send(world, T0 - timedelta(days=3), "some")
    assert first.alerts == []
    second = send(world, T0, "none")
    assert [(a.kind, a.severity) for a in second.alerts] == [("checkin-moud-missed", "high")]
    assert world.prescriber in second.alerts[0].assigned_to.all()
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        text = (
            login(world.prescriber)
            .get(reverse("medications:tab", args=[world.participant.public_id]))
            .content.decode()
        )
    assert "Missed MOUD doses on 2 check-ins in the last 7 days." in text


def test_missed_doses_a_week_apart_or_of_other_medications_do_not_alert(world):
    on_list(world, "sertraline")
    send(world, T0 - timedelta(days=2), "none")
    assert send(world, T0, "none").alerts == []
    on_list(world, "methadone")
    send(world, T0 + timedelta(days=20), "some")
    assert send(world, T0 + timedelta(days=29), "some").alerts == []
    assert not Alert.objects.filter(kind="checkin-moud-missed").exists()


def test_the_api_takes_the_answer(world, login):
    on_list(world, "methadone")
    response = login(world.participant_user).post(
        "/api/v1/me/checkins",
        {**CALM, "medications_taken": "all"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert CheckIn.objects.get().medications_taken == "all"


LA = ZoneInfo("America/Los_Angeles")


def in_los_angeles(world):
    world.program.time_zone = "America/Los_Angeles"
    world.program.save(update_fields=["time_zone"])


def test_an_evening_check_in_counts_on_the_program_s_day_for_the_alert_and_the_tab(world):
    """18:00 in Los Angeles is already the next day in UTC: a check-in sent that evening on
    the last day of a buprenorphine taper reports that day's dose, so the two missed doses
    alert the prescriber and lead the medication tab's line."""
    from checkins.adherence import reported

    in_los_angeles(world)
    last_day = date(2026, 11, 16)
    bup = on_list(world, "buprenorphine-naloxone", stopped_on=last_day)
    send(world, datetime(2026, 11, 15, 18, 0, tzinfo=LA), "some")
    evening = datetime(2026, 11, 16, 18, 0, tzinfo=LA)
    second = send(world, evening, "none")
    assert [a.kind for a in second.alerts] == ["checkin-moud-missed"]
    line = reported(world.participant, [bup], now=evening + timedelta(hours=2))[bup.pk]
    assert line.startswith("Missed MOUD doses on 2 check-ins in the last 7 days.")
    assert "Took all on 0 of 2 check-ins" in line


def test_missed_doses_seven_program_days_apart_neither_alert_nor_lead_the_tab(world):
    """The alert and the tab count the same seven days of the program: a missed dose on the
    evening a week before is outside both, however few hours separate the two check-ins."""
    from checkins.adherence import reported

    in_los_angeles(world)
    bup = on_list(world, "buprenorphine-naloxone")
    send(world, datetime(2026, 11, 9, 20, 0, tzinfo=LA), "some")
    morning = datetime(2026, 11, 16, 8, 0, tzinfo=LA)
    assert send(world, morning, "none").alerts == []
    line = reported(world.participant, [bup], now=morning)[bup.pk]
    assert line == "Took all on 0 of 2 check-ins in the last 14 days; missed doses on 2."


def test_the_tab_read_on_a_los_angeles_evening_counts_the_program_s_last_seven_days(world, login):
    """At 20:00 in Los Angeles the day in UTC is already the next one: the alert raised by
    missed doses six days apart still leads the tab's line that evening."""
    in_los_angeles(world)
    on_list(world, "buprenorphine-naloxone")
    send(world, datetime(2026, 11, 10, 18, 0, tzinfo=LA), "some")
    evening = datetime(2026, 11, 16, 18, 0, tzinfo=LA)
    assert [a.kind for a in send(world, evening, "none").alerts] == ["checkin-moud-missed"]
    with time_machine.travel(evening + timedelta(hours=2), tick=False):
        text = (
            login(world.prescriber)
            .get(reverse("medications:tab", args=[world.participant.public_id]))
            .content.decode()
        )
    assert "Missed MOUD doses on 2 check-ins in the last 7 days." in text
