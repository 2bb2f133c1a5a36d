"""The Measures tab's trajectory in a real browser: drawn as lines, not filled shapes, at a
readable size, with every week label inside the chart."""

from datetime import timedelta

import pytest

from assessments.services import record_administration
from conftest import PASSWORD
from measurement.tests.conftest import T0, phq9_answers
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_trajectory_is_drawn_as_lines_with_its_labels_inside(page, world):
    for weeks, total in ((0, 19), (2, 16), (5, 11)):
        record_administration(
            world.participant,
            code="phq-9",
            answers=phq9_answers(total),
            mode="staff-entered",
            by=world.director,
            completed_at=T0 + timedelta(weeks=weeks),
        )
    sign_in(page, "therapist", PASSWORD)
    page.goto(f"/measurement/{world.participant.public_id}/")
    chart = page.locator("svg.trajectory")
    line = chart.locator("polyline").first
    assert line.evaluate("e => getComputedStyle(e).fill") == "none"
    assert line.evaluate("e => getComputedStyle(e).stroke") != "none"
    box = chart.bounding_box()
    assert box is not None and box["width"] <= 760
    label_size = chart.locator(".series-label").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize) * e.getScreenCTM().a"
    )
    assert 10 <= label_size <= 16, label_size
    for label in chart.locator("text.tick", has_text="week of").all():
        inner = label.bounding_box()
        assert inner is not None
        assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"]
