"""The medication list: adding here or elsewhere, stopping, refusals, the API, query count."""

import json
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from medications import selectors
from medications.models import Medication
from medications.services import add_medication, stop_medication
from tandem.errors import ConcurrentEdit, InvalidInput


def api_url(world) -> str:
    return f"/api/v1/participants/{world.participant.public_id}/medications"


def test_a_known_medication_fills_in_its_name_and_is_a_part2_record(world):
    row = add_medication(
        world.participant,
        by=world.therapist,
        code="methadone",
        dose="80 mg daily",
        prescribed_elsewhere="Opioid treatment program",
        started_on=date(2026, 9, 1),
    )
    assert (row.name, row.group, row.is_part2) == ("Methadone", "oud", True)
    event = AuditEvent.objects.get(event_type="medication.added")
    assert event.details["part2"] is True


def test_a_medication_without_a_code_or_name_is_refused(world):
    with pytest.raises(InvalidInput) as refused:
        add_medication(world.participant, by=world.therapist, started_on=date(2026, 9, 1))
    assert refused.value.field == "name"
    assert not Medication.objects.exists()


def test_a_stop_before_the_start_is_refused(world):
    with pytest.raises(InvalidInput) as refused:
        add_medication(
            world.participant,
            by=world.therapist,
            code="sertraline",
            started_on=date(2026, 9, 1),
            stopped_on=date(2026, 8, 1),
        )
    assert refused.value.field == "stopped_on"


def test_a_prescriber_here_and_elsewhere_at_once_is_refused(world):
    with pytest.raises(InvalidInput):
        add_medication(
            world.participant,
            by=world.therapist,
            code="sertraline",
            prescribed_by=world.prescriber,
            prescribed_elsewhere="Dr Elsewhere",
            started_on=date(2026, 9, 1),
        )


def test_a_prescriber_of_another_organization_is_refused(world):
    with pytest.raises(InvalidInput) as refused:
        add_medication(
            world.participant,
            by=world.therapist,
            code="sertraline",
            prescribed_by=world.stranger,
            started_on=date(2026, 9, 1),
        )
    assert refused.value.field == "prescribed_by"


def test_a_staff_member_who_does_not_prescribe_is_refused_as_prescriber_here(world):
    for staff in (world.counsellor, world.nurse, world.casemanager, world.peer):
        with pytest.raises(InvalidInput) as refused:
            add_medication(
                world.participant,
                by=world.therapist,
                code="sertraline",
                prescribed_by=staff,
                started_on=date(2026, 9, 1),
            )
        assert refused.value.field == "prescribed_by"
    assert not Medication.objects.exists()
    assert not AuditEvent.objects.filter(event_type="medication.added").exists()


def test_the_form_offers_only_the_programs_prescribers(world, login):
    page = login(world.therapist).get(
        reverse("medications:tab", args=[world.participant.public_id])
    )
    offered = list(page.context["form"].prescribers.values())
    assert offered == [world.prescriber]
    html = page.content.decode()
    assert f'<option value="{world.prescriber.pk}">' in html
    assert f'<option value="{world.counsellor.pk}">' not in html


def test_a_posted_prescriber_who_does_not_prescribe_is_refused_on_the_field(world, login):
    response = login(world.therapist).post(
        reverse("medications:tab", args=[world.participant.public_id]),
        {"code": "sertraline", "prescribed_by": world.counsellor.pk, "started_on": "2026-09-01"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["prescribed_by"] == [
        "Choose one of the program's prescribers, or name a prescriber elsewhere."
    ]
    assert not Medication.objects.exists()


def test_the_api_refuses_a_prescriber_who_does_not_prescribe(world, login):
    response = login(world.therapist).post(
        api_url(world),
        json.dumps(
            {"code": "sertraline", "prescribed_by": world.nurse.pk, "started_on": "2026-09-01"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == [
        {
            "field": "prescribed_by",
            "message": "Choose one of the program's prescribers, or name a prescriber elsewhere.",
        }
    ]
    assert not Medication.objects.exists()


def test_stopping_twice_or_from_a_stale_form_is_refused(world):
    row = add_medication(
        world.participant, by=world.therapist, code="acamprosate", started_on=date(2026, 9, 1)
    )
    stopped = stop_medication(
        row, by=world.therapist, stopped_on=date(2026, 10, 1), reason="Finished", expected_version=1
    )
    assert stopped.version == 2
    with pytest.raises(ConcurrentEdit):
        stop_medication(
            row, by=world.therapist, stopped_on=date(2026, 10, 2), reason="", expected_version=1
        )
    with pytest.raises(InvalidInput):
        stop_medication(
            row, by=world.therapist, stopped_on=date(2026, 10, 2), reason="", expected_version=2
        )


def test_the_api_adds_and_lists(world, login):
    client = login(world.therapist)
    response = client.post(
        api_url(world),
        json.dumps(
            {
                "code": "buprenorphine-naloxone",
                "dose": "16 mg/4 mg daily",
                "prescribed_by": world.prescriber.pk,
                "started_on": "2026-09-08",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["prescribed_here"], body["part2"]) == (
        "Buprenorphine/naloxone",
        True,
        True,
    )
    listed = client.get(api_url(world)).json()
    assert [m["code"] for m in listed] == ["buprenorphine-naloxone"]


def test_the_api_refuses_a_date_outside_the_program_range(world, login):
    response = login(world.therapist).post(
        api_url(world),
        json.dumps({"name": "Lithium", "started_on": "1850-01-01"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "started_on"


def test_adherence_comes_from_a_registered_provider(world):
    row = add_medication(
        world.participant, by=world.therapist, code="naltrexone-oral", started_on=date(2026, 9, 1)
    )

    def provider(participant, medications):
        return {m.pk: "taken as prescribed on 6 of 7 days" for m in medications}

    selectors.ADHERENCE.register(provider)
    try:
        said = selectors.adherence(world.participant, [row])
    finally:
        selectors.ADHERENCE.unregister(provider)
    assert said == {row.pk: "taken as prescribed on 6 of 7 days"}


def test_the_medications_tab_keeps_a_flat_query_count(world, login):
    client = login(world.therapist)
    url = reverse("medications:tab", args=[world.participant.public_id])
    add_medication(
        world.participant, by=world.therapist, code="lithium", started_on=date(2026, 9, 1)
    )
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for code in ("sertraline", "quetiapine", "methadone", "disulfiram"):
        add_medication(
            world.participant,
            by=world.therapist,
            code=code,
            prescribed_by=world.prescriber,
            started_on=date(2026, 9, 1),
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200
    assert "Disulfiram" in page.content.decode()
    assert len(many) == len(few)


def test_a_stop_recorded_ahead_leaves_the_medication_taken_until_that_day(world, login):
    """The last day of a taper can be recorded ahead: until then the medication is on the
    list as taken, with the day it ends, not greyed out among the stopped ones."""
    tapering = add_medication(
        world.participant, by=world.therapist, code="quetiapine", started_on=date(2026, 9, 1)
    )
    stop_medication(
        tapering,
        by=world.therapist,
        stopped_on=date(2026, 12, 18),
        reason="Taper",
        expected_version=1,
    )
    finished = add_medication(
        world.participant, by=world.therapist, code="sertraline", started_on=date(2026, 9, 2)
    )
    stop_medication(
        finished, by=world.therapist, stopped_on=date(2026, 11, 1), reason="", expected_version=1
    )

    listed = selectors.medications_for(world.participant, date(2026, 12, 2))
    assert [(m.name, m.stopped) for m in listed] == [("Quetiapine", False), ("Sertraline", True)]
    after = selectors.medications_for(world.participant, date(2026, 12, 19))
    assert [m.stopped for m in after] == [True, True]

    url = reverse("medications:tab", args=[world.participant.public_id])
    with time_machine.travel(datetime(2026, 12, 2, 18, tzinfo=UTC), tick=False):
        page = login(world.therapist).get(url).content.decode()
    assert "ends Fri 18 Dec 2026" in page
    assert "<td>Tue 1 Sep 2026</td>" in page
    assert "<tr>\n        <td>Quetiapine</td>" in page  # not greyed out
    assert '<tr class="muted">\n        <td>Sertraline</td>' in page


def test_only_a_medication_still_taken_offers_its_stop_folded_in_its_row(world, login):
    """A list of five medications is not five open date fields: each row still taken folds
    its stop behind "Record a stop"; a stopped one offers none."""
    add_medication(
        world.participant, by=world.therapist, code="quetiapine", started_on=date(2026, 9, 1)
    )
    finished = add_medication(
        world.participant, by=world.therapist, code="sertraline", started_on=date(2026, 9, 2)
    )
    stop_medication(
        finished, by=world.therapist, stopped_on=date(2026, 11, 1), reason="", expected_version=1
    )
    url = reverse("medications:tab", args=[world.participant.public_id])
    page = login(world.therapist).get(url).content.decode()
    assert page.count("<details><summary>Record a stop</summary>") == 1
    quetiapine = page.split("<td>Quetiapine</td>", 1)[1].split("</tr>", 1)[0]
    assert "<details><summary>Record a stop</summary>" in quetiapine


def test_a_closed_chart_offers_no_form_it_would_refuse(world, login):
    """After discharge the list is read-only: no "Add a medication" and no "Record a stop"
    that lead only to a refusal page."""
    from discharge.tests.builders import discharge_world

    add_medication(
        world.participant, by=world.therapist, code="quetiapine", started_on=date(2026, 9, 1)
    )
    discharge_world(world)
    url = reverse("medications:tab", args=[world.participant.public_id])
    page = login(world.therapist).get(url).content.decode()
    assert "<td>Quetiapine</td>" in page
    assert "Add a medication" not in page and "Record a stop" not in page


def test_the_add_form_starts_on_choose_and_records_nothing_by_default(world, login):
    """Medication and prescriber start on an empty "Choose…" that must be picked: a form sent
    as it opened adds nothing, and "Other" and "Not prescribed here" are picked on purpose."""
    client = login(world.prescriber)
    url = reverse("medications:tab", args=[world.participant.public_id])
    html = client.get(url).content.decode()
    for field in ("code", "prescribed_by"):
        select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S)
        assert select is not None
        assert re.match(r'\s*<option value="" selected>Choose…</option>', select.group(1))
        assert " required" in select.group(0).split(">")[0]

    sent_as_opened = client.post(url, {"started_on": "2026-09-08"})
    assert sent_as_opened.status_code == 400
    assert not Medication.objects.exists()

    client.post(
        url,
        {
            "code": "typed",
            "name": "Gabapentin",
            "prescribed_by": "elsewhere",
            "started_on": "2026-09-08",
        },
    )
    row = Medication.objects.get()
    assert (row.name, row.code, row.prescribed_by) == ("Gabapentin", "", None)
