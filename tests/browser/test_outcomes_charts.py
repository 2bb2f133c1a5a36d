"""The outcomes board's charts in a real browser, on a desk's screen and a phone's: no label
of a chart (a bar's value, a month or a name under it, a marked day of the retention curve)
overlaps another, and each is written at a size a person can read."""

from datetime import date, timedelta

import pytest

from conftest import PASSWORD
from outcomes import facts
from outcomes.tests.conftest import add_episode
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every line of text of every chart on the board, as the browser lays it out.
LABEL_BOXES = """() => [...document.querySelectorAll('figure.board-chart, figure.trend-chart')].map(
  figure => ({
    chart: figure.querySelector('svg title').textContent,
    boxes: [...figure.querySelectorAll('svg text:not(:has(tspan)), svg tspan')].map(text => {
      const box = text.getBoundingClientRect();
      return {text: text.textContent, x: box.x, y: box.y, w: box.width, h: box.height};
    }),
  }))"""


def _overlaps(boxes: list[dict]) -> list[str]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            across = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            down = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if across > 0.5 and down > 0.5:
                found.append(f"{a['text']!r} and {b['text']!r}")
    return found


def _thirteen_months_of_discharges(world) -> None:
    """Thirteen months in which people left care, every other month too few to show (so the
    month chart has thirteen bars, "hidden" among them), and twelve people in care for over a
    year (so the retention curve runs long past its last marked day)."""
    first = date(2025, 11, 10)
    for m in range(13):
        month = date(first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1, 10)
        for _ in range(12 if m % 2 == 0 else 3):
            add_episode(
                world,
                referred_on=month - timedelta(days=25),
                admitted_on=month - timedelta(days=20),
                discharged_on=month,
            )
    for _ in range(12):
        add_episode(world, referred_on=date(2025, 11, 1), admitted_on=date(2025, 11, 3))
    facts.rebuild()


@pytest.mark.parametrize("width", [1280, 390])
def test_no_label_of_a_board_chart_overlaps_another(page, world, width):
    _thirteen_months_of_discharges(world)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, "director", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/outcomes/")
    page.get_by_label("From", exact=True).fill("2025-11-01")
    page.get_by_label("To", exact=True).fill("2026-12-04")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()  # every chart drawn, not only those the browser has read so far
    page.wait_for_selector("#completion svg")
    charts = page.evaluate(LABEL_BOXES)
    titles = [chart["chart"] for chart in charts]
    assert "Completion rate by month of discharge" in titles
    assert "Share still in care, by days since admission" in titles
    overlapping = {c["chart"]: _overlaps(c["boxes"]) for c in charts if _overlaps(c["boxes"])}
    assert overlapping == {}
    # Drawn at its own size on the phone too: the text is not shrunk below a readable size.
    small = {box["text"] for c in charts for box in c["boxes"] if box["h"] < 10}
    assert small == set()
    months = next(c for c in charts if c["chart"].startswith("Completion rate by month"))
    assert {"Nov", "Dec", "2025", "hidden"} <= {box["text"] for box in months["boxes"]}
