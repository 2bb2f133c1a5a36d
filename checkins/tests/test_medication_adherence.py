"""Medication adherence in the check-in: asked only when medications are on the list, shown
on the medication tab, and a missed-MOUD-dose pattern alerts the prescriber."""

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
