"""The follow-up call list is paged: the first page is what the list showed before (the
longest waiting first), the count covers the whole list, and the page costs the same
queries however many calls are waiting."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from discharge.models import FollowUp, FollowUpStatus
from discharge.tests.builders import DISCHARGE_DAY, discharge_world
from discharge.views import PAGE_SIZE
from tandem.templatetags.clock import day

CALL_FORM = re.compile(r"/follow-ups/([0-9a-f-]{36})/call/")


def _waiting(world, how_many: int) -> list[FollowUp]:
    """Calls waiting on the discharged participant, due in pairs on the same day and
    created latest-due first, so only sorting by due date then id gives the list order."""
    record = discharge_world(world)
    FollowUp.objects.bulk_create(
        FollowUp(
            discharge=record,
            participant=world.participant,
            day=1000 + i,
            due_on=DISCHARGE_DAY + timedelta(days=how_many - i // 2),
            status=FollowUpStatus.TO_CALL,
        )
        for i in range(how_many)
    )
    return sorted(
        FollowUp.objects.filter(status=FollowUpStatus.TO_CALL), key=lambda r: (r.due_on, r.pk)
    )


def _shown(client, url: str) -> tuple[list[str], str]:
    html = client.get(url).content.decode()
    return CALL_FORM.findall(html), html


def test_the_call_list_pages_in_order_and_loses_nobody(world, login):
    rows = _waiting(world, PAGE_SIZE + 7)
    expected = [str(r.public_id) for r in rows]
    client = login(world.casemanager)
    first, html = _shown(client, reverse("discharge:call_list"))
    second, html2 = _shown(client, reverse("discharge:call_list") + "?page=2")
    assert first == expected[:PAGE_SIZE]
    assert second == expected[PAGE_SIZE:]
    assert f"Page 1 of 2 ({PAGE_SIZE + 7})" in html and f"Page 2 of 2 ({PAGE_SIZE + 7})" in html2
    assert f"<td>{day(rows[0].due_on)}</td>" in html
    assert f"<td>{rows[0].due_on.isoformat()}</td>" not in html
    viewed = AuditEvent.objects.filter(event_type="follow_up.call_list_viewed").order_by("pk")
    assert [e.details["follow_ups"] for e in viewed] == [first, second]


def _count(client) -> tuple[int, int]:
    """Queries one read of the list makes, and how many calls it shows."""
    url = reverse("discharge:call_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(CALL_FORM.findall(response.content.decode()))


def test_the_call_list_costs_the_same_queries_for_a_few_calls_and_for_many(world, login):
    record = _waiting(world, 2)[0].discharge
    few, shown = _count(login(world.casemanager))
    assert shown == 2
    FollowUp.objects.bulk_create(
        FollowUp(
            discharge=record,
            participant=world.participant,
            day=2000 + i,
            due_on=DISCHARGE_DAY + timedelta(days=i),
            status=FollowUpStatus.TO_CALL,
        )
        for i in range(3 * PAGE_SIZE)
    )
    assert _count(login(world.casemanager)) == (few, PAGE_SIZE)


def test_each_call_s_phone_number_is_one_tap_away(world, login):
    """On a phone the caller taps the number to dial it, and the reach table names each
    follow-up as the list does ("Day 7", not a bare 7 under "Day")."""
    _waiting(world, 1)
    world.participant.phone = "(555) 010-0199"
    world.participant.save(update_fields=["phone"])
    html = login(world.director).get(reverse("discharge:call_list")).content.decode()
    assert '<a href="tel:5550100199">(555) 010-0199</a>' in html
    assert "the program's days" not in html
    assert "<tr><td>Day 1000</td>" in html
