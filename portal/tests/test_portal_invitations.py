"""A clinician on the care team invites a participant to the portal from the chart: the login
is made once, the participant chooses a password through the link and signs in to the portal;
a new link replaces the earlier; portal access can be turned off. A clinician outside the care
team, the front desk and billing cannot."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from conftest import PASSWORD
from portal import services
from signin import invitations
from signin.models import Invitation
from tandem.errors import AccessDenied, InvalidInput

NEW_PASSWORD = "harbour-willow-canvas-58"


def test_a_clinician_invites_a_participant_who_then_signs_in_to_the_portal(world, login, client):
    casey = world.referral
    page = login(world.director).get(reverse("portal:access", args=[casey.public_id]))
    assert b"has no portal login" in page.content
    response = client.post(reverse("portal:invite", args=[casey.public_id]), {"username": "casey"})
    assert response.status_code == 200
    link = response.content.decode().split('value="http://testserver')[1].split('"')[0]
    casey.refresh_from_db()
    assert casey.user.username == "casey"
    assert casey.user.kind == casey.user.Kind.PARTICIPANT
    assert not casey.user.has_usable_password()

    client.logout()
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed_in = client.post("/accounts/login/", {"username": "casey", "password": NEW_PASSWORD})
    assert signed_in["Location"] == reverse("portal:home")

    tab = login(world.director).get(reverse("portal:access", args=[casey.public_id]))
    assert b"Last signed in" in tab.content
    assert b"Never" not in tab.content
    event = AuditEvent.objects.get(event_type="portal.invited")
    assert event.participant_id == casey.pk
    assert event.details["login_made"] is True


def test_a_username_is_asked_for_a_first_login_and_refused_when_taken(world, login):
    director = login(world.director)
    url = reverse("portal:invite", args=[world.referral.public_id])
    assert director.post(url, {}).status_code == 400
    taken = director.post(url, {"username": "Therapist"})
    assert taken.status_code == 400
    assert b"That username is taken" in taken.content
    world.referral.refresh_from_db()
    assert world.referral.user is None


def test_a_new_link_revokes_the_earlier(world):
    first = services.invite_to_portal(world.participant, by=world.therapist)
    second = services.invite_to_portal(world.participant, by=world.therapist)
    with pytest.raises(invitations.InvitationUnavailable):
        invitations.accept(first.token, NEW_PASSWORD)
    account = invitations.accept(second.token, NEW_PASSWORD)
    assert account == world.participant_user


def test_the_link_is_emailed_to_the_records_address(world, run_tasks):
    world.participant.email = "robin@example.org"
    world.participant.save(update_fields=["email"])
    issued = services.invite_to_portal(world.participant, by=world.therapist)
    run_tasks()
    assert [m.to for m in mail.outbox] == [["robin@example.org"]]
    assert issued.path in mail.outbox[0].body


@pytest.mark.parametrize("persona", ["outsider", "frontdesk", "billing", "auditor", "stranger"])
def test_only_those_who_give_logins_and_reach_the_record_invite(world, persona):
    by = world.users[persona]
    with pytest.raises(AccessDenied):
        services.invite_to_portal(world.participant, by=by)
    with pytest.raises(AccessDenied):
        services.turn_off_portal(world.participant, by=by)
    assert not Invitation.objects.exists()
    refused = AuditEvent.objects.filter(actor=by, outcome=Outcome.REFUSED)
    assert refused.count() == 2


def test_a_clinician_outside_the_care_team_cannot_invite_through_the_page(world, login):
    response = login(world.outsider).post(
        reverse("portal:invite", args=[world.participant.public_id])
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_portal_access_turned_off_signs_in_no_more(world, login, client):
    issued = services.invite_to_portal(world.participant, by=world.therapist)
    participant = login(world.participant_user)
    services.turn_off_portal(world.participant, by=world.therapist)
    assert participant.get(reverse("portal:home")).status_code == 302
    client.logout()
    refused = client.post(
        "/accounts/login/", {"username": "participant_user", "password": PASSWORD}
    )
    assert refused.status_code == 400
    with pytest.raises(invitations.InvitationUnavailable):
        invitations.accept(issued.token, NEW_PASSWORD)
    with pytest.raises(InvalidInput):
        services.turn_off_portal(world.participant, by=world.therapist)
    # Invited again, they are back once they choose a password.
    again = services.invite_to_portal(world.participant, by=world.therapist)
    invitations.accept(again.token, NEW_PASSWORD)
    assert login_with(client, "participant_user", NEW_PASSWORD).status_code == 302


def login_with(client, username, password):
    client.logout()
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_the_token_never_reaches_the_audit_trail(world):
    issued = services.invite_to_portal(world.referral, by=world.director, username="casey")
    invitations.accept(issued.token, NEW_PASSWORD)
    services.turn_off_portal(world.referral, by=world.director)
    events = list(AuditEvent.objects.all())
    assert {"portal.invited", "account.password_set", "portal.turned_off"} <= {
        e.event_type for e in events
    }
    for event in events:
        assert issued.token not in repr(event.details)
        assert issued.token not in event.record_id


def test_a_spanish_speaker_chooses_a_password_in_spanish(world, client):
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    issued = services.invite_to_portal(world.participant, by=world.therapist)
    page = client.get(issued.path)
    assert "Elija su contraseña" in page.content.decode()
    done = client.post(
        issued.path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    ).content.decode()
    assert "Su contraseña está guardada" in done
    used = client.get(issued.path, HTTP_ACCEPT_LANGUAGE="es")
    assert "Este enlace para entrar ya no funciona" in used.content.decode()
