"""The medication list is a list table like the chart's others: its headings line up with
their columns on a desk, and on a phone each medication stacks into a card, "Record a stop"
on the screen, where before the table scrolled sideways in its box and hid it past the edge."""

from datetime import date

import pytest

from conftest import PASSWORD
from medications.services import add_medication
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_medication_row_reads_in_columns_on_a_desk_and_as_a_card_on_a_phone(page, world):
    add_medication(
        world.participant,
        by=world.prescriber,
        name="Sertraline",
        dose="50 mg daily",
        prescribed_elsewhere="Community health center",
        started_on=date(2026, 10, 1),
    )
    sign_in(page, "prescriber", PASSWORD)
    page.goto(f"/medications/{world.participant.public_id}/")
    dose = page.get_by_role("columnheader", name="Dose")
    assert dose.evaluate("el => getComputedStyle(el).textAlign") in ("left", "start")

    page.set_viewport_size({"width": 390, "height": 844})
    stop = page.locator("summary", has_text="Record a stop")
    box = stop.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, box
    cell = page.get_by_role("cell", name="50 mg daily")
    assert cell.get_attribute("data-label") == "Dose"
