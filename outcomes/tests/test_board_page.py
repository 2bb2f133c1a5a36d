"""The board as a director reads it: months and dates in words, the CSV in ISO."""

from datetime import date

from django.urls import reverse

from outcomes import facts

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
