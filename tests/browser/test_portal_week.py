"""A participant on their phone: signs in, sees this week's sessions and hours, joins online."""

from datetime import datetime, time, timedelta

import pytest
import time_machine

from attendance.dose import current_week
from attendance.tests.builders import enrol, make_session, record
from conftest import PASSWORD
from plans.tests.builders import signed
from scheduling.models import SessionMode
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def wednesday_morning(world):
    """The server's clock at 8 am on next week's Wednesday, ticking: the week's Monday is past
    and its Sunday ahead whatever day the suite runs. Ahead of chromium's own clock, never
    behind it, so the session cookie the server writes is still fresh to the browser."""
    ahead = current_week(world.program) + timedelta(days=9)
    with time_machine.travel(
        datetime.combine(ahead, time(8, 0), tzinfo=world.program.tz), tick=True
    ):
        yield


def test_participant_sees_their_week_on_a_phone(page, world, wednesday_morning):
    monday = current_week(world.program)
    attended = make_session(world.program, monday, title="Relapse prevention")
    online = make_session(
        world.program, monday + timedelta(days=6), title="DBT skills", mode=SessionMode.VIRTUAL
    )
    online.video_link = "https://video.example.invalid/dbt"
    online.save(update_fields=["video_link"])
    for s in (attended, online):
        enrol(s, world.episode)
    record(attended, world.episode, "present", 180)
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, "participant_user", PASSWORD)
    page.get_by_role("heading", name="This week").wait_for()

    week = page.locator("section.portal-week")
    assert week.get_by_text("3 hours", exact=True).is_visible()
    assert "you have attended 3 hours of the 9 hours you need" in week.inner_text()
    assert week.get_by_text("Present").is_visible()
    join = week.get_by_role("link", name="Join online")
    assert join.get_attribute("href") == "https://video.example.invalid/dbt"
    assert page.get_by_role("heading", name="Next week").is_visible()
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("path", ["/checkins/me/", "/assessments/me/pcl-5/", "/plans/mine/"])
def test_a_small_phone_with_large_text_never_scrolls_sideways(page, world, path):
    """320 px wide with text at 200 %: the 0–10 boxes wrap onto rows, long words break."""
    signed(world)
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, "participant_user", PASSWORD)
    page.get_by_role("heading", name="This week").wait_for()
    page.goto(path)
    page.evaluate("document.documentElement.style.fontSize = '32px'")
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_safety_plan_s_988_line_is_big_enough_to_tap(page, world):
    page.set_viewport_size({"width": 375, "height": 812})
    sign_in(page, "participant_user", PASSWORD)
    page.get_by_role("heading", name="This week").wait_for()
    page.goto("/safety-plan/mine/")
    line = page.locator(".safety-plan a[href='tel:988']")
    assert line.bounding_box()["height"] >= 44
