"""Administering in a real browser: skip logic under the CSP, the tablet hand-over, a result."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from assessments.models import Administration
from participants.models import Participant
from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_mode"),
]


def _on_therapists_caseload() -> Participant:
    person = (
        Participant.objects.filter(
            episodes__status="active", episodes__primary_clinician__username="therapist"
        )
        .order_by("record_number")
        .first()
    )
    assert person is not None
    return person


def _question(on, number: str):
    return on.get_by_role("group", name=re.compile(rf"^{re.escape(number)}\. "))


def test_skip_logic_tablet_hand_over_and_full_phq9_after_a_positive_phq2(page):
    call_command("seed_demo", "--participants", "40", "--quiet-logins")
    person = _on_therapists_caseload()
    sign_in(page, "therapist", "tandem-demo")

    page.goto(f"/assessments/{person.public_id}/")
    page.get_by_role("heading", name="Start an assessment").wait_for()
    page.get_by_label("Instrument").select_option("audit")
    page.get_by_label("Staff-entered").check()
    page.get_by_role("button", name="Start").click()
    _question(page, "1").get_by_label("Never").check()
    # The skip logic is a deferred script: wait for it (it also applies on load, so an answer
    # ticked before it ran is still honoured) rather than read the page at once.
    expect(_question(page, "2")).to_be_hidden()
    expect(_question(page, "9")).to_be_visible()

    page.goto(f"/assessments/{person.public_id}/")
    page.get_by_label("Instrument").select_option("phq-2")
    page.get_by_label("Self-report on this device").check()
    page.get_by_role("button", name="Start").click()
    _question(page, "1").get_by_label("Nearly every day").check()
    # Read once the page is there: an unfinished page has no chart sections either.
    assert page.get_by_role("navigation", name="Chart sections").count() == 0
    _question(page, "2").get_by_label("More than half the days").check()
    page.get_by_role("button", name="Finish").click()
    page.get_by_role("link", name="Continue with a few more questions").click()

    for item in range(1, 10):
        _question(page, str(item)).get_by_label("Not at all").check()
    page.get_by_role("button", name="Finish").click()
    page.get_by_text("Please hand the device back").wait_for()
    page.get_by_role("link", name="Staff: show the result").click()
    page.get_by_role("heading", name="Answers").wait_for()

    latest = Administration.objects.filter(participant=person).order_by("-pk")[:2]
    assert [(a.instrument, a.mode) for a in latest] == [
        ("phq-9", "self-report"),
        ("phq-2", "self-report"),
    ]
