"""A clinician's top bar is one line on a 1280-px laptop screen: a link wrapped alone onto a
second line reads as a second, lesser menu, and pushes every page down."""

import pytest

from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_therapists_top_bar_links_sit_on_one_line_at_1280_px(page, world):
    sign_in(page, "therapist", PASSWORD)
    nav = page.locator(".topbar nav")
    nav.get_by_role("link", name="Follow-up calls").wait_for()

    tops = nav.evaluate("n => [...n.children].map(e => Math.round(e.getBoundingClientRect().top))")

    assert len(tops) >= 9
    assert len(set(tops)) == 1, tops
