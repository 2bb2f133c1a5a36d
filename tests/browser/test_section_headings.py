"""A card's later section headings stand apart from the table or text above them: with no
space over them, "Sessions with no note yet" on the notes board read as the last row of the
table before it."""

import pytest

from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_each_later_heading_of_the_notes_board_has_room_above_it(page, world):
    sign_in(page, "supervisor", PASSWORD)
    page.goto("/notes/board/")
    headings = page.locator(".card > h2")
    headings.first.wait_for()

    gaps = headings.evaluate_all(
        "hs => hs.map(h => Math.round(h.getBoundingClientRect().top"
        " - h.previousElementSibling.getBoundingClientRect().bottom))"
    )
    rem = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")

    assert len(gaps) == 3
    assert all(gap >= 1.3 * rem for gap in gaps), gaps
