"""The auditor's trail pages beyond its first rows and downloads as CSV, and the download is audited."""

import csv
import io
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Action, AuditEvent
from audit.selectors import TRAIL_PAGE_SIZE, matching_events, naming
from audit.services import record_event
from participants.access import Scope, break_the_glass, decide, organizations_with
from participants.models import CareTeamMember
from participants.services import end_care_team_membership


def _events(world, n: int) -> None:
    for _ in range(n):
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)


def _page(client, **position) -> tuple[list[str], dict[str, str], list[str]]:
    """The chain links of the events on one page, the pager's positions, and the queries
    that read the trail."""
    with CaptureQueriesContext(connection) as queries:
        if position:
            response = client.post(reverse("audit:trail"), position)
        else:
            response = client.get(reverse("audit:trail"))
    assert response.status_code == 200
    html = response.content.decode()
    links = re.findall(r"<td>(Event \d+ in [^<]+)</td>", html)
    pager = dict(re.findall(r'name="(after|before)" value="(\d+)"', html))
    trail = [q["sql"] for q in queries if 'FROM "audit_auditevent"' in q["sql"]]
    return links, pager, trail


def _visible(world) -> list[str]:
    """What the auditor may read, newest first, as the page names each event's chain link."""
    orgs = organizations_with(world.auditor, "audit.read")
    return [
        f"Event {e.seq} in the chain of {world.org.name} (organization {e.organization_id})"
        if e.organization_id
        else f"Event {e.seq} in the installation chain"
        for e in matching_events(orgs, {})
    ]


def test_the_trail_pages_older_and_newer_by_position(world, login):
    _events(world, 250)
    client = login(world.auditor)
    newest = _visible(world)
    assert 250 < len(newest) <= 300

    first, pager, _ = _page(client)
    second, pager2, _ = _page(client, before=pager["before"])
    third, pager3, _ = _page(client, before=pager2["before"])
    back, pager4, _ = _page(client, after=pager3["after"])
    newer, pager5, _ = _page(client, after=pager4["after"])
    top, pager6, _ = _page(client, after=pager5["after"])

    assert first == newest[:TRAIL_PAGE_SIZE] and "after" not in pager
    assert second == newest[100:200] and set(pager2) == {"after", "before"}
    assert third == newest[200:] and "before" not in pager3
    assert back == second
    # The auditor's own visits since the first page are newer still, so there is a page above.
    assert newer == first and "after" in pager5
    assert top == _visible(world)[1:101] and "after" not in pager6


def test_a_trail_page_costs_the_same_queries_at_ten_and_two_hundred_events(world, login):
    client = login(world.auditor)
    _events(world, 10)
    _, _, few = _page(client)
    _events(world, 200)
    _, pager, many = _page(client)
    _, _, older = _page(client, before=pager["before"])

    # One read per chain (the auditor's organization and the installation's), and one look
    # for a newer page once there is a position.
    assert len(few) == len(many) == 2
    assert len(older) == 3
    for sql in few + many + older:
        assert "COUNT(" not in sql.upper() and "OFFSET" not in sql.upper()


def test_the_trail_filtered_by_record_number_costs_the_same_queries_at_ten_and_two_hundred(
    world, login
):
    """The events listing the participant (a roll call) come in the same read per chain as
    the events naming them."""
    client = login(world.auditor)
    wanted = {"record_number": world.participant.record_number}

    def listed(n: int) -> None:
        for _ in range(n):
            record_event(
                actor=world.frontdesk,
                event_type="roll_call.viewed",
                organization=world.org,
                listed=[world.participant],
            )

    _events(world, 5)
    listed(5)
    few = _page(client, **wanted)[2]
    listed(200)
    links, pager, many = _page(client, **wanted)
    _, _, older = _page(client, **wanted, before=pager["before"])

    assert len(links) == TRAIL_PAGE_SIZE
    assert len(few) == len(many) == 2
    assert len(older) == 3


def test_the_trail_downloads_as_csv_with_its_filters_and_the_download_is_audited(world, login):
    _events(world, 210)
    client = login(world.auditor)

    response = client.post(
        reverse("audit:trail_csv"), {"record_number": world.participant.record_number}
    )

    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Sequence", "When", "Time zone", "What happened"]
    assert len(rows) == 211
    exported = AuditEvent.objects.filter(event_type="audit.trail_exported", actor=world.auditor)
    assert exported.count() == 1
    assert exported.get().details["filters"] == {"record_number": world.participant.record_number}


def test_the_csv_names_the_record_as_the_trail_page_does(world, login):
    """The Record column says "care team member" and "audit trail", as the page does, not
    the stored "participants.CareTeamMember" or "audit.AuditTrail"."""
    member = CareTeamMember.objects.filter(episode__participant=world.participant).first()
    record_event(
        actor=world.therapist, action=Action.VIEW, participant=world.participant, record=member
    )
    client = login(world.auditor)

    client.get(reverse("audit:trail"))
    body = client.post(reverse("audit:trail_csv")).content.decode()
    page = client.get(reverse("audit:trail")).content.decode()

    rows = list(csv.reader(io.StringIO(body)))
    records = {row[3].split(" ·")[0].split(" (")[0]: row[5] for row in rows[1:]}
    assert records["Therapist Tester viewed the care team member"] == "care team member"
    assert records["Auditor Tester read the audit trail"] == "audit trail"
    assert "<td>care team member</td>" in page and "<td>audit trail</td>" in page
    assert "CareTeamMember" not in page + body and "AuditTrail" not in page + body


def test_only_auditors_and_directors_download_the_trail(world, login):
    assert login(world.therapist).post(reverse("audit:trail_csv")).status_code == 403
    assert login(world.auditor).get(reverse("audit:trail_csv")).status_code == 405


def test_each_row_shows_its_event_marked_and_escaped(world, login):
    """The rows are written outside the template: a refused event is marked, and what
    people typed (a reason) is escaped as the template would escape it."""
    record_event(
        actor=world.therapist,
        action=Action.VIEW,
        participant=world.participant,
        outcome="refused",
        reason="<b>urgent</b> & late",
    )
    html = login(world.auditor).get(reverse("audit:trail")).content.decode()

    assert '<tr class="refused">' in html
    assert "<td>&lt;b&gt;urgent&lt;/b&gt; &amp; late</td>" in html
    assert "<b>urgent</b>" not in html


def test_an_empty_trail_says_no_events_match(world, login):
    html = login(world.auditor).post(reverse("audit:trail"), {"username": "nobody"})
    assert "No events match." in html.content.decode()


def _trail_reads_naming(participant, event_type: str = "audit.trail_viewed"):
    return AuditEvent.objects.filter(naming(participant=participant), event_type=event_type)


def test_reading_the_trail_is_in_the_history_of_each_participant_it_shows(world, login):
    """The page names participants by record number: its rows' own, and each emergency
    access to review. The auditor's read lists each of them, so it is in their history."""
    _events(world, 3)
    break_the_glass(world.counsellor, world.referral, "Crisis call, team unreachable tonight")
    client = login(world.auditor)

    html = client.get(reverse("audit:trail")).content.decode()

    assert world.participant.record_number in html and world.referral.record_number in html
    assert _trail_reads_naming(world.participant).count() == 1
    assert _trail_reads_naming(world.referral).count() == 1
    assert not _trail_reads_naming(world.other_org_participant).exists()


def test_the_trail_filtered_to_a_participant_listed_among_others_names_them(world, login):
    record_event(
        actor=world.frontdesk,
        event_type="roll_call.viewed",
        organization=world.org,
        listed=[world.participant, world.referral],
    )
    client = login(world.auditor)
    wanted = {"record_number": world.participant.record_number}

    client.post(reverse("audit:trail"), wanted)
    client.post(reverse("audit:trail_csv"), wanted)

    assert _trail_reads_naming(world.participant).count() == 1
    assert _trail_reads_naming(world.participant, "audit.trail_exported").count() == 1


def test_the_trail_downloaded_is_in_the_history_of_each_participant_it_names(world, login):
    _events(world, 2)
    client = login(world.auditor)

    rows = client.post(reverse("audit:trail_csv"), {}).content.decode()

    assert world.participant.record_number in rows
    assert _trail_reads_naming(world.participant, "audit.trail_exported").count() == 1


def test_the_reason_column_names_emergency_access_apart_from_other_reasons(world, login):
    """The Reason column holds every event's reason (why someone left the care team here),
    so it is headed Reason, and an event under emergency access names it before the grant's
    reason, on the page and in the download alike, with a reason of its own after it."""
    nurse = CareTeamMember.objects.get(episode=world.episode, user=world.nurse)
    end_care_team_membership(
        nurse, by=world.director, reason="Moved to the evening group", expected_version=1
    )
    break_the_glass(world.counsellor, world.referral, "Crisis call, team unreachable tonight")
    under_glass = decide(world.counsellor, world.referral, Action.VIEW, Scope.CLINICAL)
    record_event(
        actor=world.counsellor,
        event_type="chart.viewed",
        decision=under_glass,
        participant=world.referral,
        reason="Checking the crisis plan",
    )
    client = login(world.auditor)

    html = client.get(reverse("audit:trail")).content.decode()
    rows = list(csv.reader(io.StringIO(client.post(reverse("audit:trail_csv")).content.decode())))

    crisis = "Crisis call, team unreachable tonight"
    glass = f"Break the glass: {crisis}"
    assert '<th scope="col">Reason</th>' in html and "Break-glass reason" not in html
    assert "<td>Moved to the evening group</td>" in html
    assert f"<td><strong>Break the glass:</strong> {crisis}</td>" in html
    assert f"<td><strong>Break the glass:</strong> {crisis} · Checking the crisis plan</td>" in html
    assert rows[0][-1] == "Reason"
    assert [row[-1] for row in rows[1:] if row[-1]] == [
        f"{glass} · Checking the crisis plan",
        glass,
        "Moved to the evening group",
    ]


def test_each_event_names_its_chain_and_number_in_words(world, login):
    """The Chain link reads as a sentence an auditor matches to `audit_verify`'s report, not
    "organization 1 #626"."""
    login(world.therapist).get(reverse("participants:history", args=[world.participant.public_id]))
    event = AuditEvent.objects.filter(organization=world.org).latest("seq")

    html = login(world.auditor).get(reverse("audit:trail")).content.decode()

    assert (
        f"<td>Event {event.seq} in the chain of Test Program Org (organization {world.org.pk})</td>"
        in html
    )
    assert f"organization {world.org.pk} #" not in html
