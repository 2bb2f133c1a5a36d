"""A facilitator's roll call on a phone: from the home page, everyone present, one late, a
drop-in — as a new user would do it."""

import pytest

from attendance.models import Attendance
from attendance.tests.builders import active_participant, enrol, session_now
from conftest import PASSWORD
from scheduling.models import Enrolment
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_facilitator_takes_todays_roll_call_on_a_phone(page, world):
    session = session_now(world.program, staff=[world.outsider], title="Coping skills")
    for number, first, last in [
        ("T-000010", "Alex", "Abbott"),
        ("T-000011", "Blair", "Booker"),
        ("T-000012", "Casey", "Cho"),
    ]:
        enrol(session, active_participant(world, number, first, last))
    active_participant(world, "T-000020", "Dana", "Dropwell")
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, "outsider", PASSWORD)
    page.get_by_role("heading", name="My sessions today").wait_for()
    page.get_by_role("link", name="Take roll call: Coping skills").click()
    # htmx saves a row in place once the page has loaded; a tap before that saves through the
    # whole page, whose messages go to its top instead of the row.
    page.wait_for_load_state()
    page.get_by_role("heading", name="Roll call: Coping skills").wait_for()
    assert page.get_by_text("0 of 3 recorded").is_visible()

    page.get_by_role("button", name="Mark all present").click()
    page.get_by_text("3 of 3 recorded").wait_for()
    page.get_by_text("Marked 3 present.").wait_for()

    alex = page.locator("li.roll-row", has_text="Alex Abbott")
    alex.get_by_role("button", name="Late").click()
    alex.get_by_text("Enter the minutes attended").wait_for()  # nothing saved without minutes
    alex = page.locator("li.roll-row", has_text="Alex Abbott")
    alex.get_by_label("Minutes attended").fill("60")
    alex.get_by_role("button", name="Late").click()
    page.locator("li.roll-row", has_text="Alex Abbott").get_by_text("Saved: Late").wait_for()
    assert (
        page.locator("li.roll-row", has_text="Alex Abbott").get_by_text("60 of 90 min").is_visible()
    )

    page.get_by_label("Name or record number").fill("Dropwell")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add as drop-in").click()
    page.locator("li.roll-row", has_text="Dana Dropwell").wait_for()
    page.get_by_text("4 of 4 recorded").wait_for()
    assert "?" not in page.url  # the search terms never went into the address bar

    rows = dict(Attendance.objects.values_list("participant__record_number", "status"))
    assert rows == {
        "T-000010": "late",
        "T-000011": "present",
        "T-000012": "present",
        "T-000020": "present",
    }
    assert Attendance.objects.get(participant__record_number="T-000010").minutes == 60
    assert Enrolment.objects.get(participant__record_number="T-000020").source == "drop_in"


@pytest.mark.parametrize("width", [320, 390, 700, 1280])
def test_every_status_label_fits_its_button(page, world, width):
    session = session_now(world.program, staff=[world.outsider], title="Coping skills")
    enrol(session, active_participant(world, "T-000010", "Alex", "Abbott"))
    page.set_viewport_size({"width": width, "height": 844})
    sign_in(page, "outsider", PASSWORD)

    page.goto(f"/attendance/sessions/{session.public_id}/")

    buttons = page.locator(".status-button")
    assert buttons.count() == 6
    cut = buttons.evaluate_all(
        "bs => bs.filter(b => b.scrollWidth > b.clientWidth).map(b => b.textContent)"
    )
    assert cut == []
