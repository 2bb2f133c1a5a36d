"""The director's settings pages sit under one "Settings" menu in the top bar, which opens
from its button and closes as a menu does: by a click elsewhere or by Escape."""

import pytest

from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_settings_menu_opens_leads_to_its_pages_and_closes_like_a_menu(page, world):
    sign_in(page, "director", PASSWORD)
    menu = page.locator("details.navmenu")
    staff = page.get_by_role("link", name="Staff")
    menu.locator("summary").wait_for()
    assert not staff.is_visible()

    menu.locator("summary").click()
    assert staff.is_visible()
    page.mouse.click(1200, 800)
    assert not staff.is_visible()

    menu.locator("summary").click()
    page.keyboard.press("Escape")
    assert not staff.is_visible()

    menu.locator("summary").click()
    page.get_by_role("link", name="Plan settings").click()
    page.wait_for_url("**/plans/settings/")
    assert "current" in (page.locator("details.navmenu summary").get_attribute("class") or "")
