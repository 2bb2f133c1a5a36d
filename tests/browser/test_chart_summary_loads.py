"""The overview loads the clinical summary in a real browser: htmx (vendored, under the
pages' CSP) replaces the placeholder with the summary once the overview has drawn."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_overview_shows_the_clinical_summary_once_it_has_drawn(page, world):
    sign_in(page, "therapist", PASSWORD)
    page.goto(f"/participants/{world.participant.public_id}/")
    summary = page.locator("#clinical-summary")
    expect(summary.get_by_role("heading", name="Risk")).to_be_visible()
    expect(summary).to_contain_text("No open alerts.")
    expect(summary.get_by_role("link", name="Open the clinical summary")).to_have_count(0)
