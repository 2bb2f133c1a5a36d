"""A no-change day's check-in on a phone takes at most 7 taps (counted, from the portal home),
for a participant with a medication on the list (so the medications question is asked too)."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from checkins.models import CheckIn
from checkins.services import record_checkin
from conftest import PASSWORD
from medications.services import add_medication
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_TAPS = 7


def test_a_no_change_day_takes_at_most_seven_taps(page, world):
    add_medication(
        world.participant,
        by=world.prescriber,
        code="buprenorphine-naloxone",
        prescribed_by=world.prescriber,
        started_on=date(2026, 1, 5),
    )
    record_checkin(
        world.participant,
        by=world.participant_user,
        now=timezone.now() - timedelta(days=1),
        mood=6,
        craving=3,
        used=False,
        safety=False,
        hours_slept=7,
        medications_taken="all",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "participant_user", PASSWORD)
    page.get_by_role("heading", name="Daily check-in").wait_for()

    taps = []

    def tap(locator) -> None:
        locator.click()
        taps.append(locator)

    tap(page.get_by_role("link", name="Check in now"))
    page.get_by_role("heading", name="Daily check-in").wait_for()
    page.wait_for_load_state()  # the whole page and its stylesheet, before measuring its width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tap(page.locator("#used-field").get_by_text("No", exact=True))
    tap(page.locator("#medications_taken-field").get_by_text("Took all", exact=True))
    tap(page.locator("#safety-field").get_by_text("No", exact=True))
    tap(page.get_by_role("button", name="Send"))
    page.get_by_role("heading", name="Thank you").wait_for()

    assert len(taps) <= MAX_TAPS
    print(f"taps for a no-change day: {len(taps)}")
    today = CheckIn.objects.order_by("-recorded_at").first()
    assert today is not None
    assert (today.mood, today.craving, today.used, today.safety) == (6, 3, False, False)
    assert today.medications_taken == "all"
    assert today.hours_slept == 7
    assert CheckIn.objects.count() == 2


def test_each_fold_of_the_check_in_shows_that_it_opens(page, world):
    """A summary styled as a row loses the browser's triangle; without one, "Triggers today"
    reads as a heading with nothing under it."""
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, "participant_user", PASSWORD)
    page.goto("/checkins/me/")
    marker = "s => getComputedStyle(s, '::before').content"
    fold = page.locator("summary", has_text="Triggers today")
    assert fold.evaluate(marker).startswith('"▸"')
    fold.click()
    assert fold.evaluate(marker).startswith('"▾"')
    assert page.locator("#triggers-field").is_visible()


def test_the_crisis_lines_after_a_safety_yes_are_separate_buttons(page, world):
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, "participant_user", PASSWORD)
    page.goto("/checkins/me/")
    answers = (("#mood-field", "5"), ("#craving-field", "2"), ("#used-field", "No"))
    for field, answer in (*answers, ("#safety-field", "Yes")):
        page.locator(field).get_by_text(answer, exact=True).click()
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="You do not have to face this alone").wait_for()
    assert "/checkins/me/crisis/" in page.url
    page.reload()
    page.get_by_role("heading", name="You do not have to face this alone").wait_for()
    assert CheckIn.objects.count() == 1
    lines = page.locator(".crisis > .crisis-lines a.button")
    boxes = [lines.nth(i).bounding_box() for i in range(lines.count())]
    assert len(boxes) == 3
    assert all(b["height"] >= 44 for b in boxes)
    assert all(a["y"] + a["height"] < b["y"] for a, b in pairwise(boxes))
    bullets = page.locator(".crisis > .crisis-lines > li").evaluate_all(
        "items => items.map(li => getComputedStyle(li).listStyleType)"
    )
    assert bullets == ["none", "none", "none"]


def test_a_missing_answer_s_link_at_the_top_takes_the_keyboard_to_its_question(page, world):
    """After the link, Tab goes on from the question and a screen reader reads it out, instead
    of the page scrolling while focus stays at the top."""
    page.set_viewport_size({"width": 360, "height": 640})
    sign_in(page, "participant_user", PASSWORD)
    page.goto("/checkins/me/")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()  # the question the link leads to is on the page by then
    summary = page.get_by_role("alert")
    summary.get_by_role("link", name="Any use since your last check-in?").click()
    assert page.evaluate("document.activeElement.id") == "used-field"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "used"


def test_each_box_of_a_0_to_10_scale_is_44_px_wide_on_a_390_px_phone(page, world):
    """Two rows where one would make 30 px boxes; still one named group of eleven choices."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "participant_user", PASSWORD)
    page.goto("/checkins/me/")
    for field in ("#mood-field", "#craving-field"):
        boxes = page.locator(f"{field} .scale-option").evaluate_all(
            "labels => labels.map(l => l.getBoundingClientRect().width)"
        )
        assert len(boxes) == 11
        assert min(boxes) >= 44
    group = page.get_by_role("group", name="Mood today (0 = worst, 10 = best)")
    assert group.get_by_role("radio").count() == 11
