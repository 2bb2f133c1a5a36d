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


def test_what_is_typed_into_record_a_stop_is_not_set_in_the_labels_bold(page, world):
    """A box inside its label ("Stopped on", "Why") shows what is typed in the normal
    weight, as every other box does, not in the label's bold."""
    add_medication(
        world.participant, by=world.prescriber, code="sertraline", started_on=date(2026, 10, 1)
    )
    sign_in(page, "prescriber", PASSWORD)
    page.goto(f"/medications/{world.participant.public_id}/")
    page.locator("summary", has_text="Record a stop").click()
    why = page.get_by_label("Why")
    why.fill("Side effects")
    assert why.evaluate("el => getComputedStyle(el).fontWeight") == "400"
    label = page.locator("label", has=why)
    assert label.evaluate("el => getComputedStyle(el).fontWeight") == "600"
