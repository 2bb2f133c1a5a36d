"""The Drug screens tab's at-a-glance table: every screen a row, every analyte a column, so a
pattern over weeks shows without reading each screen's own table."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from screens import panels
from screens.models import Panel
from screens.services import record_confirmation, record_screen
from screens.tests.conftest import COLLECTED

CELL = re.compile(r'<td class="([^"]*)" title="([^"]*)"><span aria-hidden="true">([^<]*)</span>')


def _glance(client, world) -> str:
    page = client.get(reverse("screens:tab", args=[world.participant.public_id]))
    assert page.status_code == 200
    text = page.content.decode()
    if 'class="glance"' not in text:
        return ""
    return text[text.index('class="glance"') : text.index("</table>", text.index('class="glance"'))]


def _rows(table: str) -> list[list[tuple[str, str, str]]]:
    return [CELL.findall(row) for row in table.split("<tbody>")[1].split("</tr>")[:-1]]


def test_each_screen_is_a_row_newest_first_with_each_analyte_s_reading(world, login, screen_with):
    first = screen_with(COC="positive")
    cocaine = first.results.get(analyte__code="COC")
    record_confirmation(cocaine, by=world.therapist, confirmation="positive", now=COLLECTED)
    screen_with(when=COLLECTED + timedelta(days=7), COC="positive")
    screen_with(when=COLLECTED + timedelta(days=14))
    table = _glance(login(world.therapist), world)
    assert (
        '<th scope="col" title="Cocaine (benzoylecgonine)"><span aria-hidden="true">COC</span>'
        in table
    )
    assert '<span class="visually-hidden">Benzodiazepines</span></th>' in table
    dates = re.findall(r'<th scope="row"><a href="#screen-[0-9a-f-]+">([^<]+)</a>', table)
    assert dates == ["Mon 30 Nov 2026", "Mon 23 Nov 2026", "Mon 16 Nov 2026"]
    newest, middle, oldest = _rows(table)
    assert len(newest) == len(middle) == len(oldest) == 13
    assert {mark for _, _, mark in newest} == {"−"}
    cocaine_column = 1  # the cup's second analyte
    assert middle[cocaine_column] == (
        "glance-cell flag-warning",
        "Positive (presumptive); Unexpected positive",
        "+p",
    )
    assert oldest[cocaine_column] == (
        "glance-cell flag-warning",
        "Confirmed positive; Unexpected positive",
        "+",
    )
    review = re.findall(r"<td>(Reviewed|<strong>To review</strong>|—)</td>", table)
    assert review == ["—", "<strong>To review</strong>", "<strong>To review</strong>"]


def test_an_analyte_not_on_a_screen_s_panel_is_marked_so(world, login, screen_with, cup):
    panels.seed()
    breath = Panel.objects.get(code="breath-alcohol")
    screen_with()
    record_screen(
        world.participant,
        by=world.therapist,
        panel=breath,
        results={"ETOH": "negative"},
        collected_at=COLLECTED + timedelta(days=1),
        observed=True,
        validity="valid",
        now=COLLECTED + timedelta(days=1),
    )
    table = _glance(login(world.therapist), world)
    assert 'title="Alcohol (breath)"><span aria-hidden="true">ETOH</span>' in table
    breath_row = table.split("<tbody>")[1].split("</tr>")[0]
    assert breath_row.count('title="Not on this panel"') == 13
    assert breath_row.count('title="Negative"') == 1


def test_one_screen_needs_no_table_of_its_own(world, login, screen_with):
    screen_with(COC="positive")
    assert _glance(login(world.therapist), world) == ""


def test_the_table_reads_nothing_more(world, login, screen_with):
    client = login(world.therapist)
    url = reverse("screens:tab", args=[world.participant.public_id])
    for day in range(2):
        screen_with(when=COLLECTED - timedelta(days=day), THC="positive")
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for day in range(2, 8):
        screen_with(when=COLLECTED - timedelta(days=day), COC="positive")
    with CaptureQueriesContext(connection) as eight:
        assert "+p" in client.get(url).content.decode()
    assert len(eight) == len(two)
