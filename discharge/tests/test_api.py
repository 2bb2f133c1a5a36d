"""The discharge and follow-up API (contract: 201 on discharge; follow-ups with due_on and
status; each item still open on the participant closed or handed over as the body chooses,
with the page's rules)."""

from datetime import date
from uuid import uuid4

import pytest
from django.test import Client

from audit.models import AuditEvent
from discharge.models import Discharge, Handover
from discharge.tests.builders import DISCHARGE_DAY
from monitoring.models import Alert, AlertStatus
from monitoring.services import raise_alert
from participants.models import Episode
from worklist.models import Task, TaskStatus
from worklist.services import create_task

# Every body is dated the discharge day: the clock is that afternoon.
pytestmark = pytest.mark.usefixtures("discharge_day")


def _url(world) -> str:
    return (
        f"/api/v1/participants/{world.participant.public_id}"
        f"/episodes/{world.episode.public_id}/discharge"
    )


def _body(**changes):
    body = {
        "type": "left_early",
        "date": "2026-11-20",
        "reason": "Stopped attending after week six.",
        "aftercare": {"next_provider": "Eastside Counseling", "on_moud": True},
        "follow_up_consent": True,
        "channel": "text",
    }
    return body | changes


def test_a_discharge_is_created_with_its_teds_reason_and_follow_ups(world, login):
    client = login(world.therapist)
    response = client.post(_url(world), _body(), content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert (data["type"], data["teds_reason"], data["moud_gap"]) == ("left_early", "2", True)
    assert [f["due_on"] for f in data["follow_ups"]] == [
        "2026-11-27",
        "2026-12-20",
        "2027-02-18",
        "2027-05-19",
        "2027-11-20",
    ]
    listed = client.get(f"/api/v1/participants/{world.participant.public_id}/follow-ups").json()
    assert (listed[0]["due_on"], listed[0]["status"]) == ("2026-11-27", "scheduled")
    assert Discharge.objects.get().discharged_on == date(2026, 11, 20)


def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(world, login):
    client = login(world.therapist)
    for body, field in [
        (_body(type="graduated"), "type"),
        (_body(reason="no"), "reason"),
        (_body(channel=None), "channel"),
        (_body(date="2026-09-01"), "date"),
    ]:
        response = client.post(_url(world), body, content_type="application/json")
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["field"] == field
    assert not Discharge.objects.exists()


def test_a_stale_version_is_a_409(world, login):
    client = login(world.therapist)
    response = client.post(_url(world), _body(version=7), content_type="application/json")
    assert response.status_code == 409


# ---------------------------------------------------------------- open items at discharge


def _alert(world, title):
    return raise_alert(
        world.participant, kind="test", severity="high", title=title, dedupe_key=title
    )


def _task(world, title):
    return create_task(
        title=title,
        due_on=DISCHARGE_DAY,
        by=world.therapist,
        participant=world.participant,
        owner=world.therapist,
    )


def _items(client, world) -> dict[str, str]:
    url = f"/api/v1/participants/{world.participant.public_id}/discharge/open-items"
    return {row["title"]: row["item"] for row in client.get(url).json()}


def test_open_items_are_listed_with_the_key_a_discharge_names_them_by(world, login):
    alert, task = _alert(world, "Missed two sessions"), _task(world, "Call the probation officer")
    client = login(world.therapist)
    url = f"/api/v1/participants/{world.participant.public_id}/discharge/open-items"
    rows = client.get(url).json()
    assert [(r["kind"], r["item"], r["title"]) for r in rows] == [
        ("alert", f"alert:{alert.public_id}", "Missed two sessions"),
        ("task", f"task:{task.public_id}", "Call the probation officer"),
    ]
    assert AuditEvent.objects.filter(
        participant=world.participant, event_type="chart.viewed", details__list="open items"
    ).exists()


def test_open_items_are_closed_or_handed_over_as_the_body_chooses(world, login):
    closed, handed = _alert(world, "Missed two sessions"), _alert(world, "Use reported")
    task = _task(world, "Call the probation officer")
    client = login(world.therapist)
    keys = _items(client, world)
    response = client.post(
        _url(world),
        _body(
            open_items=[
                {"item": keys["Missed two sessions"], "choice": "closed", "note": "Resolved."},
                {"item": keys["Use reported"], "choice": "handed_over", "to": world.supervisor.pk},
                {
                    "item": keys["Call the probation officer"],
                    "choice": "handed_over",
                    "to": world.casemanager.pk,
                    "note": "Aftercare contact.",
                },
            ]
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Alert.objects.get(pk=closed.pk).status == AlertStatus.ACKNOWLEDGED
    handed = Alert.objects.get(pk=handed.pk)
    assert (handed.status, list(handed.assigned_to.all())) == ("open", [world.supervisor])
    task.refresh_from_db()
    assert task.status == TaskStatus.HANDED_OVER
    assert task.handed_over_to.owner == world.casemanager
    record = Discharge.objects.get()
    assert {(h.title, h.choice, h.handed_to) for h in record.handovers.all()} == {
        ("Missed two sessions", "closed", None),
        ("Use reported", "handed_over", world.supervisor),
        ("Call the probation officer", "handed_over", world.casemanager),
    }
    event = AuditEvent.objects.get(event_type="discharge.recorded")
    assert sorted(h["choice"] for h in event.details["handovers"]) == [
        "closed",
        "handed_over",
        "handed_over",
    ]


def _nothing_written(world, alert, task):
    assert not Discharge.objects.exists()
    assert not Handover.objects.exists()
    assert Episode.objects.get(pk=world.episode.pk).status == "active"
    alert = Alert.objects.get(pk=alert.pk)
    assert (alert.status, list(alert.assigned_to.all())) == ("open", [world.therapist])
    task = Task.objects.get(pk=task.pk)
    assert (task.status, task.owner) == (TaskStatus.OPEN, world.therapist)
    assert Task.objects.count() == 1
    assert not AuditEvent.objects.filter(
        event_type__in=[
            "discharge.recorded",
            "alert.reassigned",
            "alert.acknowledged",
            "worklist.task_cancelled",
            "worklist.task_handed_over",
        ]
    ).exists()


@pytest.mark.parametrize("persona", ["frontdesk", "outsider"])
def test_handing_over_to_someone_who_cannot_open_the_record_is_a_422_writing_nothing(
    world, login, persona
):
    alert, task = _alert(world, "Missed two sessions"), _task(world, "Call the probation officer")
    client = login(world.therapist)
    keys = _items(client, world)
    response = client.post(
        _url(world),
        _body(
            open_items=[
                {"item": keys["Call the probation officer"], "choice": "closed", "note": "Done."},
                {
                    "item": keys["Missed two sessions"],
                    "choice": "handed_over",
                    "to": world.users[persona].pk,
                },
            ]
        ),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["field"] == "open_items.1"
    assert "cannot open this participant's record" in error["message"]
    assert "Missed two sessions" in error["message"]
    _nothing_written(world, alert, task)
    refused = AuditEvent.objects.filter(
        participant=world.participant, actor=world.therapist, details__refused="discharge"
    )
    assert refused.count() == 1


def test_a_task_handed_over_to_its_owner_is_a_422_naming_the_entry_and_writes_nothing(world, login):
    alert, task = _alert(world, "Missed two sessions"), _task(world, "Call the probation officer")
    client = login(world.therapist)
    keys = _items(client, world)
    response = client.post(
        _url(world),
        _body(
            open_items=[
                {
                    "item": keys["Missed two sessions"],
                    "choice": "handed_over",
                    "to": world.supervisor.pk,
                },
                {
                    "item": keys["Call the probation officer"],
                    "choice": "handed_over",
                    "to": world.therapist.pk,
                },
            ]
        ),
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["field"] == "open_items.1"
    assert "has it already" in error["message"]
    assert "Call the probation officer" in error["message"]
    _nothing_written(world, alert, task)


def test_bad_choices_are_422s_naming_the_entry_and_write_nothing(world, login):
    alert, task = _alert(world, "Missed two sessions"), _task(world, "Call the probation officer")
    client = login(world.therapist)
    keys = _items(client, world)
    close_task = {"item": keys["Call the probation officer"], "choice": "closed", "note": "Done."}
    alert_key = keys["Missed two sessions"]
    for entries, field, message in [
        ([close_task], "open_items", "Choose whether to close or hand over: Missed two"),
        (
            [close_task, {"item": alert_key, "choice": "closed"}],
            "open_items.1",
            "Say why it can be closed",
        ),
        (
            [close_task, {"item": alert_key, "choice": "handed_over"}],
            "open_items.1",
            "Name the staff member",
        ),
        (
            [close_task, {"item": alert_key, "choice": "handed_over", "to": world.stranger.pk}],
            "open_items.1",
            "Name the staff member",
        ),
        (
            [close_task, {"item": alert_key, "choice": "handed_over", "to": 999999}],
            "open_items.1.to",
            "No staff member has that id",
        ),
        ([close_task, close_task], "open_items.1.item", "has a choice already"),
        (
            [close_task, {"item": alert_key, "choice": "kept"}],
            "open_items.1.choice",
            "",
        ),
        (
            [
                close_task,
                {"item": alert_key, "choice": "closed", "note": "Resolved."},
                {"item": "alert:" + str(uuid4()), "choice": "closed", "note": "Resolved."},
            ],
            "open_items.2",
            "Nothing with this id is open",
        ),
    ]:
        response = client.post(
            _url(world), _body(open_items=entries), content_type="application/json"
        )
        assert response.status_code == 422, entries
        (error,) = response.json()["detail"]
        assert error["field"] == field, (entries, error)
        assert message in error["message"], error
    _nothing_written(world, alert, task)


def test_the_openapi_document_describes_the_choices_at_discharge(db):
    spec = Client().get("/api/v1/openapi.json").json()
    listed = spec["paths"]["/api/v1/participants/{participant_id}/discharge/open-items"]["get"]
    assert (
        listed["summary"] == "Items still open on a participant, each needing a choice at discharge"
    )
    schemas = spec["components"]["schemas"]
    assert "open_items" in schemas["DischargeIn"]["properties"]
    choice = schemas["ItemChoiceIn"]
    assert set(choice["required"]) == {"item", "choice"}
    assert set(choice["properties"]) == {"item", "choice", "to", "note"}
