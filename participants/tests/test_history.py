"""The history reads as sentences, pages beyond its first rows, and is given as CSV from the
copy page (logged as a disclosure, audited)."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role, Site
from audit.models import Action, AuditEvent
from audit.services import record_event
from conftest import make_participant, make_user
from monitoring.services import raise_alert, reassign
from participants.models import CareTeamRole
from participants.services import add_care_team_member


def _url(name, world):
    return reverse(name, args=[world.participant.public_id])


def history_copy(client, participant_id) -> tuple:
    """The history's CSV as the participant's own copy from the copy page, and its rows after
    the lines that say whom the copy was given to."""
    response = client.post(
        reverse("consent:disclose", args=[participant_id]), {"to": "participant", "what": "history"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return response, rows[rows.index([]) + 1 :] if [] in rows else rows


def test_history_reads_as_sentences(world, login):
    world.therapist.first_name, world.therapist.last_name = "Dana", "Reyes"
    world.therapist.save()
    client = login(world.therapist)
    client.get(_url("intake:intake", world))
    login(world.frontdesk).get(_url("intake:intake", world))  # refused: not clinical

    page = login(world.director).get(_url("participants:history", world)).content.decode()

    assert "Dana Reyes viewed the intake" in page
    assert "Frontdesk Tester was not allowed to view the intake" in page
    assert "(front desk)" in page and "front_desk" not in page  # the role as the program says it
    assert "participants.Participant" not in page


def test_history_gives_each_change_in_the_words_the_record_declares(world, login):
    """A status reads "Transferred out", a date "Fri 20 Nov 2026" and a yes/no "yes", not
    `transferred_out`, 2026-11-20 and True."""
    record_event(
        actor=world.therapist,
        action=Action.CHANGE,
        participant=world.participant,
        record=world.episode,
        details={
            "changes": {
                "status": {"before": "active", "after": "transferred_out"},
                "discharged_on": {"before": None, "after": "2026-11-20"},
                "entered_in_error": {"before": False, "after": True},
            }
        },
    )

    page = login(world.director).get(_url("participants:history", world)).content.decode()

    assert "<li><strong>status</strong>: Active → Transferred out</li>" in page
    assert "<li><strong>discharged on</strong>: — → Fri 20 Nov 2026</li>" in page
    assert "<li><strong>entered in error</strong>: no → yes</li>" in page
    for code in ("transferred_out", "2026-11-20", "discharged_on", "True"):
        assert code not in page


def test_history_pages_beyond_two_hundred_events(world, login):
    for _ in range(230):
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)
    client = login(world.director)
    first = client.get(_url("participants:history", world)).content.decode()
    assert "Page 1 of 5" in first
    last = client.get(_url("participants:history", world) + "?page=5").content.decode()
    assert "Page 5 of 5" in last and "Therapist Tester viewed a record" in last


def test_history_downloads_as_csv_and_the_download_is_audited(world, login):
    for _ in range(210):
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)
    client = login(world.director)

    response, rows = history_copy(client, world.participant.public_id)

    assert response["Content-Type"] == "text/csv"
    assert rows[0][:3] == ["When", "Time zone", "Who"]
    assert len(rows) > 211
    assert rows[1][1] == "America/Chicago"
    export = AuditEvent.objects.filter(
        participant=world.participant, action=Action.EXPORT, actor=world.director
    )
    assert export.count() == 1
    assert history_copy(login(world.frontdesk), world.participant.public_id)[0].status_code == 403


def test_the_history_csv_names_the_role_as_the_page_does(world, login):
    """A role stored as "front_desk" reads "front desk" in the download as on the page."""
    login(world.frontdesk).get(_url("intake:intake", world))  # refused: not clinical
    client = login(world.director)

    page = client.get(_url("participants:history", world)).content.decode()
    rows = history_copy(client, world.participant.public_id)[1]

    refused = next(row for row in rows if row[4].startswith("Frontdesk Tester was not allowed"))
    assert refused[3] == "front desk" and "(front desk)" in page
    assert not any("front_desk" in cell for row in rows for cell in row)


def _named_and_listed(world, n: int, other) -> None:
    for _ in range(n):
        record_event(actor=world.therapist, action=Action.VIEW, participant=world.participant)
        record_event(
            actor=world.frontdesk,
            event_type="roll_call.viewed",
            organization=world.org,
            listed=[world.participant, other],
        )


def test_a_history_page_costs_the_same_queries_at_ten_and_four_hundred_events(world, login):
    """The events listing the participant come in the same query as those naming them."""
    other = make_participant(world.org, "T-000301")
    client = login(world.director)

    def page_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(_url("participants:history", world)).content.decode()
        return len(queries), html

    _named_and_listed(world, 5, other)
    few, _ = page_queries()
    _named_and_listed(world, 195, other)
    many, html = page_queries()

    assert few == many
    assert "Frontdesk Tester viewed the roll call of a session · listed with 1 other" in html


def _rows(client, world) -> list[list[str]]:
    return history_copy(client, world.participant.public_id)[1]


def _named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


def test_a_new_primary_clinician_reads_by_name_on_the_page_and_in_the_csv(world, login):
    """ "primary clinician: Dana Reyes → Sam Ortiz", not the ids the event stores."""
    dana = _named(world.therapist, "Dana", "Reyes")
    sam = _named(world.counsellor, "Sam", "Ortiz")
    add_care_team_member(
        world.episode,
        user=sam,
        role=CareTeamRole.PRIMARY_CLINICIAN,
        by=world.director,
        replaces=dana,
    )
    client = login(world.director)

    page = client.get(_url("participants:history", world)).content.decode()
    rows = _rows(client, world)

    assert "<li><strong>primary clinician</strong>: Dana Reyes → Sam Ortiz</li>" in page
    changed = next(row for row in rows if "changed the primary clinician" in row[4])
    assert rows[0][5] == "Changes"
    assert changed[5] == "primary clinician: Dana Reyes → Sam Ortiz"
    assert f"{dana.pk} → {sam.pk}" not in page


def test_a_site_and_a_record_no_longer_present_read_as_words(world, login):
    """A link to a site names it; an id whose record is gone says so, not a bare number."""
    evening = Site.objects.create(program=world.program, name="Evening annex")
    record_event(
        actor=world.director,
        action=Action.CHANGE,
        participant=world.participant,
        record=world.episode,
        details={
            "changes": {
                "site": {"before": world.site.pk, "after": evening.pk},
                "primary_clinician": {"before": 987654, "after": None},
            }
        },
    )
    client = login(world.director)

    page = client.get(_url("participants:history", world)).content.decode()
    changes = next(row[5] for row in _rows(client, world) if "site:" in row[5])

    assert "<li><strong>site</strong>: Main → Evening annex</li>" in page
    assert "<li><strong>primary clinician</strong>: a record no longer present → —</li>" in page
    assert (
        changes == "site: Main → Evening annex; primary clinician: a record no longer present → —"
    )
    assert "987654" not in page


def test_another_participant_a_change_points_at_is_never_named(world, login):
    """Another participant, of the same program even, reads "another participant": neither
    their name nor their record number leaves through someone else's history."""
    record_event(
        actor=world.director,
        action=Action.CHANGE,
        participant=world.participant,
        record=world.episode,
        details={
            "changes": {"participant": {"before": world.referral.pk, "after": world.participant.pk}}
        },
    )
    client = login(world.director)

    page = client.get(_url("participants:history", world)).content.decode()
    rows = _rows(client, world)

    assert "<li><strong>participant</strong>: another participant → Robin Testperson</li>" in page
    assert any(row[5] == "participant: another participant → Robin Testperson" for row in rows)
    for told in (page, repr(rows)):
        assert "Casey" not in told and "Newcomer" not in told and "T-000002" not in told


def test_a_history_page_names_its_changes_records_in_the_same_queries_at_any_count(world, login):
    """Each page reads the staff its changes name in one query, however many rows and people."""
    client = login(world.director)
    alert = raise_alert(world.participant, kind="manual", severity="high", title="Missed days")
    staff = [_named(make_user(f"staff{n}"), f"Staffer{n}", "Example") for n in range(60)]

    def write(people) -> None:
        for one, two in zip(people[::2], people[1::2], strict=True):
            reassign(alert, [one.pk, two.pk], by=world.director, reason="Covering")
            record_event(
                actor=world.director,
                action=Action.CHANGE,
                participant=world.participant,
                record=world.episode,
                details={"changes": {"primary_clinician": {"before": one.pk, "after": two.pk}}},
            )

    def page_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(_url("participants:history", world)).content.decode()
        return len(queries), html

    write(staff[:4])
    few, _ = page_queries()
    write(staff[4:])
    many, html = page_queries()

    assert few == many
    assert (
        "<li><strong>primary clinician</strong>: Staffer58 Example → Staffer59 Example</li>" in html
    )
    assert "Staffer58 Example, Staffer59 Example" in html  # the alert's new assignees


def test_adding_a_care_team_member_says_who_joined_and_in_what_role(world, login):
    """ "added a care-team member" alone left the reader to guess who."""
    rosa = _named(make_user("rosa"), "Rosa", "Delgado")
    Membership.objects.create(user=rosa, organization=world.org, role=Role.CASE_MANAGER)
    add_care_team_member(
        world.episode, user=rosa, role=CareTeamRole.CASE_MANAGER, by=world.director
    )
    client = login(world.director)

    page = client.get(_url("participants:history", world)).content.decode()
    added = next(row for row in _rows(client, world) if "added a care-team member" in row[4])

    assert "<li><strong>staff member</strong>: — → Rosa Delgado</li>" in page
    assert "<li><strong>role</strong>: — → Case manager</li>" in page
    # PostgreSQL's jsonb keeps a change's fields in an order of its own.
    assert set(added[5].split("; ")) == {"staff member: — → Rosa Delgado", "role: — → Case manager"}
