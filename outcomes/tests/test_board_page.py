"""The board as a director reads it: months and dates in words, the CSV in ISO, and one
sentence in place of a chart whose every figure is hidden."""

import re
from datetime import date

from django.urls import reverse

from outcomes import charts, facts
from outcomes.figures import SurvivalStep

RANGE = {"start": "2025-12-01", "end": "2026-11-18", "breakdown": "sex"}


def _left_care(add, month: date, people: int) -> None:
    add(
        people,
        referred_on=date(2025, 10, 1),
        admitted_on=date(2025, 10, 2),
        discharged_on=month.replace(day=10),
    )


def test_months_are_written_in_words_and_the_csv_keeps_them_in_iso(
    midweek, world, add, login, settings
):
    _left_care(add, date(2025, 12, 1), 12)
    _left_care(add, date(2026, 1, 1), 12)
    facts.rebuild()
    client = login(world.director)
    page = client.post(reverse("outcomes:board"), RANGE).content.decode()
    assert '<time datetime="2025-12">Dec 2025</time>' in page
    assert '<time datetime="2026-01">Jan 2026</time>' in page
    assert "Dec 2025: 0%; Jan 2026: 0%." in page  # the chart's text alternative
    assert ">2025-12<" not in page and "2025-12:" not in page
    # A program whose staff pages are in Spanish writes its months in lower case.
    settings.LANGUAGE_CODE = "es"
    spanish = client.post(reverse("outcomes:board"), RANGE).content.decode()
    settings.LANGUAGE_CODE = "en-us"
    assert '<time datetime="2025-12">dic 2025</time>' in spanish
    assert "dic 2025: 0%; ene 2026: 0%." in spanish
    assert "From lun 1 dic 2025 to mié 18 nov 2026." in spanish
    csv = client.post(reverse("outcomes:board_csv"), RANGE).content.decode()
    assert "left_care by month,2025-12,12," in csv and "Dec 2025" not in csv


def test_the_range_is_written_as_the_pages_write_a_date(midweek, world, login):
    page = login(world.director).post(reverse("outcomes:board"), RANGE).content.decode()
    assert "From Mon 1 Dec 2025 to Wed 18 Nov 2026." in page
    assert "Dec. 1, 2025" not in page


def test_a_chart_with_every_figure_hidden_is_a_sentence_beside_its_table(
    midweek, world, add, login
):
    for month in (date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)):
        _left_care(add, month, 4)
    facts.rebuild()
    page = login(world.director).post(reverse("outcomes:board"), RANGE).content.decode()
    completion = page[page.index('id="completion"') : page.index("<h3>By")]
    assert (
        "Completion rate by month of discharge: every figure is hidden (fewer than 11 people, "
        "or one that would give a hidden one away), so there is nothing to draw."
    ) in completion
    assert "<svg" not in completion and ">hidden</text>" not in completion
    # The table and its totals stay, each cell hidden as before.
    assert '<time datetime="2026-02">Feb 2026</time>' in completion
    assert '<th scope="row">All</th>' in completion


def test_a_chart_widens_with_its_bars_instead_of_squeezing_their_labels():
    months = [date(2025 + (11 + m) // 12, (11 + m) % 12 + 1, 1) for m in range(13)]
    few = charts.rate_bars("few", "Few", [("Dec 2025", 0.5)])
    many = charts.rate_bars(
        "many", "Many", [(f"{m:%b %Y}", None if m.month % 2 else 0.5) for m in months]
    )
    assert 'width="480' in few
    # Thirteen slots of at least "hidden" and a gap: wider than the default frame.
    assert 'width="480' not in many
    assert charts.label_lines("Dec 2025") == ["Dec", "2025"]
    assert charts.label_lines("American Indian or Alaska Native") == [
        "American",
        "Indian or",
        "Alaska Native",
    ]


def test_a_long_retention_curve_keeps_its_marked_days_apart():
    """Stays of up to 700 days would put day 30 and day 60 a few pixels apart on a fixed
    frame: the curve's scale is stretched until their labels have room."""
    steps = [SurvivalStep(d, 1 - d / 1000, 100, 1) for d in (10, 45, 80, 150, 400, 700)]
    drawn = charts.survival_curve(
        "r", "Still in care", steps, {30: 0.9, 60: 0.8, 90: 0.7, 180: 0.5}
    )
    ticks = {
        int(day): float(x)
        for x, day in re.findall(
            r'class="tick" x="([\d.]+)"[^<]*>(?:<tspan[^>]*>)?day (\d+)<', drawn
        )
    }
    assert sorted(ticks) == [30, 60, 90, 180]
    assert ticks[60] - ticks[30] >= 40  # "day 30" at 11 pixels, with room to spare
