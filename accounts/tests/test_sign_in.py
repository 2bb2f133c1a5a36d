"""Sign-in: lockout after repeated failures, TOTP two-factor, idle sign-out."""

import time

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, AuditEvent
from conftest import PASSWORD


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_wrong_password_is_refused_and_audited(client, world):
    response = client.post("/accounts/login/", {"username": "therapist", "password": "nope"})
    assert response.status_code == 400
    assert b"Username or password is wrong" in response.content
    assert AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, record_id=str(world.therapist.pk)
    ).exists()


@override_settings(TANDEM_LOGIN_MAX_FAILURES=3)
def test_account_locks_after_repeated_failures_even_for_the_right_password(client, world):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "therapist", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 400
    assert b"locked" in response.content
    world.therapist.refresh_from_db()
    assert world.therapist.is_locked()


@override_settings(TANDEM_REQUIRE_2FA=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_staff_must_enrol_totp_then_enter_a_code_each_sign_in(client, world):
    response = client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # every page sends them to two-factor
    page = client.get("/accounts/two-factor/", follow=True)
    assert b"Set up two-factor" in page.content
    device = TOTPDevice.objects.get(user=world.therapist, confirmed=False)
    assert client.post("/accounts/two-factor/enrol/", {"token": "000000"}).status_code == 400
    assert client.post("/accounts/two-factor/enrol/", {"token": _code(device)}).status_code == 302
    assert client.get("/").status_code == 200

    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    assert client.get("/").status_code == 302
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    response = client.post("/accounts/two-factor/", {"token": _code(device), "next": "/"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@override_settings(TANDEM_IDLE_TIMEOUT_SECONDS=60)
def test_idle_session_is_signed_out(client, world, monkeypatch):
    client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    assert client.get("/").status_code == 200
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_logout_needs_post(client, world):
    client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    assert client.get("/accounts/logout/").status_code == 405


@pytest.mark.parametrize("header", ["Content-Security-Policy", "X-Frame-Options"])
def test_pages_send_security_headers(client, world, header):
    assert header in client.get("/accounts/login/")
