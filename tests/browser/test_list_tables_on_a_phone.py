"""On a phone a list table stacks each row's cells; each cell then says which column it is
("Record DEMO-00033", "Next session Mon 7 Dec"), as the hidden headings no longer do."""

import pytest

from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BEFORE = "el => getComputedStyle(el, '::before').content"


def test_a_stacked_caseload_row_names_each_value_by_its_column(page, world):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "therapist", PASSWORD)
    record = page.locator("table.list td", has_text=world.participant.record_number).first
    record.wait_for()
    assert page.locator("table.list thead").first.is_hidden()
    assert record.get_attribute("data-label") == "Record"
    assert "Record" in record.evaluate(BEFORE)
    name = page.locator("table.list tbody tr td").first
    assert name.evaluate(BEFORE) == "none"  # the row's first cell is its title

    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("table.list thead").first.is_visible()
    assert record.evaluate(BEFORE) == "none"


def test_a_stacked_value_that_runs_to_two_lines_stays_beside_its_label(page, world):
    """The second line of a long value (a clinician's name and credentials) lines up under
    its first, not under the column names on the left."""
    world.therapist.display_name = "Dana Reyes-Montgomery, LMFT, LCADC, CCS"
    world.therapist.save(update_fields=["display_name"])
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "therapist", PASSWORD)
    cell = page.locator('table.list td[data-label="Primary clinician"]').first
    cell.wait_for()

    starts = cell.evaluate(
        "td => { const r = document.createRange(); r.selectNodeContents(td);"
        " return [...r.getClientRects()].map(b => Math.round(b.left)); }"
    )

    assert len(starts) > 1  # the value does run to a second line
    assert len(set(starts)) == 1, starts
