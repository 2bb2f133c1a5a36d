"""Case management over the API: barriers, referrals and tasks listed, created and moved on
through the policy, audited, 409 on a stale version, 422 in the API's one shape."""

from audit.models import AuditEvent
from casemanagement.models import Barrier, ReferralStatus, ResourceReferral
from casemanagement.national import national_resource
from worklist.models import Task, TaskStatus


def _url(world, what: str, pk=None) -> str:
    base = f"/api/v1/participants/{world.participant.public_id}/{what}"
    return f"{base}/{pk}" if pk else base


def _patch(client, url: str, body: dict):
    import json

    return client.patch(url, json.dumps(body), content_type="application/json")


def test_a_barrier_is_added_listed_moved_on_and_a_stale_change_is_refused(world, login):
    client = login(world.casemanager)
    made = client.post(
        _url(world, "barriers"),
        {"kind": "transport", "detail": "No bus after 6 pm"},
        content_type="application/json",
    )
    assert made.status_code == 201
    barrier = made.json()
    assert (barrier["kind"], barrier["owner"], barrier["version"]) == (
        "transport",
        world.casemanager.pk,
        1,
    )
    listed = client.get(_url(world, "barriers")).json()
    assert [b["id"] for b in listed] == [barrier["id"]]
    moved = _patch(
        client, _url(world, "barriers", barrier["id"]), {"status": "working", "version": 1}
    )
    assert moved.status_code == 200 and moved.json()["status"] == "working"
    stale = _patch(
        client, _url(world, "barriers", barrier["id"]), {"status": "resolved", "version": 1}
    )
    assert stale.status_code == 409
    assert Barrier.objects.get().status == "working"
    types = set(AuditEvent.objects.values_list("event_type", flat=True))
    assert {"casemanagement.barrier_added", "casemanagement.barrier_changed"} <= types


def test_bad_input_is_refused_in_the_one_shape_and_writes_nothing(world, login):
    client = login(world.casemanager)
    wrong = client.post(
        _url(world, "barriers"), {"kind": "weather"}, content_type="application/json"
    )
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0].keys() == {"field", "message"}
    no_owner = client.post(
        _url(world, "tasks"),
        {"title": "Call", "due_on": "2026-11-25", "owner": 999999},
        content_type="application/json",
    )
    assert no_owner.status_code == 422 and no_owner.json()["detail"][0]["field"] == "owner"
    assert not Barrier.objects.exists() and not Task.objects.exists()


def test_a_referral_loop_is_closed_through_the_api(world, login):
    client = login(world.casemanager)
    resource = national_resource("SMART Recovery")
    made = client.post(
        _url(world, "referrals"),
        {"resource": str(resource.public_id), "made_on": "2026-11-02"},
        content_type="application/json",
    ).json()
    assert made["status"] == ReferralStatus.MADE and made["resource_name"] == "SMART Recovery"
    url = _url(world, "referrals", made["id"])
    both = _patch(client, url, {"appointment_on": "2026-11-10", "status": "attended", "version": 1})
    assert both.status_code == 422
    booked = _patch(client, url, {"appointment_on": "2026-11-10", "version": 1}).json()
    assert booked["status"] == ReferralStatus.APPOINTMENT_SET
    closed = _patch(client, url, {"status": "attended", "version": booked["version"]})
    assert closed.status_code == 200 and closed.json()["status"] == ReferralStatus.ATTENDED
    assert ResourceReferral.objects.get().status == ReferralStatus.ATTENDED


def test_a_task_is_given_completed_and_someone_outside_the_team_is_refused(world, login):
    client = login(world.casemanager)
    made = client.post(
        _url(world, "tasks"),
        {"title": "Book the interpreter", "due_on": "2026-11-25"},
        content_type="application/json",
    ).json()
    assert (made["owner"], made["status"]) == (world.casemanager.pk, TaskStatus.OPEN)
    assert [t["id"] for t in client.get(_url(world, "tasks")).json()] == [made["id"]]
    done = _patch(
        client, _url(world, "tasks", made["id"]), {"action": "complete", "version": made["version"]}
    )
    assert done.status_code == 200 and done.json()["status"] == TaskStatus.DONE
    outsider = login(world.outsider)
    assert outsider.get(_url(world, "tasks")).status_code == 403
    refused = outsider.post(
        _url(world, "barriers"), {"kind": "housing"}, content_type="application/json"
    )
    assert refused.status_code == 403 and not Barrier.objects.exists()
