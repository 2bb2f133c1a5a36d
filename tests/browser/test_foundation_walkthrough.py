"""A clinician's first minutes in Tandem, in a real browser."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_mode"),
]


def test_clinician_finds_caseload_chart_search_and_outsider_breaks_the_glass(page):
    call_command("seed_demo", "--participants", "40", "--quiet-logins")

    sign_in(page, "therapist", "tandem-demo")
    page.get_by_role("heading", name="My caseload").wait_for()
    first = page.locator("table.list tbody tr a").first
    name = first.inner_text()
    first.click()
    page.get_by_role("heading", name=name).wait_for()
    expect(page.get_by_role("navigation", name="Chart sections")).to_be_visible()

    page.get_by_role("link", name="Find a participant").click()
    page.get_by_label("Name or record number").fill(name.split()[-1])
    page.get_by_role("button", name="Search").click()
    page.locator("#results table").wait_for()
    assert "?" not in page.url  # search terms never go into the address bar

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "therapist2", "tandem-demo")
    page.goto(f"/participants/{_someone_not_on_team('therapist2')}/")
    page.get_by_role("heading", name="You do not have access to this record").wait_for()
    page.get_by_role("link", name="Break the glass").click()
    page.get_by_label("Reason").fill(
        "Covering the crisis line tonight; participant called in distress"
    )
    page.get_by_role("button", name="Open the record").click()
    page.get_by_text("Emergency access until").wait_for()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "auditor", "tandem-demo")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    page.get_by_text("Break-the-glass to review").wait_for()
    expect(page.get_by_text("Covering the crisis line tonight").first).to_be_visible()


def _someone_not_on_team(username: str) -> str:
    from participants.models import Participant

    person = (
        Participant.objects.exclude(episodes__care_team__user__username=username)
        .filter(episodes__status="active")
        .first()
    )
    assert person is not None
    return str(person.public_id)
