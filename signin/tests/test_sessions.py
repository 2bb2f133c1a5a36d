"""The session store: a session reads back as saved, its row names the signed-in user, and
the session, the user and their roles are read in one round trip that never outlives it."""

from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from signin.models import Session
from signin.sessions import SessionStore


def test_a_saved_session_reads_back_as_saved_and_names_no_user(db):
    store = SessionStore()
    store["answer"] = {"n": 42, "word": "tandem"}
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": {"n": 42, "word": "tandem"}}
    assert Session.objects.get(pk=store.session_key).user_id is None


def test_an_expired_or_unknown_session_reads_as_none_and_drops_its_key(db):
    store = SessionStore()
    store["answer"] = 42
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    for key in (store.session_key, "k" * 32):
        read = SessionStore(key)
        assert read.load() == {}
        assert read.session_key is None


def test_signing_in_names_the_user_on_the_session_row(world, login):
    client = login(world.therapist)
    row = Session.objects.get(pk=client.session.session_key)
    assert row.user_id == world.therapist.pk
    assert str(row.user_id) == SessionStore(row.pk)[SESSION_KEY]


def test_a_signed_in_request_reads_its_session_user_and_roles_in_one_round_trip(world, login):
    client = login(world.therapist)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    sql = [q["sql"] for q in queries]
    people = [s for s in sql if 'FROM "accounts_user"' in s or 'FROM "accounts_membership"' in s]
    assert people and all('"signin_session"' in s for s in people)
    if connection.vendor == "postgresql":  # sent together: one statement list
        assert len([s for s in sql if '"signin_session"' in s]) == 1


def test_the_session_data_decides_who_is_signed_in_not_the_row(world, login):
    client = login(world.therapist)
    Session.objects.filter(pk=client.session.session_key).update(user=world.outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.wsgi_request.user == world.therapist
    assert response.wsgi_request.user.username == world.therapist.username


def test_signing_out_ends_the_session_for_the_next_request(world, login):
    client = login(world.therapist)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("accounts:logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_session_ended_elsewhere_signs_out_the_next_request(world, login):
    client = login(world.therapist)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.filter(user=world.therapist).delete()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_account_deactivated_elsewhere_is_signed_out_on_the_next_request(world, login):
    client = login(world.therapist)
    assert client.get(reverse("home")).status_code == 200
    type(world.therapist).objects.filter(pk=world.therapist.pk).update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_role_ended_elsewhere_is_gone_on_the_next_request(world, login):
    client = login(world.therapist)
    chart = reverse("participants:chart", args=[world.participant.public_id])
    assert client.get(chart).status_code == 200
    Membership.objects.filter(user=world.therapist).update(is_active=False)
    # With no role left in the participant's organization, the chart answers as an id that
    # names nothing does, so it does not even say the participant exists.
    assert client.get(chart).status_code == 404


def test_a_session_key_that_is_not_one_reads_as_none_and_changes_nothing(world, login):
    client = login(world.therapist)
    rows = Session.objects.count()
    for key in ("k' OR '1'='1", "'; DELETE FROM signin_session; --", "%s %% \\'"):
        read = SessionStore(key)
        assert read.load() == {}
        assert read.signed_in_user(world.therapist.pk) is None
    assert Session.objects.count() == rows
    assert client.get(reverse("home")).status_code == 200
