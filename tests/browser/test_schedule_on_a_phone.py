"""The director checks the week's schedule on a phone: the counts by track and day keep their
day headings, with no heading repeated inside a cell, and scroll sideways inside their own box,
not the whole page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from attendance.dose import current_week
from attendance.tests.builders import make_session
from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_mode"),
]


def test_week_and_day_counts_stay_tables_on_a_phone(page, world):
    monday = current_week(world.program)
    for offset in (0, 2, 4):
        make_session(world.program, monday + timedelta(days=offset), title="Relapse prevention")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "director", PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(reverse("scheduling:week", args=[world.program.public_id]))
    counts = page.locator("table.week-summary")
    monday_heading = counts.get_by_role("columnheader", name=monday.strftime("%a %-d %b"))
    assert monday_heading.is_visible()
    assert counts.get_by_role("columnheader", name="Week").count() == 1
    # Its cells keep their column under its heading; none repeats the day inside it.
    assert (
        counts.locator("td").first.evaluate("el => getComputedStyle(el, '::before').content")
        == "none"
    )
    box = page.locator(".table-scroll").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # seven days do not fit
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(reverse("scheduling:day", args=[world.program.public_id]) + "?on=" + str(monday))
    day = page.locator("table.day-summary")
    assert day.get_by_role("columnheader", name="Places offered").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_rows_name_sits_on_the_line_of_its_figures(page, world):
    """A row's name ("All groups") is written at the size of its figures, so the two share
    one line instead of the name riding above it in the small print of a column heading."""
    make_session(world.program, current_week(world.program), title="Relapse prevention")
    sign_in(page, "director", PASSWORD)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(reverse("scheduling:week", args=[world.program.public_id]))
    row = page.locator("table.week-summary tfoot tr").first
    bottoms = row.evaluate(
        "tr => [tr.querySelector('th'), tr.querySelector('td')].map(cell => {"
        " const r = document.createRange(); r.selectNodeContents(cell);"
        " return Math.round(r.getClientRects()[0].bottom); })"
    )
    assert bottoms[0] == bottoms[1], bottoms
