"""A director re-adds someone whose membership ended: the account they had comes back, so
their name stays on their past work, with the roles chosen now and a new sign-in link; the
password and authenticator they had open nothing. An account still open in another
organization, or that never worked here, is refused as any taken username is."""

from datetime import date, time

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role, User
from audit.event_types import get as event_type
from audit.models import AuditEvent, Outcome
from conftest import PASSWORD, make_user
from notes import services as notes
from notes.models import NoteFormat, NoteKind
from notes.seeds import seed
from signin import staff
from signin.models import Invitation
from tandem.errors import AccessDenied, InvalidInput

NEW_PASSWORD = "meadow-harbour-lantern-47"
TAKEN = b"That username is taken: choose another."


def _signed_note(world):
    """Past work: a note the therapist wrote and signed before leaving."""
    seed()
    content = notes.NoteContent(
        kind=NoteKind.INDIVIDUAL,
        format=NoteFormat.objects.get(program__isnull=True, code="dap"),
        sections={"Data": "Talked through the week.", "Assessment": "Engaged.", "Plan": "Weekly."},
        service_date=date(2026, 11, 17),
        start_time=time(10, 0),
        end_time=time(10, 50),
        minutes=50,
        no_objective_reason="Plan not yet signed.",
    )
    note = notes.draft_note(world.participant, content, by=world.therapist)
    return notes.sign_note(note, by=world.therapist, expected_version=note.version)


def _sign_in(client, username, password):
    client.logout()
    return client.post("/accounts/login/", {"username": username, "password": password})


def _rejoin(client, world, username, **extra):
    return client.post(
        reverse("accounts:staff_rejoin"),
        {"organization": world.org.pk, "username": username, "roles": ["counsellor"], **extra},
    )


def test_a_director_re_adds_former_staff_under_the_account_they_had(
    world, login, client, run_tasks
):
    note = _signed_note(world)
    TOTPDevice.objects.create(user=world.therapist, name="Old phone", confirmed=True)
    director = login(world.director)
    director.post(
        reverse("accounts:staff_end", args=[world.therapist.public_id]),
        {"organization": world.org.pk},
    )
    page = director.get(reverse("accounts:staff")).content.decode()
    former = page.split("<h2>Former staff</h2>")[1]
    assert "Therapist Tester" in former and "therapist" in former

    # The add form does not make a second account for them.
    added = director.post(
        reverse("accounts:staff_add"),
        {
            "organization": world.org.pk,
            "first_name": "Therapist",
            "last_name": "Tester",
            "username": "therapist",
            "roles": ["therapist"],
        },
    )
    assert added.status_code == 400
    assert b"worked here before: re-add them under Former staff" in added.content
    assert User.objects.filter(last_name="Tester", first_name="Therapist").count() == 1

    response = _rejoin(director, world, "THERAPIST", email="t.tester@example.org")
    assert response.status_code == 200
    assert b"Therapist Tester is back on the staff" in response.content
    assert response["Cache-Control"] == "no-store"
    link = response.content.decode().split('value="http://testserver')[1].split('"')[0]

    account = User.objects.get(username="therapist")
    assert account.pk == world.therapist.pk
    assert account.is_active and not account.has_usable_password()
    assert account.email == "t.tester@example.org"
    roles = dict(Membership.objects.filter(user=account).values_list("role", "is_active"))
    assert roles == {"therapist": False, "counsellor": True}
    assert not TOTPDevice.objects.filter(user=account).exists()
    assert (
        "Therapist Tester"
        not in director.get(reverse("accounts:staff"))
        .content.decode()
        .split("<h2>Former staff</h2>")[1]
    )

    run_tasks()
    [message] = mail.outbox
    assert message.to == ["t.tester@example.org"] and link in message.body

    # The password they had signs in no more; the one they choose through the link does.
    assert _sign_in(client, "therapist", PASSWORD).status_code == 400
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert _sign_in(client, "therapist", NEW_PASSWORD).status_code == 302

    # Their past work still names them.
    note.refresh_from_db()
    assert note.recorded_by_id == note.signed_by_id == account.pk
    shown = login(world.director).get(
        reverse("notes:note", args=[world.participant.public_id, note.public_id])
    )
    assert "signed by Therapist Tester" in shown.content.decode()

    event = AuditEvent.objects.get(event_type="staff.rejoined")
    assert event.actor_id == world.director.pk and event.record_id == str(account.public_id)
    assert event.details["roles"] == ["counsellor"]
    assert event.details["two_factor_reset"] is True
    tells = event_type("staff.rejoined").tells
    assert tells is not None
    assert tells(event.details) == (
        "as Addiction counsellor; the password and authenticator they had no longer sign in"
    )
    assert AuditEvent.objects.filter(event_type="account.invited", record_id=str(account.public_id))


def test_roles_they_held_before_come_back_as_the_same_rows(world):
    staff.end_membership(world.nurse, world.org, by=world.director)
    before = Membership.objects.get(user=world.nurse, role=Role.NURSE).pk
    staff.rejoin_staff_member(world.org, by=world.director, username="nurse", roles=["nurse"])
    assert Membership.objects.get(user=world.nurse).pk == before
    assert Membership.objects.get(pk=before).is_active


def test_an_account_still_open_in_another_organization_is_refused_as_taken(world, login):
    stranger = world.users["stranger"]
    Membership.objects.create(user=stranger, organization=world.org, role=Role.PEER)
    staff.end_membership(stranger, world.org, by=world.director)
    stranger.refresh_from_db()
    assert stranger.is_active  # still a director elsewhere

    director = login(world.director)
    refused = _rejoin(director, world, "stranger")
    taken = director.post(
        reverse("accounts:staff_add"),
        {
            "organization": world.org.pk,
            "first_name": "New",
            "last_name": "Person",
            "username": "participant_user",
            "roles": ["peer"],
        },
    )
    assert refused.status_code == taken.status_code == 400
    assert TAKEN in refused.content and TAKEN in taken.content
    assert b"Elsewhere" not in refused.content
    assert not Membership.objects.filter(user=stranger, organization=world.org, is_active=True)
    assert _sign_in(login(world.director), "stranger", PASSWORD).status_code == 302
    assert not AuditEvent.objects.filter(event_type="staff.rejoined", outcome=Outcome.ALLOWED)


def test_an_account_of_another_organization_alone_is_refused_as_taken(world, login):
    elsewhere = world.users["stranger"].memberships.get().organization
    gone = make_user("gone", is_active=False)
    Membership.objects.create(
        user=gone, organization=elsewhere, role=Role.THERAPIST, is_active=False
    )
    director = login(world.director)
    for username in ("gone", "participant_user", "support"):
        response = _rejoin(director, world, username)
        assert response.status_code == 400
        assert TAKEN in response.content
    gone.refresh_from_db()
    assert not gone.is_active and gone.check_password(PASSWORD)
    assert not Membership.objects.filter(user=gone, organization=world.org).exists()
    assert not Invitation.objects.exists()


def test_a_director_elsewhere_cannot_take_over_our_former_staff(world, signed_in):
    staff.end_membership(world.nurse, world.org, by=world.director)
    client = signed_in(world.users["stranger"])
    elsewhere = world.users["stranger"].memberships.get().organization
    ours = _rejoin(client, world, "nurse")
    theirs = client.post(
        reverse("accounts:staff_rejoin"),
        {"organization": elsewhere.pk, "username": "nurse", "roles": ["nurse"]},
    )
    assert ours.status_code == theirs.status_code == 400
    assert TAKEN in theirs.content
    world.nurse.refresh_from_db()
    assert not world.nurse.is_active
    assert not Membership.objects.filter(user=world.nurse, is_active=True).exists()
    with pytest.raises(AccessDenied):
        staff.rejoin_staff_member(
            world.org, by=world.users["stranger"], username="nurse", roles=["nurse"]
        )
    assert AuditEvent.objects.filter(event_type="staff.rejoined", outcome=Outcome.REFUSED).exists()


def test_someone_still_here_or_unknown_is_told_so(world):
    with pytest.raises(InvalidInput, match="Nurse Tester is on the staff here already"):
        staff.rejoin_staff_member(world.org, by=world.director, username="nurse", roles=["nurse"])
    with pytest.raises(InvalidInput, match="No one who worked here has that username"):
        staff.rejoin_staff_member(world.org, by=world.director, username="nobody", roles=["nurse"])
    staff.end_membership(world.nurse, world.org, by=world.director)
    with pytest.raises(InvalidInput, match="Choose at least one role"):
        staff.rejoin_staff_member(world.org, by=world.director, username="nurse", roles=[])
    world.nurse.refresh_from_db()
    assert not world.nurse.is_active


def test_changing_the_roles_of_former_staff_points_to_re_adding_them(world):
    staff.end_membership(world.nurse, world.org, by=world.director)
    with pytest.raises(InvalidInput, match="re-add them under Former staff"):
        staff.change_roles(world.nurse, world.org, by=world.director, roles=["nurse"])
    assert not Membership.objects.filter(user=world.nurse, is_active=True).exists()
