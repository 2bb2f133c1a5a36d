"""On a phone the director's census stays a row of counts under their headings: stacked like a
list it showed its first count (the referrals) as a bare number with no name."""

import pytest

from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_census_names_every_count_on_a_phone(page, world):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "director", PASSWORD)
    census = page.locator("section", has=page.get_by_role("heading", name="Program census"))
    census.wait_for()

    headings = census.locator("th")
    assert headings.count() >= 2
    for n in range(headings.count()):
        assert headings.nth(n).is_visible(), headings.nth(n).text_content()
