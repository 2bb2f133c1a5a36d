"""A case manager keeps a participant in care: names a barrier, asks the scheduler for a
change (which shows on the participant's schedule), refers to a resource and closes the
loop — as a new user would do it."""

import pytest

from casemanagement.models import Barrier, ChangeRequestStatus, ReferralStatus, ResourceReferral
from casemanagement.national import national_resource
from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_barrier_a_schedule_change_and_a_referral_with_its_loop_closed(page, world):
    national_resource("SMART Recovery")
    sign_in(page, "casemanager", PASSWORD)
    page.goto(f"/casemanagement/{world.participant.public_id}/")
    page.get_by_role("heading", name="Barriers to care").wait_for()

    record = page.locator("form", has=page.locator("#id_kind"))
    record.get_by_label("Barrier").select_option(label="Transport")
    record.get_by_label("Detail").fill("No bus after 6 pm")
    record.get_by_role("button", name="Record").click()
    page.get_by_text("No bus after 6 pm").wait_for()

    page.get_by_label("Change to ask for").select_option(label="Virtual sessions")
    page.get_by_role("button", name="Ask the scheduler").click()
    page.get_by_text("Sent to the scheduler").wait_for()
    page.goto(f"/schedule/participants/{world.participant.public_id}/")
    page.get_by_role("heading", name="Schedule changes asked for (1)").wait_for()
    assert page.get_by_text("Virtual sessions").first.is_visible()

    page.goto(f"/casemanagement/{world.participant.public_id}/")
    referral = page.locator("form", has=page.locator("#id_resource"))
    referral.get_by_label("Resource").select_option(label="SMART Recovery")
    referral.get_by_label("Referred on").fill("2026-11-16")
    referral.get_by_role("button", name="Refer").click()
    row = page.locator("tr", has_text="SMART Recovery")
    row.get_by_text("Referral made").wait_for()
    row.get_by_label("Appointment").fill("2026-11-19")
    row.get_by_label("Time and place").fill("Tuesday 7 pm, library")
    row.get_by_role("button", name="Set").click()
    row = page.locator("tr", has_text="SMART Recovery")
    row.get_by_text("Appointment set").wait_for()
    row.get_by_label("What happened").select_option(label="Attended")
    row.get_by_role("button", name="Record").click()
    page.locator("tr", has_text="SMART Recovery").get_by_text("Attended").first.wait_for()

    barrier = Barrier.objects.get(participant=world.participant)
    assert (barrier.kind, barrier.owner) == ("transport", world.casemanager)
    assert barrier.change_requests.get().status == ChangeRequestStatus.OPEN
    loop = ResourceReferral.objects.get(participant=world.participant)
    assert loop.status == ReferralStatus.ATTENDED and loop.outcome_by == world.casemanager
