"""On a phone's touch screen every button and link on the participant's home is big enough
to tap."""

import pytest

from conftest import PASSWORD
from plans.tests.builders import signed
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _heights(phone, selector: str) -> list[tuple[str, float]]:
    """Each shown element matching `selector`, by its text, with its height in CSS pixels."""
    return phone.evaluate(
        f"[...document.querySelectorAll('{selector}')]"
        ".filter(e => e.offsetParent !== null)"
        ".map(e => [e.textContent.trim(), e.getBoundingClientRect().height])"
    )


def test_every_button_on_the_portal_home_is_at_least_44_px_tall_on_a_touch_screen(phone, world):
    signed(world)
    sign_in(phone, "participant_user", PASSWORD)
    phone.get_by_role("heading", name="This week").wait_for()

    heights = _heights(phone, "button, a.button")

    assert len(heights) >= 3
    assert [(name, h) for name, h in heights if h < 44] == []


def test_every_link_in_the_portal_home_s_content_is_at_least_44_px_tall(phone, world):
    """Not only the ones styled as buttons: a plain text link is a 19 px target."""
    signed(world)
    sign_in(phone, "participant_user", PASSWORD)
    phone.get_by_role("heading", name="This week").wait_for()

    heights = _heights(phone, "main a")

    assert any(name == "Read your plan and acknowledge it" for name, _ in heights)
    assert [(name, h) for name, h in heights if h < 44] == []


def test_sign_out_and_skip_to_content_are_44_px_tall_on_a_touch_screen(phone, world):
    """The top bar's sign-out and the skip link (shown when focused) on the portal."""
    sign_in(phone, "participant_user", PASSWORD)
    phone.get_by_role("heading", name="This week").wait_for()
    sign_out = phone.get_by_role("button", name="Sign out").bounding_box()
    phone.keyboard.press("Tab")
    skip = phone.get_by_role("link", name="Skip to content")
    skip.wait_for()
    box = skip.bounding_box()
    assert skip.evaluate("e => e === document.activeElement")
    assert sign_out["height"] >= 44
    assert box["height"] >= 44
