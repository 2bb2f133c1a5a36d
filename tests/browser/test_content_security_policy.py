"""No page breaks its own Content-Security-Policy: saving every intake section and opening
the main pages gives no CSP violation in a real browser.

The policy allows only the app's own scripts and styles (no inline script, no `style=`
attribute); htmx is told not to inject its indicator `<style>`. A violation is caught two
ways: the `securitypolicyviolation` event the page raises, and the console error chromium
prints.
"""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from intake.services import start_intake
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sample);
});
"""


def _violations(page, console: list[str]) -> list[str]:
    return page.evaluate("window.__csp") + console


def test_saving_every_intake_section_and_the_main_pages_break_no_csp_rule(page, world):
    """Fails on any violation; the last test shows the listeners catch one."""
    console: list[str] = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(LISTEN)
    start_intake(world.episode, by=world.therapist)
    sign_in(page, "therapist", PASSWORD)
    page.get_by_role("button", name="Sign out").wait_for()

    response = page.goto(reverse("intake:intake", args=[world.participant.public_id]))
    policy = response.headers["content-security-policy"]
    assert "style-src 'self';" in policy and "script-src 'self';" in policy

    sections = page.locator("section.intake-section")
    count = sections.count()
    assert count == 10
    for i in range(count):
        section = page.locator("section.intake-section").nth(i)
        key = section.get_attribute("id")
        box = section.locator("textarea, input[type=text]").first
        if box.count():
            box.fill("Synthetic answer for the policy check.")
        sent = section.element_handle()
        with page.expect_response(lambda r: r.request.method == "POST"):
            section.get_by_role("button", name="Save section").click()
        # The answer has come back; htmx swaps the saved section in a moment later.
        page.wait_for_function("section => !section.isConnected", arg=sent)
        page.locator(f"#{key}").wait_for()
    assert page.get_by_text("Saved.").count() >= 1
    assert not _violations(page, console), _violations(page, console)

    pid = world.participant.public_id
    for url in [
        reverse("home"),
        reverse("participants:chart", args=[pid]),
        reverse("assessments:tab", args=[pid]),
        reverse("intake:diagnoses", args=[pid]),
        reverse("placement:level_of_care", args=[pid]),
        reverse("monitoring:participant_alerts", args=[pid]),
        reverse("participants:history", args=[pid]),
        reverse("scheduling:week", args=[world.program.public_id]),
    ]:
        assert page.goto(url).status == 200, url
        assert not _violations(page, console), (url, _violations(page, console))


def test_the_listeners_catch_an_inline_style(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(LISTEN)
    page.goto(reverse("accounts:login"))
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_function("window.__csp.length > 0")
    assert "style-src" in _violations(page, console)[0]
    context.close()
