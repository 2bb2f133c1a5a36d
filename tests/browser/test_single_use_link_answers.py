"""A reminder's single-use link answered in a real browser, which sends the Origin header the
page's Referrer-Policy allows: the answer is stored, not refused by the CSRF check."""

import pytest

from assessments.models import Administration
from checkins.models import CheckIn
from links.services import issue_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_check_in_sent_through_a_link_is_stored(page, world):
    issued = issue_link(world.participant, "checkin", by=world.therapist)
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(issued.path)
    page.locator("#mood-field").get_by_text("5", exact=True).click()
    page.locator("#craving-field").get_by_text("2", exact=True).click()
    page.locator("#used-field").get_by_text("No", exact=True).click()
    page.locator("#safety-field").get_by_text("No", exact=True).click()
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert CheckIn.objects.get().mood == 5


def test_a_questionnaire_answered_through_a_link_is_stored(page, world):
    issued = issue_link(world.participant, "questionnaire", ref="gad-7", by=world.therapist)
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(issued.path)
    for question in page.locator("fieldset.question").all():
        question.get_by_text("Not at all", exact=True).click()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert Administration.objects.get().instrument == "gad-7"


def test_reloading_the_crisis_page_of_a_link_shows_the_crisis_lines_again(page, world):
    issued = issue_link(world.participant, "checkin", by=world.therapist)
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(issued.path)
    page.locator("#mood-field").get_by_text("3", exact=True).click()
    page.locator("#craving-field").get_by_text("2", exact=True).click()
    page.locator("#used-field").get_by_text("No", exact=True).click()
    page.locator("#safety-field").get_by_text("Yes", exact=True).click()
    page.get_by_role("button", name="Send").click()
    heading = page.get_by_role("heading", name="You do not have to face this alone")
    heading.wait_for()
    page.reload()
    heading.wait_for()
    assert 'href="tel:988"' in page.content()
    assert CheckIn.objects.count() == 1
