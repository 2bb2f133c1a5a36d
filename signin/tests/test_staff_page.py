"""Directors unlock staff and reset lost authenticators; nobody else can."""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, AuditEvent


@override_settings(AXES_FAILURE_LIMIT=3)
def test_director_unlocks_a_locked_account(world, login, client):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "therapist", "password": "wrong"})
    director = login(world.director)
    assert b"Locked" in director.get(reverse("accounts:staff")).content
    director.post(reverse("accounts:staff_action", args=[world.therapist.pk, "unlock"]))
    assert b"Locked" not in director.get(reverse("accounts:staff")).content
    director.post("/accounts/logout/")
    assert login(world.therapist)
    assert AuditEvent.objects.filter(
        action=Action.SECURITY, record_id=str(world.therapist.pk)
    ).exists()


def test_director_resets_two_factor(world, login):
    TOTPDevice.objects.create(user=world.nurse, name="phone", confirmed=True)
    login(world.director).post(
        reverse("accounts:staff_action", args=[world.nurse.pk, "reset-two-factor"])
    )
    assert not TOTPDevice.objects.filter(user=world.nurse).exists()


def test_only_directors_manage_staff_and_only_their_own(world, login):
    assert login(world.supervisor).get(reverse("accounts:staff")).status_code == 403
    response = login(world.stranger).post(
        reverse("accounts:staff_action", args=[world.therapist.pk, "unlock"])
    )
    assert response.status_code == 403


def test_staff_page_query_count_is_flat(world, login):
    from accounts.models import Membership
    from conftest import make_user

    client = login(world.director)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("accounts:staff"))
    for i in range(20):
        Membership.objects.create(user=make_user(f"extra{i}"), organization=world.org, role="peer")
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("accounts:staff")).status_code == 200
    assert len(large) == len(small)
