"""Opening a chart: the care team may, an outsider may not unless they break the glass."""

import re

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent, Outcome
from participants.models import BreakGlassGrant


def chart_url(world):
    return reverse("participants:chart", args=[world.participant.public_id])


def test_care_team_member_sees_the_chart_and_the_view_is_audited(world, login):
    client = login(world.therapist)
    response = client.get(chart_url(world))
    assert response.status_code == 200
    assert b"Robin Testperson" in response.content
    event = AuditEvent.objects.filter(actor=world.therapist, participant=world.participant).latest(
        "id"
    )
    assert (event.action, event.outcome, event.role) == (Action.VIEW, Outcome.ALLOWED, "therapist")
    assert event.client_address == "127.0.0.1"


def test_outsider_is_refused_without_seeing_any_data_and_the_refusal_is_audited(world, login):
    client = login(world.outsider)
    response = client.get(chart_url(world))
    assert response.status_code == 403
    # Addresses, the form token and the script nonce are random and may hold "1990" by chance.
    shown = re.sub(
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        r'|name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"',
        "",
        response.content.decode(),
    )
    assert "Robin" not in shown and "Testperson" not in shown and "1990" not in shown
    assert b"Break the glass" in response.content
    event = AuditEvent.objects.filter(actor=world.outsider, participant=world.participant).latest(
        "id"
    )
    assert (event.action, event.outcome) == (Action.VIEW, Outcome.REFUSED)


def test_break_the_glass_needs_a_reason_then_grants_flagged_access(world, login):
    client = login(world.outsider)
    url = reverse("participants:break_glass", args=[world.participant.public_id])
    response = client.post(url, {"reason": "short"})
    assert response.status_code == 400
    assert not BreakGlassGrant.objects.exists()

    response = client.post(url, {"reason": "On call; participant in crisis at the front desk"})
    assert response.status_code == 302
    grant = BreakGlassGrant.objects.get()
    response = client.get(chart_url(world))
    assert response.status_code == 200
    assert b"Emergency access until" in response.content
    view = AuditEvent.objects.filter(actor=world.outsider, action=Action.VIEW).latest("id")
    assert view.break_glass == grant
    assert view.reason == "On call; participant in crisis at the front desk"


def test_break_glass_shows_on_the_auditors_review_list_until_reviewed(world, login):
    login(world.outsider).post(
        reverse("participants:break_glass", args=[world.participant.public_id]),
        {"reason": "Covering for the primary clinician who is off sick"},
    )
    client = login(world.auditor)
    page = client.get(reverse("audit:trail"))
    assert b"Covering for the primary clinician" in page.content
    grant = BreakGlassGrant.objects.get()
    client.post(reverse("audit:review", args=[grant.public_id]), {"note": "Appropriate: cover"})
    grant.refresh_from_db()
    assert grant.reviewed_by == world.auditor
    assert b"Break-the-glass to review" not in client.get(reverse("audit:trail")).content


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("persona", ["frontdesk", "billing", "auditor", "participant_user"])
def test_accounts_that_cannot_break_the_glass_never_see_the_form(world, login, persona, method):
    """Not even the record number: the refusal is audited and the page names no one."""
    user = world.users[persona]
    client = login(user)
    url = reverse("participants:break_glass", args=[world.participant.public_id])

    response = getattr(client, method)(
        url, {"reason": "I would like to read the clinical notes please"}
    )

    assert response.status_code == 403
    assert world.participant.record_number.encode() not in response.content
    assert not BreakGlassGrant.objects.exists()
    events = AuditEvent.objects.filter(actor=user, participant=world.participant)
    assert [(e.action, e.outcome) for e in events] == [(Action.BREAK_GLASS, Outcome.REFUSED)]


def test_the_form_a_clinician_outside_the_team_sees_is_audited(world, login):
    client = login(world.outsider)
    response = client.get(reverse("participants:break_glass", args=[world.participant.public_id]))
    assert response.status_code == 200
    assert world.participant.record_number.encode() in response.content
    events = AuditEvent.objects.filter(actor=world.outsider, participant=world.participant)
    assert [(e.action, e.outcome) for e in events] == [(Action.VIEW, Outcome.ALLOWED)]


def test_auditor_reads_the_trail_but_not_the_chart(world, login):
    login(world.therapist).get(chart_url(world))
    client = login(world.auditor)
    assert client.get(chart_url(world)).status_code == 403
    page = client.post(reverse("audit:trail"), {"username": "therapist", "action": "view"})
    assert page.status_code == 200
    assert b"therapist" in page.content and b"T-000001" in page.content


def test_auditor_filters_by_record_number_and_dates(world, login):
    login(world.therapist).get(chart_url(world))
    client = login(world.auditor)
    page = client.post(reverse("audit:trail"), {"record_number": "T-000002"})
    assert b"T-000001" not in page.content.split(b"<tbody>")[-1]
    bad = client.post(reverse("audit:trail"), {"start": "2026-11-20", "end": "2026-11-01"})
    assert bad.status_code == 400
    assert b"end date is before the start date" in bad.content


def test_unknown_participant_id_gets_a_clear_404(world, login):
    client = login(world.therapist)
    response = client.get("/participants/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert b"No participant has that id" in response.content


def test_clinicians_only_see_the_audit_page_refusal(world, login):
    assert login(world.therapist).get(reverse("audit:trail")).status_code == 403


def test_print_and_export_are_audited_as_such(world, login):
    client = login(world.therapist)
    assert (
        b"CONFIDENTIAL"
        in client.get(reverse("participants:print", args=[world.participant.public_id])).content
    )
    export = client.post(
        reverse("consent:disclose", args=[world.participant.public_id]),
        {"to": "participant", "what": "export"},
    )
    assert export.json()["participant"]["record_number"] == "T-000001"
    actions = list(
        AuditEvent.objects.filter(actor=world.therapist, participant=world.participant)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == [Action.PRINT, Action.EXPORT]


def test_front_desk_may_print_the_face_sheet_but_not_export(world, login):
    client = login(world.frontdesk)
    assert (
        client.get(reverse("participants:print", args=[world.participant.public_id])).status_code
        == 200
    )
    assert (
        client.post(
            reverse("consent:disclose", args=[world.participant.public_id]),
            {"to": "participant", "what": "export"},
        ).status_code
        == 403
    )


def test_history_shows_field_level_before_and_after(world, login):
    from participants.services import update_demographics

    update_demographics(
        world.participant, by=world.therapist, changes={"phone": "555-0100"}, expected_version=1
    )
    page = login(world.therapist).get(
        reverse("participants:history", args=[world.participant.public_id])
    )
    assert b"phone" in page.content and b"555-0100" in page.content
