"""A double click, or a page sent again, saves a form once."""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accounts.models import UsedFormToken
from assessments.models import Administration
from assessments.tests.administration_helpers import answers, posted
from participants.models import Participant


def _token_on(page: str) -> str:
    found = re.search(r'name="form_token" value="([0-9a-f-]{36})"', page)
    assert found, "the form carries no one-time token"
    return found.group(1)


def _referral(world, **changes) -> dict:
    return {
        "legal_first_name": "Wren",
        "legal_last_name": "Halvorsen",
        "date_of_birth": "1991-04-12",
        "sex_at_birth": "female",
        "program": world.program.pk,
        "referred_on": "2026-11-16",
    } | changes


def test_a_referral_sent_twice_with_one_token_opens_one_record(world, login):
    client = login(world.intake)
    url = reverse("participants:new")
    data = _referral(world, form_token=_token_on(client.get(url).content.decode()))

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302
    assert second.status_code == 409
    assert "already sent" in second.content.decode()
    assert Participant.objects.filter(legal_last_name="Halvorsen").count() == 1


def test_an_administration_sent_twice_with_one_token_is_saved_once(world, login):
    client = login(world.therapist)
    url = reverse(
        "assessments:administer",
        kwargs={"participant_id": world.participant.public_id, "code": "phq-9"},
    )
    data = posted(answers("phq-9", 1)) | {"form_token": _token_on(client.get(url).content.decode())}

    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    assert Administration.objects.count() == 1


def test_a_refused_form_keeps_its_token_for_the_corrected_resend(world, login):
    client = login(world.intake)
    url = reverse("participants:new")
    token = _token_on(client.get(url).content.decode())

    refused = client.post(url, _referral(world, date_of_birth="", form_token=token))
    assert refused.status_code == 400
    assert not UsedFormToken.objects.exists()

    saved = client.post(url, _referral(world, form_token=token))
    assert saved.status_code == 302
    assert Participant.objects.filter(legal_last_name="Halvorsen").count() == 1


def test_each_page_load_gets_a_new_token(world, login):
    client = login(world.intake)
    url = reverse("participants:new")
    assert _token_on(client.get(url).content.decode()) != _token_on(
        client.get(url).content.decode()
    )


@pytest.mark.django_db(transaction=True)
def test_two_identical_referrals_sent_at_the_same_moment_open_one_record(world, login):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer of the database file")
    url = reverse("participants:new")
    cookies = login(world.intake).cookies
    first_page = Client()
    first_page.cookies = cookies
    data = _referral(world, form_token=_token_on(first_page.get(url).content.decode()))
    start = threading.Barrier(2)
    answers: list[int] = []

    def send() -> None:
        browser_tab = Client()
        browser_tab.cookies = cookies
        try:
            start.wait()
            answers.append(browser_tab.post(url, data).status_code)
        finally:
            connections.close_all()

    tabs = [threading.Thread(target=send) for _ in range(2)]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()

    assert sorted(answers) == [302, 409]
    assert Participant.objects.filter(legal_last_name="Halvorsen").count() == 1
