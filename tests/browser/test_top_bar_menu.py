"""The director's settings pages sit under one "Settings" menu in the top bar, and the less
daily pages under "More": each opens from its button, by mouse or keyboard, and closes as a
menu does: by a click elsewhere or by Escape."""

import pytest

from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_settings_menu_opens_leads_to_its_pages_and_closes_like_a_menu(page, world):
    sign_in(page, "director", PASSWORD)
    menu = page.locator("details.navmenu", has_text="Settings")
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
    assert "current" in (menu.locator("summary").get_attribute("class") or "")


def test_the_more_menu_works_from_the_keyboard_and_marks_the_page_shown(page, world):
    sign_in(page, "director", PASSWORD)
    more = page.locator("details.navmenu", has_text="More")
    outcomes = page.get_by_role("link", name="Outcomes")
    more.locator("summary").wait_for()
    assert not outcomes.is_visible()

    more.locator("summary").focus()
    page.keyboard.press("Enter")
    assert outcomes.is_visible()
    page.keyboard.press("Escape")
    assert not outcomes.is_visible()

    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if outcomes.evaluate("a => a === document.activeElement"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/outcomes/")
    summary = more.locator("summary")
    assert "current" in (summary.get_attribute("class") or "")
    assert "Outcomes, the page shown" in (summary.text_content() or "")
    assert more.locator("a[aria-current=page]").text_content() == "Outcomes"
