"""Every role's top bar is one line on a 1280-px laptop screen: a link wrapped alone onto a
second line reads as a second, lesser menu, and pushes every page down. A role with many
pages (the director, the supervisor) finds the less daily ones under "More"."""

import pytest

from conftest import PASSWORD, PERSONAS
from participants.demo import STAFF
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p in STAFF])
def test_every_roles_top_bar_sits_on_one_line_at_1280_px(page, world, persona):
    # The name beside the bar takes room too: the demo's own, with credentials.
    _, first, last, credentials = STAFF[persona]
    user = world.users[persona]
    user.display_name = f"{first} {last}{', ' + credentials if credentials else ''}"
    user.save(update_fields=["display_name"])
    sign_in(page, persona, PASSWORD)
    nav = page.locator(".topbar nav")
    nav.get_by_role("link", name="Home").wait_for()

    tops = nav.evaluate("n => [...n.children].map(e => Math.round(e.getBoundingClientRect().top))")

    assert len(tops) >= 3
    assert len(set(tops)) == 1, tops


def test_a_therapists_daily_pages_stay_in_the_bar_not_under_more(page, world):
    sign_in(page, "therapist", PASSWORD)
    nav = page.locator(".topbar nav")
    nav.get_by_role("link", name="Follow-up calls").wait_for()

    assert nav.locator("details").count() == 0
    for name in ("New referral", "Resources", "Dose this week", "Follow-up calls"):
        assert nav.get_by_role("link", name=name).is_visible()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p in STAFF])
def test_no_top_bar_link_breaks_over_two_lines_on_a_phone(page, world, persona):
    """On a 390-px phone the bar wraps between links, never inside one ("Sessions / today"
    read as two links): a short name beside the bar left it too narrow for them."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, persona, PASSWORD)
    nav = page.locator(".topbar nav")
    nav.get_by_role("link", name="Home").wait_for()

    lines = nav.evaluate(
        "n => [...n.querySelectorAll('a, summary')].filter(e => e.offsetParent)"
        ".map(e => [e.textContent.trim(), e.getClientRects().length])"
    )

    assert [text for text, count in lines if count > 1] == []
