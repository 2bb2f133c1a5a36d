"""The session store reads a session by its key as Django's database store does."""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from signin.sessions import SessionStore


def test_a_saved_session_reads_back_the_same_as_with_djangos_store(db):
    store = SessionStore()
    store["answer"] = {"n": 42, "word": "tandem"}
    store.save()
    assert SessionStore(store.session_key).load() == DjangoStore(store.session_key).load()
    assert SessionStore(store.session_key)["answer"] == {"n": 42, "word": "tandem"}


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


def test_signing_out_ends_the_session_for_the_next_request(world, login):
    client = login(world.therapist)
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("accounts:logout"))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
