"""Directors and supervisors see every open critical alert; late ones are escalated to them."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from conftest import MIDWEEK
from monitoring.models import Alert
from monitoring.selectors import CRITICAL_BOARD_PAGE_SIZE, critical_board, critical_board_page

# The pages read the clock, which `midweek` sets to this instant: an alert's age on the board
# is then the age the test gave it, whenever the test runs.
NOW = MIDWEEK


def _alert(
    world,
    *,
    hours_ago: float,
    severity="critical",
    status="open",
    title="Risk",
    in_episode: bool = True,
) -> Alert:
    alert = Alert.objects.create(
        participant=world.participant,
        episode=world.episode if in_episode else None,
        kind="suicide-risk",
        severity=severity,
        title=title,
        status=status,
    )
    Alert.objects.filter(pk=alert.pk).update(created_at=NOW - timedelta(hours=hours_ago))
    alert.assigned_to.set([world.therapist])
    return alert


def test_an_unacknowledged_critical_alert_escalates_after_the_program_setting(midweek, world):
    fresh = _alert(world, hours_ago=1)
    late = _alert(world, hours_ago=4)
    _alert(world, hours_ago=9, severity="high")
    _alert(world, hours_ago=9, status="acknowledged")

    board = critical_board(world.director, now=NOW)
    assert [a.pk for a in board.alerts] == [late.pk, fresh.pk]
    assert [a.pk for a in board.escalated] == [late.pk]

    world.program.critical_alert_escalation_hours = 8
    world.program.save()
    assert critical_board(world.supervisor, now=NOW).escalated == []
    later = critical_board(world.supervisor, now=NOW + timedelta(hours=7))
    assert [a.pk for a in later.escalated] == [late.pk, fresh.pk]


def test_the_board_reaches_only_the_directors_and_supervisors_of_the_organization(midweek, world):
    _alert(world, hours_ago=5)
    assert critical_board(world.therapist, now=NOW).alerts == []
    assert critical_board(world.stranger, now=NOW).alerts == []


@pytest.mark.parametrize("persona", ["director", "supervisor"])
def test_the_board_page_counts_open_and_escalated_and_is_audited(midweek, world, login, persona):
    _alert(world, hours_ago=1, title="Fresh one")
    _alert(world, hours_ago=30, title="Late one")
    client = login(world.users[persona])
    page = client.get(reverse("monitoring:critical_board"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "<strong>2</strong> open" in text and "<strong>1</strong> escalated" in text
    assert "Late one" in text and "Fresh one" in text
    event = AuditEvent.objects.filter(record_type="monitoring.CriticalAlertBoard").get()
    assert event.details["participants"] == [str(world.participant.public_id)]


@pytest.mark.parametrize("persona", ["therapist", "frontdesk", "auditor", "participant_user"])
def test_others_cannot_open_the_board(midweek, world, login, persona):
    _alert(world, hours_ago=30, title="Late one")
    page = login(world.users[persona]).get(reverse("monitoring:critical_board"), follow=True)
    assert b"Late one" not in page.content
    assert page.status_code in (403, 200)
    if persona != "participant_user":
        assert page.status_code == 403


def test_the_director_home_shows_what_is_escalated_to_them(midweek, world, login):
    _alert(world, hours_ago=30, title="Late one")
    _alert(world, hours_ago=1, title="Fresh one")
    home = login(world.director).get("/").content.decode()
    assert "Open critical alerts (2) · escalated to you: 1" in home
    late = home[home.index("Late one") :]
    assert "<strong>Escalated</strong> (30&nbsp;h unacknowledged)" in late[: late.index("</tr>")]
    assert f"<td>{world.therapist}</td>" in late[: late.index("</tr>")]
    assert '<tr class="escalated">' in home[: home.index("Late one")]
    fresh = home[home.index("Fresh one") :]
    assert "Escalated" not in fresh[: fresh.index("</tr>")]


def test_the_director_home_escapes_an_alert_title_and_names_no_one_unassigned(
    midweek, world, login
):
    alert = _alert(world, hours_ago=1, title="<script>x</script> & more")
    alert.assigned_to.clear()
    home = login(world.director).get("/").content.decode()
    row = home[home.index("&lt;script&gt;x&lt;/script&gt; &amp; more") :]
    assert "<script>x</script>" not in home
    assert row.index("<td>—</td><td>—</td></tr>") == row.index("</td>") + len("</td>")


def _titles(page) -> list[str]:
    return re.findall(r": (Alert \d+)</td>", page.content.decode())


def test_the_board_pages_oldest_first_and_counts_the_whole_board(midweek, world, login):
    # One page and five more, oldest first; those raised 4 h ago or more are escalated.
    total = CRITICAL_BOARD_PAGE_SIZE + 5
    for i in range(total):
        _alert(world, hours_ago=total - i, title=f"Alert {i:02d}")
    escalated = sum(1 for i in range(total) if total - i >= 4)
    client = login(world.director)
    url = reverse("monitoring:critical_board")

    first, second = client.get(url), client.get(url, {"page": 2})

    assert _titles(first) == [f"Alert {i:02d}" for i in range(CRITICAL_BOARD_PAGE_SIZE)]
    assert _titles(second) == [f"Alert {i:02d}" for i in range(CRITICAL_BOARD_PAGE_SIZE, total)]
    for page in (first, second):
        text = page.content.decode()
        assert f"<strong>{total}</strong> open" in text
        assert f"<strong>{escalated}</strong> escalated" in text
    assert "Page 2 of 2" in second.content.decode()
    events = AuditEvent.objects.filter(record_type="monitoring.CriticalAlertBoard").order_by("id")
    assert [len(e.details["alerts"]) for e in events] == [CRITICAL_BOARD_PAGE_SIZE, 5]


def test_the_escalated_count_follows_each_alerts_own_escalation_time(midweek, world):
    world.program.critical_alert_escalation_hours = 8
    world.program.save()
    _alert(world, hours_ago=9)
    _alert(world, hours_ago=6)
    _alert(world, hours_ago=6, in_episode=False)
    _alert(world, hours_ago=2, in_episode=False)

    board = critical_board_page(world.director, 1, now=NOW, size=2)

    assert (board.open_count, board.escalated_count) == (4, 2)
    assert board.escalated_count == len(critical_board(world.director, now=NOW).escalated)
    assert critical_board_page(world.therapist, 1, now=NOW).escalated_count == 0


@pytest.mark.parametrize("page", ["monitoring:critical_board", "home"])
def test_the_board_reads_as_many_queries_for_many_alerts_as_for_a_few(midweek, world, login, page):
    client = login(world.director)
    url = reverse(page)
    for i in range(2):
        _alert(world, hours_ago=30 - i, title=f"Alert {i:02d}")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(2, CRITICAL_BOARD_PAGE_SIZE + 10):
        _alert(world, hours_ago=1, title=f"Alert {i:02d}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
