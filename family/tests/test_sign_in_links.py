"""A support person whom a Part 2 consent in force shares with is given a sign-in from the
Support people tab: a support person's account linked to them, and a link to choose their
password; a new link replaces the earlier. Nobody else is given one."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent, Outcome
from consent.services import record_consent
from family.models import SupportPerson
from family.services import add_support_person, invite_support_person, record_sharing
from signin import invitations
from signin.models import Invitation
from tandem.errors import AccessDenied, InvalidInput

NEW_PASSWORD = "meadow-copper-lantern-64"


def _person(world, *, shared: bool = True, email: str = "") -> SupportPerson:
    person = add_support_person(
        world.participant,
        by=world.therapist,
        name="Dana Example",
        relationship="sister",
        email=email,
    )
    if shared:
        consent = record_consent(
            world.participant,
            by=world.therapist,
            kind="part2",
            discloser="Adult IOP",
            information="Session times",
            parts=["attendance"],
            recipients="Dana Example, my sister",
            purpose="At my request",
            expiry="end_of_treatment",
            signed_on=date(2026, 9, 8),
        )
        record_sharing(person, consent, by=world.therapist, schedule=True)
    return person


def test_a_support_person_is_invited_from_the_tab_and_signs_in(world, login, client):
    person = _person(world)
    therapist = login(world.therapist)
    tab = therapist.get(reverse("family:tab", args=[world.participant.public_id]))
    assert b"Invite them to sign in" in tab.content
    response = therapist.post(
        reverse("family:invite", args=[world.participant.public_id, person.public_id]),
        {"username": "dana"},
    )
    assert response.status_code == 200
    link = response.content.decode().split('value="http://testserver')[1].split('"')[0]
    person.refresh_from_db()
    account = person.user
    assert account is not None
    assert account.username == "dana"
    assert account.kind == account.Kind.SUPPORT

    client.logout()
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    signed_in = client.post("/accounts/login/", {"username": "dana", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert client.get(reverse("family:home")).status_code == 200
    kinds = list(
        AuditEvent.objects.filter(participant=world.participant)
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert "support_person.login_linked" in kinds
    assert "support_person.invited" in kinds


def test_nobody_unshared_with_is_given_a_sign_in(world):
    person = _person(world, shared=False)
    with pytest.raises(InvalidInput):
        invite_support_person(person, by=world.therapist, username="dana")
    person.refresh_from_db()
    assert person.user is None
    assert not Invitation.objects.exists()


def test_a_new_link_revokes_the_earlier_and_is_emailed(world, run_tasks):
    person = _person(world, email="dana@example.org")
    first = invite_support_person(person, by=world.therapist, username="dana")
    second = invite_support_person(person, by=world.therapist)
    run_tasks()
    with pytest.raises(invitations.InvitationUnavailable):
        invitations.accept(first.token, NEW_PASSWORD)
    invitations.accept(second.token, NEW_PASSWORD)
    assert [m.to for m in mail.outbox] == [["dana@example.org"]]
    assert second.path in mail.outbox[0].body


@pytest.mark.parametrize("persona", ["outsider", "frontdesk", "billing", "stranger"])
def test_only_the_care_team_and_oversight_give_a_sign_in(world, persona):
    person = _person(world)
    by = world.users[persona]
    with pytest.raises(AccessDenied):
        invite_support_person(person, by=by, username="dana")
    assert AuditEvent.objects.filter(actor=by, outcome=Outcome.REFUSED).count() == 1
    assert not Invitation.objects.exists()


def test_the_token_never_reaches_the_audit_trail(world):
    issued = invite_support_person(_person(world), by=world.therapist, username="dana")
    invitations.accept(issued.token, NEW_PASSWORD)
    for event in AuditEvent.objects.all():
        assert issued.token not in repr(event.details)


def test_a_new_link_goes_to_the_address_the_support_person_now_has(world, run_tasks):
    """The login keeps the e-mail the support person's entry has, so a link issued after the
    address changed reaches the new one."""
    person = _person(world, email="dana@example.org")
    invite_support_person(person, by=world.therapist, username="dana")
    SupportPerson.objects.filter(pk=person.pk).update(email="dana@example.net")
    person.refresh_from_db()
    second = invite_support_person(person, by=world.therapist)
    run_tasks()
    assert person.user is not None and person.user.email == "dana@example.net"
    assert [m.to for m in mail.outbox][-1] == ["dana@example.net"]
    assert second.path in mail.outbox[-1].body
