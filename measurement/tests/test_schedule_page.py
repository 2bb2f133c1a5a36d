"""The page that edits a program's measurement schedule: rows as data with their reasons,
versioned and audited saves, and who may open it with which method."""

import re
from typing import Any

import pytest
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from measurement.due import rows_for
from measurement.models import ProgramMeasurement
from measurement.schedule import DEFAULT
from tests.authz import ALL_PERSONAS, HTTP_METHODS, NOT_STAFF, OTHER_ORGANIZATION


def url(world) -> str:
    return reverse("measurement:schedule", args=[world.program.public_id])


def form_data(rows, *, weeks=6, morning="8", version=None, extra_blank=True) -> dict:
    data: dict[str, str | list[str]] = {
        "row-TOTAL_FORMS": str(len(rows) + (1 if extra_blank else 0)),
        "row-INITIAL_FORMS": "0",
        "row-MIN_NUM_FORMS": "0",
        "row-MAX_NUM_FORMS": "1000",
        "weeks_to_improve": str(weeks),
        "morning_hour": morning,
        "version": "" if version is None else str(version),
    }
    for n, row in enumerate(rows):
        data[f"row-{n}-instrument"] = row.instrument
        data[f"row-{n}-when"] = row.when
        data[f"row-{n}-days"] = "" if row.days is None else str(row.days)
        data[f"row-{n}-reason"] = row.reason
        if row.triggers:
            data[f"row-{n}-triggers"] = list(row.triggers)
    if extra_blank:
        n = len(rows)
        data.update({f"row-{n}-instrument": "", f"row-{n}-when": "", f"row-{n}-reason": ""})
    return data


def with_phq9_every(days: int, reason: str):
    return [
        r.__class__(r.instrument, r.when, days, r.triggers, reason)
        if (r.instrument, r.when) == ("phq-9", "every")
        else r
        for r in DEFAULT
    ]


def test_the_page_shows_the_default_rows_each_with_its_reason(world, login):
    page = login(world.director).get(url(world))
    text = page.content.decode()
    assert page.status_code == 200
    assert "uses Tandem's default schedule" in text
    for row in DEFAULT:
        assert row.reason.replace("'", "&#x27;") in text


def test_each_row_offers_its_questionnaire_and_moment_in_words(world, login):
    """The choices read "GAD-7: …" and "Every so many days while positive", not the stored
    "gad-7" and "if-positive". The questionnaire's short name leads its choice, so a select
    narrower than the full name still shows which questionnaire it is (at 1280 px the name
    after "Patient Health Questionnaire-9" was cut, "(PHQ-9)" with it)."""
    html = login(world.director).get(url(world)).content.decode()

    assert '<option value="gad-7">GAD-7: Generalized Anxiety Disorder 7-item scale</option>' in html
    assert '<option value="phq-9" selected>PHQ-9: Patient Health Questionnaire-9</option>' in html
    assert '<option value="if-positive">Every so many days while positive</option>' in html
    assert '<option value="admission" selected>Once, at admission</option>' in html
    for code in (">if-positive<", ">step-down<", ">gad-7", ">cssrs-screener"):
        assert code not in html


def test_a_director_saves_a_new_version_and_it_is_audited_with_before_and_after(world, login):
    client = login(world.director)
    rows = with_phq9_every(21, "Every 21 days: the program's review rhythm.")
    response = client.post(url(world), form_data(rows, weeks=8))
    assert response.status_code == 302
    saved = ProgramMeasurement.objects.get(program=world.program)
    assert saved.weeks_to_improve == 8
    every = {(r.instrument, r.when): r.days for r in rows_for(world.program)}
    assert every[("phq-9", "every")] == 21
    event = AuditEvent.objects.get(event_type="measurement.settings_changed")
    assert event.outcome == Outcome.ALLOWED
    assert event.details["changes"]["weeks_to_improve"] == {"before": None, "after": 8}
    rows2 = with_phq9_every(28, "Every 28 days.")
    client.post(url(world), form_data(rows2, version=saved.version))
    saved.refresh_from_db()
    assert saved.version == 2
    page = client.get(url(world)).content.decode()
    weekday = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
    assert re.search(
        rf"last changed {weekday} \d{{1,2}} [A-Z][a-z]{{2}} \d{{4}}, \d\d:\d\d C[SD]T;", page
    )
    latest = AuditEvent.objects.filter(event_type="measurement.settings_changed").first()
    assert latest is not None
    before = {
        (r["instrument"], r["when"]): r["days"] for r in latest.details["changes"]["rows"]["before"]
    }
    assert before[("phq-9", "every")] == 21


def test_the_hour_reminders_go_out_from_is_shown_saved_and_audited(world, login):
    client = login(world.director)
    page = client.get(url(world)).content.decode()
    assert '<option value="8" selected>08:00</option>' in page
    assert "America/Chicago" in page

    assert client.post(url(world), form_data(list(DEFAULT), morning="7")).status_code == 302
    world.program.refresh_from_db()
    assert world.program.morning_hour == 7
    event = AuditEvent.objects.get(event_type="measurement.settings_changed")
    assert event.details["changes"]["morning_hour"] == {"before": 8, "after": 7}
    assert '<option value="7" selected>07:00</option>' in client.get(url(world)).content.decode()


@pytest.mark.parametrize("hour", ["24", "-1", "seven", ""])
def test_an_hour_outside_the_day_is_sent_back_and_nothing_is_written(world, login, hour):
    response = login(world.director).post(url(world), form_data(list(DEFAULT), morning=hour))
    assert response.status_code == 400
    world.program.refresh_from_db()
    assert world.program.morning_hour == 8
    assert not ProgramMeasurement.objects.exists()


def test_the_service_refuses_an_hour_outside_the_day(world):
    from measurement.services import set_program_schedule
    from tandem.errors import InvalidInput

    hours: tuple[Any, ...] = (24, -1, True, "7")
    for hour in hours:
        with pytest.raises(InvalidInput, match="hour reminders go out from"):
            set_program_schedule(
                world.program,
                by=world.director,
                rows=[],
                weeks_to_improve=6,
                morning_hour=hour,
                version=None,
            )
    assert not ProgramMeasurement.objects.exists()


def test_a_stale_form_is_refused_and_changes_nothing(world, login):
    client = login(world.director)
    client.post(url(world), form_data(list(DEFAULT)))
    stale = client.post(url(world), form_data(with_phq9_every(7, "Weekly."), version=0))
    assert stale.status_code == 400
    assert "changed" in stale.content.decode().lower()
    assert ProgramMeasurement.objects.get(program=world.program).version == 1


def test_a_row_without_a_reason_is_sent_back_and_nothing_is_written(world, login):
    rows = with_phq9_every(14, "")
    response = login(world.director).post(url(world), form_data(rows))
    assert response.status_code == 400
    assert not ProgramMeasurement.objects.exists()
    assert not AuditEvent.objects.filter(event_type="measurement.settings_changed").exists()


def test_a_triggered_row_needs_its_trigger(world, login):
    rows = [r for r in DEFAULT if r.when != "triggered"]
    rows.append(DEFAULT[0].__class__("cssrs-screener", "triggered", None, (), "When at risk."))
    response = login(world.director).post(url(world), form_data(rows))
    assert response.status_code == 400
    assert "name what triggers it" in response.content.decode()


def test_a_removed_row_is_dropped(world, login):
    data = form_data(list(DEFAULT))
    data["row-0-DELETE"] = "on"
    assert login(world.director).post(url(world), data).status_code == 302
    assert len(rows_for(world.program)) == len(DEFAULT) - 1


# Who may do what, written out by hand: only directors hold `measurement.configure`.
CONFIGURE = {"director"}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_who_may_open_and_save_the_schedule(world, login, persona):
    client = login(world.users[persona])
    staff_elsewhere = persona in NOT_STAFF | OTHER_ORGANIZATION
    read = client.get(url(world))
    if persona in CONFIGURE:
        assert read.status_code == 200
    else:
        assert read.status_code == (404 if staff_elsewhere else 403)
        assert "Reason" not in read.content.decode()
    wrote = client.post(url(world), form_data(list(DEFAULT), weeks=9))
    if persona in CONFIGURE:
        assert wrote.status_code == 302
        assert ProgramMeasurement.objects.get().weeks_to_improve == 9
    else:
        assert wrote.status_code in (403, 404)
        assert not ProgramMeasurement.objects.exists()
        if not staff_elsewhere:
            refusal = AuditEvent.objects.get(event_type="measurement.settings_changed")
            assert refusal.outcome == Outcome.REFUSED


@pytest.mark.parametrize("method", sorted(set(HTTP_METHODS) - {"GET", "HEAD", "POST"}))
def test_every_other_method_is_refused_with_nothing_shown(world, login, method):
    response = login(world.director).generic(method, url(world))
    assert response.status_code == 405
    assert response.content == b""


def test_head_answers_like_get_for_a_director(world, login):
    assert login(world.director).head(url(world)).status_code == 200


def test_the_page_names_the_program_s_zone_as_people_say_it(world, login):
    """Reminder hours are read in the program's zone, named as the schedule's pages name it."""
    text = login(world.director).get(url(world)).content.decode()
    assert "in the program's time zone, Central time (America/Chicago)." in text
