"""Sign-in: throttling of failed sign-ins, TOTP two-factor, idle sign-out, client address."""

import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action, AuditEvent
from conftest import PASSWORD

LOGIN = "/accounts/login/"
HERE = "192.0.2.10"
ELSEWHERE = "198.51.100.20"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_wrong_password_is_refused_and_audited(client, world):
    response = client.post("/accounts/login/", {"username": "therapist", "password": "nope"})
    assert response.status_code == 400
    assert b"Username or password is wrong" in response.content
    assert AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, record_id=str(world.therapist.public_id)
    ).exists()


def _fail(client, username: str, address: str = HERE):
    return client.post(
        LOGIN, {"username": username, "password": "not-the-password"}, REMOTE_ADDR=address
    )


def test_failures_lock_out_that_username_from_that_address_only(client, world):
    """Five POSTs from one address must not lock a member of staff out everywhere."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, "therapist")
    right = {"username": "therapist", "password": PASSWORD}
    response = client.post(LOGIN, right, REMOTE_ADDR=HERE)
    assert response.status_code == 400
    assert b"Too many failed sign-ins" in response.content
    assert client.post(LOGIN, right, REMOTE_ADDR=ELSEWHERE).status_code == 302
    refusal = AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, record_id=str(world.therapist.public_id)
    ).latest("id")
    assert refusal.details == {"why": "locked out"}
    assert refusal.client_address == HERE


def test_one_address_cannot_lock_out_accounts_en_masse(client, world):
    for username in ["therapist", "nurse", "director"]:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _fail(client, username, address=HERE)
    for user in [world.therapist, world.nurse, world.director]:
        response = client.post(
            LOGIN, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=ELSEWHERE
        )
        assert response.status_code == 302
        client.post("/accounts/logout/")


class CountingHasher(MD5PasswordHasher):
    """The test suite's hasher, counting how many passwords it hashed."""

    hashed = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.hashed += 1
        return super().encode(password, salt)


@override_settings(PASSWORD_HASHERS=[f"{__name__}.CountingHasher"])
def test_unknown_usernames_get_the_same_answer_and_the_same_work(client, world):
    """Message, status, queries and password hashing do not tell real usernames apart."""
    _fail(client, "someone-else")  # the audit trail's first event sets up its chain
    answers = []
    for username in ["therapist", "no-such-person"]:
        CountingHasher.hashed = 0
        with CaptureQueriesContext(connection) as queries:
            response = _fail(client, username)
        answers.append(
            (response.status_code, response.content, len(queries), CountingHasher.hashed)
        )
    known_status, _, known_queries, known_hashes = answers[0]
    assert answers[1][0] == known_status == 400
    assert b"Username or password is wrong" in answers[1][1]
    assert answers[1][2] == known_queries
    assert answers[1][3] == known_hashes == 1


@override_settings(AXES_FAILURE_LIMIT=3)
def test_unknown_usernames_are_locked_out_like_real_ones(client, world):
    answers = {}
    for username in ["therapist", "no-such-person"]:
        for _ in range(3):
            _fail(client, username)
        response = _fail(client, username)
        answers[username] = (response.status_code, b"Too many failed sign-ins" in response.content)
    assert answers["therapist"] == answers["no-such-person"] == (400, True)
    assert AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, details__why="locked out", record_id=""
    ).exists()


@override_settings(TANDEM_TRUSTED_PROXIES=1)
def test_behind_one_trusted_proxy_the_client_address_is_the_one_the_proxy_saw(client, world):
    """The proxy appends the client's address; anything the client wrote before it is ignored."""
    _fail(client, "therapist", address="10.0.0.1")
    client.post(
        LOGIN,
        {"username": "therapist", "password": "wrong"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    events = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).order_by("id")
    assert [e.client_address for e in events] == ["10.0.0.1", "203.0.113.9"]


def test_without_trusted_proxies_a_forwarded_header_is_ignored(client, world):
    client.post(
        LOGIN,
        {"username": "therapist", "password": "wrong"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.client_address == "10.0.0.1"


def _enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


@override_settings(TANDEM_REQUIRE_2FA=False)
def test_an_enrolled_authenticator_is_required_even_when_two_factor_is_optional(client, world):
    _enrolled(world.therapist)
    client.post(LOGIN, {"username": "therapist", "password": PASSWORD})
    response = client.get(f"/participants/{world.participant.public_id}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")


@override_settings(TANDEM_REQUIRE_2FA=True, OTP_TOTP_THROTTLE_FACTOR=0)
def test_a_password_alone_cannot_replace_an_enrolled_authenticator(client, world):
    """Enrolling a new device with its own code would swap out the owner's phone."""
    own = _enrolled(world.therapist)
    client.post(LOGIN, {"username": "therapist", "password": PASSWORD})
    response = client.get("/accounts/two-factor/enrol/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    intruder = TOTPDevice.objects.create(user=world.therapist, name="other", confirmed=False)
    client.post("/accounts/two-factor/enrol/", {"token": _code(intruder)})
    assert list(TOTPDevice.objects.filter(user=world.therapist, confirmed=True)) == [own]
    assert client.get("/").status_code == 302


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


@override_settings(TANDEM_IDLE_TIMEOUT_SECONDS=60)
def test_an_htmx_request_after_the_idle_sign_out_moves_the_whole_page_to_sign_in(
    client, world, monkeypatch
):
    """htmx follows a redirect by itself and would draw the sign-in page inside the part of
    the page it was updating (a roll-call row, the plan editor)."""
    client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/participants/search/", {"q": "Rasmussen"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")
    assert response.content == b""
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "You were signed out after a period of inactivity." in page


def test_an_htmx_request_without_a_session_moves_the_whole_page_to_sign_in(client, world):
    response = client.post("/participants/search/", {"q": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/")
    plain = client.post("/participants/search/", {"q": "x"})
    assert plain.status_code == 302 and plain["Location"].startswith("/accounts/login/")


def _session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "signin_session" in q["sql"] and "SELECT" not in q["sql"]]


@override_settings(TANDEM_IDLE_TIMEOUT_SECONDS=900, TANDEM_IDLE_WRITE_STEP_SECONDS=60)
def test_requests_within_the_idle_step_of_the_sign_in_write_no_session(client, world, monkeypatch):
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start)
    client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    for moment in (start, start + 59):  # signing in started the idle clock
        monkeypatch.setattr(time, "time", lambda moment=moment: moment)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert _session_writes(queries.captured_queries) == []
    monkeypatch.setattr(time, "time", lambda: start + 60)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert len(_session_writes(queries.captured_queries)) == 1


@override_settings(TANDEM_IDLE_TIMEOUT_SECONDS=900, TANDEM_IDLE_WRITE_STEP_SECONDS=60)
def test_steady_use_keeps_the_session_and_a_quiet_period_still_signs_out(
    client, world, monkeypatch
):
    start = time.time()
    now = [start]
    monkeypatch.setattr(time, "time", lambda: now[0])
    client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    for _ in range(40):  # a request every 50 seconds for more than half an hour
        now[0] += 50
        assert client.get("/").status_code == 200
    now[0] += 901
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@override_settings(TANDEM_IDLE_TIMEOUT_SECONDS=900, TANDEM_IDLE_WRITE_STEP_SECONDS=60)
def test_the_sign_out_never_comes_later_than_the_quiet_period(client, world, monkeypatch):
    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start)
    client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    assert client.get("/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: start + 59)
    assert client.get("/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: start + 59 + 900)
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_logout_needs_post(client, world):
    client.post("/accounts/login/", {"username": "therapist", "password": PASSWORD})
    assert client.get("/accounts/logout/").status_code == 405


@pytest.mark.parametrize("header", ["Content-Security-Policy", "X-Frame-Options"])
def test_pages_send_security_headers(client, world, header):
    assert header in client.get("/accounts/login/")


def test_the_user_and_their_authenticator_are_read_in_one_statement(client, world):
    client.post(LOGIN, {"username": "therapist", "password": PASSWORD})
    chart = f"/participants/{world.participant.public_id}/"
    assert client.get(chart).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(chart).status_code == 200
    sql = [q["sql"] for q in queries]
    device_reads = [s for s in sql if "otp_totp_totpdevice" in s]
    assert len(device_reads) == 1, "\n".join(sql)
    assert 'FROM "accounts_user"' in device_reads[0]


def test_an_authenticator_enrolled_after_sign_in_is_asked_for_on_the_next_page(client, world):
    """Having no authenticator is read on every request, never remembered in the session."""
    client.post(LOGIN, {"username": "therapist", "password": PASSWORD})
    chart = f"/participants/{world.participant.public_id}/"
    assert client.get(chart).status_code == 200
    _enrolled(world.therapist)
    response = client.get(chart)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/")
    TOTPDevice.objects.filter(user=world.therapist).delete()
    assert client.get(chart).status_code == 200
