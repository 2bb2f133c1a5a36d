"""A director adds a member of staff and hands over a sign-in link; the person chooses a
password with it once; a new link replaces an earlier one; an ended membership signs in no
more. The token is never kept, in the invitation's row or the audit trail."""

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import Membership, Organization, User
from audit.models import AuditEvent, Outcome
from conftest import PASSWORD
from signin import invitations, staff
from signin.models import Invitation
from tandem.errors import AccessDenied, InvalidInput

NEW_PASSWORD = "river-lantern-orchard-92"


def _add(world, **extra):
    fields: dict[str, Any] = {
        "first_name": "Jamie",
        "last_name": "Ortega",
        "username": "jortega",
        "email": "",
        "roles": ["therapist"],
    }
    fields.update(extra)
    return staff.add_staff_member(world.org, by=world.director, **fields)


def _sign_in(client, username, password):
    client.logout()
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_director_adds_staff_who_choose_their_password_and_sign_in(world, login, client):
    director = login(world.director)
    response = director.post(
        reverse("accounts:staff_add"),
        {
            "organization": world.org.pk,
            "first_name": "Jamie",
            "last_name": "Ortega",
            "username": "jortega",
            "roles": ["therapist", "case_manager"],
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    account = User.objects.get(username="jortega")
    assert not account.has_usable_password()
    assert set(account.memberships.values_list("role", flat=True)) == {
        "therapist",
        "case_manager",
    }
    link = page.split('value="http://testserver')[1].split('"')[0]
    assert link.startswith("/accounts/welcome/")

    client.logout()
    assert client.get(link).status_code == 200
    mismatch = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert mismatch.status_code == 400
    weak = client.post(link, {"new_password1": "jortega", "new_password2": "jortega"})
    assert weak.status_code == 400
    done = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 200
    assert "_auth_user_id" not in client.session  # choosing a password signs nobody in
    assert _sign_in(client, "jortega", NEW_PASSWORD).status_code == 302

    again = client.get(link)
    assert again.status_code == 410
    assert b"no longer works" in again.content


def test_a_used_link_is_refused(world):
    issued = _add(world)
    invitations.accept(issued.token, NEW_PASSWORD)
    with pytest.raises(invitations.InvitationUnavailable):
        invitations.accept(issued.token, "another-long-passphrase-7")


def test_an_expired_link_is_refused(world):
    now = timezone.now()
    issued = _add(world, now=now)
    later = now + invitations.LIFETIME + timedelta(seconds=1)
    with pytest.raises(invitations.InvitationUnavailable):
        invitations.accept(issued.token, NEW_PASSWORD, now=later)
    invitations.accept(issued.token, NEW_PASSWORD, now=later - timedelta(seconds=2))


def _card(response) -> str:
    return (
        response.content.decode().split('<section class="card narrow">')[1].split("</section>")[0]
    )


def test_an_unknown_link_reads_like_a_used_one(client, world):
    issued = _add(world)
    invitations.accept(issued.token, NEW_PASSWORD)
    used = client.get(invitations.invitation_path(issued.token))
    unknown = client.get(invitations.invitation_path("x" * 43))
    assert used.status_code == unknown.status_code == 410
    assert _card(used) == _card(unknown)
    assert used["Cache-Control"] == "no-store"


def test_a_new_link_revokes_the_earlier_one_and_resets_a_forgotten_password(world, login):
    issued = _add(world)
    invitations.accept(issued.token, NEW_PASSWORD)
    account = issued.invitation.user
    first = staff.send_new_link(account, world.org, by=world.director)
    second = staff.send_new_link(account, world.org, by=world.director)
    with pytest.raises(invitations.InvitationUnavailable):
        invitations.accept(first.token, "forgotten-then-found-31")
    invitations.accept(second.token, "forgotten-then-found-31")
    account.refresh_from_db()
    assert account.check_password("forgotten-then-found-31")
    assert Invitation.objects.get(pk=first.invitation.pk).revoked_at is not None


def test_the_staff_page_shows_a_new_link_once(world, login):
    response = login(world.director).post(
        reverse("accounts:staff_invite", args=[world.nurse.public_id])
    )
    assert response.status_code == 200
    assert b"/accounts/welcome/" in response.content
    assert response["Cache-Control"] == "no-store"
    assert Invitation.objects.filter(user=world.nurse, used_at=None).count() == 1


def test_the_link_is_emailed_when_there_is_an_address(world, run_tasks):
    issued = _add(world, email="jamie@example.org")
    run_tasks()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jamie@example.org"]
    assert issued.path in mail.outbox[0].body
    # Until when, in the program's zone on the 12-hour clock.
    assert "CST" in mail.outbox[0].body and " AM " in mail.outbox[0].body


def test_the_queued_email_keeps_the_token_sealed(world, run_tasks):
    issued = _add(world, email="jamie@example.org")
    run_tasks()
    assert issued.path in mail.outbox[0].body
    queued = [repr(row) for row in DBTaskResult.objects.values_list("args_kwargs", flat=True)]
    assert queued and not any(issued.token in row for row in queued)


def test_a_replaced_link_is_not_emailed(world, run_tasks):
    issued = _add(world, email="jamie@example.org")
    staff.send_new_link(issued.invitation.user, world.org, by=world.director)
    run_tasks()
    assert len(mail.outbox) == 1
    assert issued.path not in mail.outbox[0].body


def test_the_token_is_never_kept_or_audited(world):
    issued = _add(world, email="jamie@example.org")
    again = staff.send_new_link(issued.invitation.user, world.org, by=world.director)
    invitations.accept(again.token, NEW_PASSWORD)
    rows = list(Invitation.objects.values_list("token_hash", flat=True))
    events = list(AuditEvent.objects.all())
    assert {e.event_type for e in events} >= {
        "staff.added",
        "account.invited",
        "account.password_set",
    }
    for token in (issued.token, again.token):
        assert all(token not in row for row in rows)
        for event in events:
            assert token not in repr(event.details)
            assert token not in (event.record_id or "")


def test_an_ended_membership_cannot_sign_in(world, client):
    staff.end_membership(world.nurse, world.org, by=world.director)
    assert not Membership.objects.filter(user=world.nurse, is_active=True).exists()
    world.nurse.refresh_from_db()
    assert not world.nurse.is_active
    assert _sign_in(client, "nurse", PASSWORD).status_code == 400
    event = AuditEvent.objects.get(event_type="staff.membership_ended")
    assert event.details["roles"] == ["nurse"]


def test_an_ended_membership_ends_a_session_and_open_links(world, login):
    issued = staff.send_new_link(world.nurse, world.org, by=world.director)
    nurse = login(world.nurse)
    staff.end_membership(world.nurse, world.org, by=world.director)
    assert nurse.get(reverse("home")).status_code == 302
    with pytest.raises(invitations.InvitationUnavailable):
        invitations.accept(issued.token, NEW_PASSWORD)


def test_a_membership_ended_in_one_organization_stops_only_the_links_it_made(world):
    """The nurse works in a second organization too: a link it made stops with her
    membership there, a link the first made keeps working, as she still works there."""
    second = Organization.objects.create(name="Uptown Clinic", slug="uptown")
    Membership.objects.create(user=world.director, organization=second, role="director")
    Membership.objects.create(user=world.nurse, organization=second, role="peer")
    Membership.objects.create(user=world.therapist, organization=second, role="peer")
    kept = staff.send_new_link(world.nurse, world.org, by=world.director)
    stopped = staff.send_new_link(world.therapist, second, by=world.director)
    staff.end_membership(world.nurse, second, by=world.director)
    staff.end_membership(world.therapist, second, by=world.director)
    assert invitations.find_usable(kept.token).user == world.nurse
    with pytest.raises(invitations.InvitationUnavailable):
        invitations.find_usable(stopped.token)
    events = AuditEvent.objects.filter(event_type="staff.membership_ended").order_by("id")
    assert [e.details["invitations_revoked"] for e in events] == [0, 1]


def test_changing_roles_keeps_the_ended_ones_as_history(world):
    staff.change_roles(world.nurse, world.org, by=world.director, roles=["nurse", "peer"])
    staff.change_roles(world.nurse, world.org, by=world.director, roles=["peer"])
    rows = dict(Membership.objects.filter(user=world.nurse).values_list("role", "is_active"))
    assert rows == {"nurse": False, "peer": True}
    event = AuditEvent.objects.filter(event_type="staff.roles_changed").latest("id")
    assert event.details["changes"]["roles"] == {"before": ["nurse", "peer"], "after": ["peer"]}


def test_the_last_director_keeps_the_role(world):
    with pytest.raises(InvalidInput):
        staff.change_roles(world.director, world.org, by=world.director, roles=["therapist"])


def test_only_a_director_of_the_organization_manages_staff(world):
    for by in (world.supervisor, world.stranger, world.therapist):
        with pytest.raises(AccessDenied):
            staff.send_new_link(world.nurse, world.org, by=by)
        with pytest.raises(AccessDenied):
            staff.end_membership(world.nurse, world.org, by=by)
    refused = AuditEvent.objects.filter(outcome=Outcome.REFUSED, event_type="account.invited")
    assert refused.count() == 3
    assert not Invitation.objects.exists()


def test_a_taken_username_is_refused_by_name(world, login):
    response = login(world.director).post(
        reverse("accounts:staff_add"),
        {
            "organization": world.org.pk,
            "first_name": "Jamie",
            "last_name": "Ortega",
            "username": "NURSE",
            "roles": ["therapist"],
        },
    )
    assert response.status_code == 400
    assert b"That username is taken" in response.content
    assert not User.objects.filter(first_name="Jamie").exists()


@pytest.mark.parametrize(
    "persona",
    [
        "supervisor",
        "therapist",
        "outsider",
        "counsellor",
        "prescriber",
        "nurse",
        "casemanager",
        "peer",
        "intake",
        "frontdesk",
        "billing",
        "auditor",
        "participant_user",
        "support",
    ],
)
def test_every_staff_page_refuses_all_but_directors(world, signed_in, persona):
    client = signed_in(world.users[persona])
    target = world.nurse.public_id
    answers = [
        client.get(reverse("accounts:staff")),
        client.post(
            reverse("accounts:staff_add"),
            {"organization": world.org.pk, "first_name": "A", "last_name": "B"},
        ),
        client.get(reverse("accounts:staff_roles", args=[target])),
        client.post(
            reverse("accounts:staff_roles", args=[target]),
            {f"org{world.org.pk}-roles": ["peer"], f"org{world.org.pk}-seen": "nurse"},
        ),
        client.post(reverse("accounts:staff_invite", args=[target])),
        client.post(reverse("accounts:staff_end", args=[target]), {"organization": world.org.pk}),
        client.post(
            reverse("accounts:staff_rejoin"),
            {"organization": world.org.pk, "username": "nurse", "roles": ["nurse"]},
        ),
    ]
    assert [a.status_code for a in answers] == [403] * 7
    assert not Invitation.objects.exists()
    assert Membership.objects.get(user=world.nurse).is_active


def test_a_director_of_another_organization_reaches_none_of_ours(world, signed_in):
    client = signed_in(world.stranger)
    target = world.nurse.public_id
    assert client.get(reverse("accounts:staff_roles", args=[target])).status_code == 403
    assert client.post(reverse("accounts:staff_invite", args=[target])).status_code == 403
    ended = client.post(
        reverse("accounts:staff_end", args=[target]), {"organization": world.org.pk}
    )
    assert ended.status_code == 403
    assert Membership.objects.get(user=world.nurse).is_active


def test_other_methods_are_refused(world, signed_in):
    client = signed_in(world.director)
    for name in ("accounts:staff_invite", "accounts:staff_end"):
        assert client.get(reverse(name, args=[world.nurse.public_id])).status_code == 405
    assert (
        client.delete(reverse("accounts:staff_roles", args=[world.nurse.public_id])).status_code
        == 405
    )
    assert client.get(reverse("accounts:staff_add")).status_code == 405
    assert client.get(reverse("accounts:staff_rejoin")).status_code == 405
    assert client.delete(invitations.invitation_path("x")).status_code == 405


def _invite_through_the_portal_tab(world, login, language: str):
    casey = world.referral
    casey.preferred_language = language
    casey.email = "casey@example.org"
    casey.save(update_fields=["preferred_language", "email"])
    response = login(world.director).post(
        reverse("portal:invite", args=[casey.public_id]), {"username": "casey"}
    )
    assert response.status_code == 200
    return response.content.decode().split('value="http://testserver')[1].split('"')[0]


def test_a_spanish_speaking_participant_is_emailed_the_link_in_spanish(world, login, run_tasks):
    path = _invite_through_the_portal_tab(world, login, "Español")
    run_tasks()
    [message] = mail.outbox
    assert message.to == ["casey@example.org"]
    assert message.subject == "Su acceso a Tandem"
    assert "Su nombre de usuario es casey. Elija su contraseña aquí:" in message.body
    assert path in message.body
    # Until when, on the 24-hour clock Spanish pages use, in the program's zone.
    assert "El enlace funciona una sola vez, hasta el " in message.body
    assert " CST." in message.body and " AM " not in message.body
    assert "invited" not in message.body and "password" not in message.body


def test_an_english_speaking_participant_is_emailed_the_link_in_english(world, login, run_tasks):
    path = _invite_through_the_portal_tab(world, login, "English")
    run_tasks()
    [message] = mail.outbox
    assert message.subject == "Your sign-in to Tandem"
    assert "Your username is casey. Choose your password here:" in message.body
    assert path in message.body
    assert "contraseña" not in message.body


def test_staff_are_emailed_in_english_whatever_their_browser(world, login, run_tasks):
    director = login(world.director)
    director.post(
        reverse("accounts:staff_add"),
        {
            "organization": world.org.pk,
            "first_name": "Jamie",
            "last_name": "Ortega",
            "username": "jortega",
            "email": "jamie@example.org",
            "roles": ["therapist"],
        },
        HTTP_ACCEPT_LANGUAGE="es",
    )
    run_tasks()
    [message] = mail.outbox
    assert message.subject == "Your sign-in to Tandem"
    assert "You have been invited to sign in to Tandem." in message.body
