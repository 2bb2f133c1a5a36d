"""A check-in left open on a participant's phone after their discharge: the page says check-ins
can no longer be sent and puts the crisis lines under their thumb, each big enough to tap."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from discharge.tests.builders import discharge_world
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDER_THAN_THE_SCREEN = "document.documentElement.scrollWidth > window.innerWidth"


def test_a_check_in_opened_after_discharge_offers_the_crisis_lines_to_tap(phone, world):
    discharge_world(world)
    sign_in(phone, "participant_user", PASSWORD)
    phone.goto("/checkins/me/")
    expect(phone.get_by_role("heading", name="Not available")).to_be_visible()
    expect(
        phone.get_by_text("check-ins and questionnaires can no longer be sent here")
    ).to_be_visible()
    lines = phone.locator(".crisis .crisis-lines a.button")
    expect(lines).to_have_count(3)
    assert [lines.nth(i).get_attribute("href") for i in range(3)] == [
        "tel:988",
        "sms:741741?body=HOME",
        "tel:911",
    ]
    heights = [lines.nth(i).bounding_box()["height"] for i in range(3)]
    assert min(heights) >= 44, heights
    assert not phone.evaluate(WIDER_THAN_THE_SCREEN)
    assert phone.get_by_role("radio").count() == 0  # no question left to answer
