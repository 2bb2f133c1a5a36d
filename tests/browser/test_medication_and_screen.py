"""On the chart in a real browser: put buprenorphine/naloxone on the medication list, record
a urine cup that misses buprenorphine and shows cocaine, and read the interpretation flags."""

import pytest

from conftest import PASSWORD
from screens import panels
from screens.models import Panel
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_medication_and_a_drug_screen_recorded_on_the_chart_show_their_flags(page, world):
    panels.seed()  # data-migration rows vanish between transactional tests
    cup = Panel.objects.get(code="urine-cup-hhs")
    pid = world.participant.public_id
    sign_in(page, "prescriber", PASSWORD)

    page.goto(f"/medications/{pid}/")
    page.locator("#id_code").select_option(label="Buprenorphine/naloxone")
    page.locator("#id_dose").fill("16 mg daily")
    page.locator("#id_prescribed_by").select_option(label="Not prescribed here")
    page.locator("#id_started_on").fill("2026-10-01")
    page.get_by_role("button", name="Add to the list").click()
    page.get_by_role("cell", name="Buprenorphine/naloxone", exact=True).wait_for()

    page.goto(f"/drug-screens/{pid}/")
    page.get_by_role("link", name=cup.name).click()
    page.locator("#id_collected_at").fill("2026-11-16T09:30")
    page.locator("#id_observed").check()
    page.locator("#id_validity").select_option("valid")
    page.locator('input[name="result_COC"][value="positive"]').check()
    with page.expect_navigation(timeout=60000):
        page.get_by_role("button", name="Record the screen").click()
    errors = page.locator(".error").all_inner_texts()
    assert page.get_by_role("heading", name="Last known use").count() == 1, (page.url, errors)

    def row(analyte: str):
        return page.locator(
            "article.screen tr", has=page.get_by_role("cell", name=analyte, exact=True)
        )

    bup = row("Buprenorphine")
    assert "Unexpected negative" in bup.inner_text(), bup.inner_text()
    cocaine = row("Cocaine (benzoylecgonine)")
    assert "Unexpected positive" in cocaine.inner_text(), cocaine.inner_text()
    assert "(presumptive)" in cocaine.inner_text()
    assert page.get_by_text("since last known use (presumptive drug screen)").count() >= 1
