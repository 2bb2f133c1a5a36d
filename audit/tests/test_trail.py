"""The auditor reads the trail as sentences built from registered event types, one
organization at a time; record_event takes the access decision whole."""

from django.urls import reverse

from audit.context import counting_events
from audit.models import AuditEvent, Outcome
from audit.services import record_event
from participants.access import Scope, break_the_glass, decide


def _rows(page) -> str:
    return page.content.decode().split("<tbody>")[-1]


def test_the_auditor_reads_who_did_what_to_whom(world, login):
    history = reverse("participants:history", args=[world.participant.public_id])
    login(world.therapist).get(history)
    login(world.outsider).get(history)

    rows = _rows(login(world.auditor).get(reverse("audit:trail")))

    assert "Therapist Tester viewed the history (therapist) · participant T-000001" in rows
    assert (
        "Outsider Tester was not allowed to view the history (therapist) · participant T-000001 · "
        "not on this participant&#x27;s care team" in rows
    )


def test_the_auditor_filters_by_event_type(world, login):
    login(world.therapist).get(reverse("participants:history", args=[world.participant.public_id]))
    client = login(world.auditor)
    rows = _rows(client.post(reverse("audit:trail"), {"event_type": "account.signed_in"}))
    assert "Therapist Tester signed in (" not in rows  # no role on a sign-in
    assert "Therapist Tester signed in" in rows and "viewed the history" not in rows


def test_the_auditor_sees_only_their_organizations_events(world, login):
    record_event(
        actor=world.stranger,
        event_type="chart.viewed",
        participant=world.other_org_participant,
    )
    rows = _rows(login(world.auditor).get(reverse("audit:trail")))
    assert "Stranger" not in rows


def test_record_event_takes_role_grant_outcome_and_reason_from_the_decision(world):
    grant = break_the_glass(world.outsider, world.participant, "Crisis call, care team away")
    decision = decide(world.outsider, world.participant, "view", Scope.CLINICAL)

    event = record_event(
        actor=world.outsider,
        event_type="chart.viewed",
        decision=decision,
        participant=world.participant,
    )

    assert (event.role, event.break_glass, event.outcome) == ("therapist", grant, Outcome.ALLOWED)
    assert event.details["why"] == "break-the-glass"
    assert event.reason == "Crisis call, care team away"

    refused = decide(world.billing, world.participant, "view", Scope.CLINICAL)
    event = record_event(
        actor=world.billing,
        event_type="chart.viewed",
        decision=refused,
        participant=world.participant,
    )
    assert event.outcome == Outcome.REFUSED and event.role == "billing"


def test_a_request_counts_the_events_it_writes(world):
    with counting_events() as outer:
        record_event(actor=world.therapist, event_type="caseload.viewed")
        with counting_events() as inner:
            record_event(actor=world.therapist, event_type="caseload.viewed")
    assert (outer.written, inner.written) == (2, 1)
    assert AuditEvent.objects.filter(event_type="caseload.viewed").count() == 2


def test_the_trail_names_roles_as_the_program_does(world, login):
    record_event(
        actor=world.director,
        event_type="chart.viewed",
        participant=world.participant,
        role="director,front_desk",
    )
    record_event(
        actor=world.frontdesk, event_type="chart.viewed", participant=world.participant, role="x"
    )

    rows = _rows(login(world.auditor).get(reverse("audit:trail")))

    assert "viewed the chart (program director, front desk) · participant T-000001" in rows
    assert "viewed the chart (x) · participant T-000001" in rows  # a role it does not know
    assert "front_desk" not in rows


def test_the_trail_and_the_caseload_name_the_zone_as_people_say_it(world, login):
    """Times read "Central time (America/Chicago)", not the bare database name."""
    trail = login(world.auditor).get(reverse("audit:trail")).content.decode()
    home = login(world.therapist).get("/").content.decode()

    assert "Times in Central time (America/Chicago)." in trail
    assert "Times in Central time (America/Chicago)." in home
