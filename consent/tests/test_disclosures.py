"""Copies of the record given out: the participant's own needs no consent, anyone else's needs
an in-force Part 2 consent; each is logged (the accounting of disclosures) and carries the
§2.32 notice with the consent's scope. One page gives every copy: the Consents tab and the
chart's overview both lead to it."""

import csv
import io
import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from audit.models import Action, AuditEvent
from consent.models import Disclosure
from consent.services import disclose_record, record_consent, revoke_consent
from participants.export import REDISCLOSURE_NOTICE
from tandem.errors import InvalidInput

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
CLINIC = "Northside Clinic, Dr A. Example"


def part2(world, **changes):
    fields: dict[str, Any] = {
        "kind": "part2",
        "discloser": "Riverside IOP",
        "information": "Attendance and treatment plan",
        "parts": ["attendance", "treatment_plan"],
        "recipients": CLINIC,
        "purpose": "Coordination of care at my request",
        "expiry": "date",
        "expires_on": date(2026, 12, 31),
        "signed_on": date(2026, 9, 8),
    }
    return record_consent(world.participant, by=world.therapist, now=NOW, **(fields | changes))


def test_the_participant_s_own_copy_needs_no_consent(world):
    row = disclose_record(
        world.participant, by=world.therapist, what="print", to_participant=True, now=NOW
    )
    assert (row.to_participant, row.consent, row.recipient) == (True, None, "")
    event = AuditEvent.objects.get(event_type="consent.printed")
    assert (event.action, event.details["to_participant"]) == (Action.PRINT, True)


def test_a_copy_for_someone_else_needs_a_recipient_and_a_part2_consent(world):
    with pytest.raises(InvalidInput) as no_recipient:
        disclose_record(
            world.participant, by=world.therapist, what="print", to_participant=False, now=NOW
        )
    assert no_recipient.value.field == "recipient"
    with pytest.raises(InvalidInput) as no_consent:
        disclose_record(
            world.participant,
            by=world.therapist,
            what="print",
            to_participant=False,
            recipient=CLINIC,
            now=NOW,
        )
    assert no_consent.value.field == "consent"
    treatment = record_consent(
        world.participant, by=world.therapist, kind="treatment", signed_on=date(2026, 9, 8)
    )
    with pytest.raises(InvalidInput) as not_part2:
        disclose_record(
            world.participant,
            by=world.therapist,
            what="print",
            to_participant=False,
            recipient=CLINIC,
            consent=treatment,
            now=NOW,
        )
    assert not_part2.value.message == "Choose a Part 2 consent of this participant."
    assert not Disclosure.objects.exists()


def test_a_revoked_or_expired_consent_refuses_the_copy(world):
    expired = part2(world, expires_on=date(2026, 10, 31))
    revoked = part2(world)
    revoke_consent(
        revoked,
        by=world.therapist,
        revoked_on=date(2026, 11, 10),
        received="paper",
        expected_version=1,
        now=NOW,
    )
    for consent, status in ((expired, "expired"), (revoked, "revoked")):
        with pytest.raises(InvalidInput) as refused:
            disclose_record(
                world.participant,
                by=world.therapist,
                what="export",
                to_participant=False,
                recipient=CLINIC,
                consent=consent,
                now=NOW,
            )
        assert refused.value.message == (
            f"This consent is not in force ({status}): no copy can be given under it."
        )
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(event_type="consent.disclosed").exists()


def test_the_printed_copy_carries_the_notice_and_the_consent_s_scope_and_is_logged(world, login):
    consent = part2(world)
    client = login(world.therapist)
    url = reverse("consent:disclose", args=[world.participant.public_id])
    response = client.post(
        url,
        {
            "to": "other",
            "recipient": CLINIC,
            "consent": consent.public_id,
            "what": "print",
            "parts": ["attendance", "treatment_plan"],
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert REDISCLOSURE_NOTICE in text
    assert "Disclosed under the participant's consent" in text
    assert "Attendance and treatment plan" in text and "Coordination of care" in text
    disclosure = Disclosure.objects.get()
    assert (disclosure.recipient, disclosure.consent, disclosure.recorded_by) == (
        CLINIC,
        consent,
        world.therapist,
    )
    tab = client.get(reverse("consent:tab", args=[world.participant.public_id])).content.decode()
    assert f"<td>{CLINIC}</td>" in tab
    assert "The clinical record, printed" in tab


def test_the_exported_copy_names_the_disclosure_and_a_refusal_writes_nothing(world, login):
    consent = part2(world, information="Attendance and consents", parts=["attendance", "consents"])
    client = login(world.therapist)
    url = reverse("consent:disclose", args=[world.participant.public_id])
    refused = client.post(url, {"to": "other", "recipient": CLINIC, "what": "export"})
    assert refused.status_code == 400
    assert "needs their Part 2 consent in force" in refused.content.decode()
    assert not Disclosure.objects.exists()
    response = client.post(
        url,
        {
            "to": "other",
            "recipient": CLINIC,
            "consent": consent.public_id,
            "what": "export",
            "parts": ["attendance", "consents"],
        },
    )
    body = json.loads(response.content)
    assert body["redisclosure_notice"] == REDISCLOSURE_NOTICE
    assert body["disclosure"]["recipient"] == CLINIC
    assert body["disclosure"]["consent"]["recipients"] == CLINIC
    assert body["disclosure"]["parts"] == ["attendance", "consents"]
    assert body["consents"][0]["id"] == str(consent.public_id)
    own = client.post(url, {"to": "participant", "what": "export"})
    assert json.loads(own.content)["disclosure"]["consent"] is None
    assert Disclosure.objects.count() == 2


def _copy_page(world) -> str:
    return reverse("consent:disclose", args=[world.participant.public_id])


def _copies() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type__in=("consent.disclosed", "consent.printed")))


@pytest.mark.parametrize("what", ["print", "export", "face_sheet", "history"])
def test_a_copy_for_someone_else_without_a_consent_writes_nothing_and_makes_no_copy(
    world, login, what
):
    client = login(world.therapist)
    response = client.post(_copy_page(world), {"to": "other", "recipient": CLINIC, "what": what})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "needs their Part 2 consent in force: choose it, or record it first." in page
    assert "Give a copy of the record" in page and "This copy is logged" not in page
    assert "CONFIDENTIAL" not in page and "redisclosure_notice" not in page
    assert not Disclosure.objects.exists() and not _copies()


@pytest.mark.parametrize(
    ("what", "event_type", "action"),
    [
        ("print", "consent.printed", Action.PRINT),
        ("export", "consent.disclosed", Action.EXPORT),
        ("face_sheet", "consent.printed", Action.PRINT),
        ("history", "consent.disclosed", Action.EXPORT),
    ],
)
def test_the_participant_s_own_copy_needs_no_consent_and_is_still_logged(
    world, login, what, event_type, action
):
    client = login(world.therapist)
    response = client.post(_copy_page(world), {"to": "participant", "what": what})

    assert response.status_code == 200
    if what in ("print", "face_sheet"):
        assert "The participant's own copy." in response.content.decode()
    elif what == "history":
        assert "the participant (their own copy)" in response.content.decode()
    else:
        assert json.loads(response.content)["disclosure"]["recipient"] == "the participant"
    disclosure = Disclosure.objects.get()
    assert (disclosure.to_participant, disclosure.consent, disclosure.what) == (True, None, what)
    [event] = _copies()
    assert (event.event_type, event.action, event.actor) == (event_type, action, world.therapist)


def test_the_chart_and_the_consents_tab_lead_to_the_one_page_that_logs_each_copy_once(world, login):
    client = login(world.therapist)
    args = [world.participant.public_id]
    page = _copy_page(world)
    overview = client.get(reverse("participants:chart", args=args)).content.decode()
    tab = client.get(reverse("consent:tab", args=args)).content.decode()
    assert f'<a class="small" href="{page}">Print or export the record</a>' in overview
    assert f'<a href="{page}">Give a copy of the record</a>' in tab
    form = client.get(page)
    assert form.status_code == 200 and 'name="to"' in form.content.decode()

    consent = part2(world)
    client.post(page, {"to": "participant", "what": "print"})
    assert Disclosure.objects.count() == 1
    client.post(
        page,
        {
            "to": "other",
            "recipient": CLINIC,
            "consent": consent.public_id,
            "what": "export",
            "parts": "attendance",
        },
    )
    assert Disclosure.objects.count() == 2 and len(_copies()) == 2
    for gone in ("participants:print_record", "participants:export"):
        with pytest.raises(NoReverseMatch):
            reverse(gone, args=args)
    for address in ("print/record/", "export/"):
        assert (
            client.get(f"/participants/{world.participant.public_id}/{address}").status_code == 404
        )
    assert Disclosure.objects.count() == 2


def test_the_tab_reads_in_the_same_number_of_queries_however_many_consents(world, login):
    client = login(world.therapist)
    url = reverse("consent:tab", args=[world.participant.public_id])

    def add_some() -> None:
        consent = part2(world)
        revoke_consent(
            part2(world),
            by=world.therapist,
            revoked_on=date(2026, 11, 10),
            received="paper",
            expected_version=1,
            now=NOW,
        )
        disclose_record(
            world.participant,
            by=world.therapist,
            what="print",
            to_participant=False,
            recipient=CLINIC,
            consent=consent,
            parts=["attendance"],
            now=NOW,
        )

    add_some()
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        add_some()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_a_face_sheet_for_someone_else_is_a_logged_disclosure_under_their_consent(world, login):
    """A face sheet handed to someone outside the program is a disclosure: given from the copy
    page under the consent naming them, with the §2.32 notice and the consent's scope, and
    without the clinical sections of the whole record."""
    consent = part2(world)
    client = login(world.therapist)
    response = client.post(
        _copy_page(world),
        {"to": "other", "recipient": CLINIC, "consent": consent.public_id, "what": "face_sheet"},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert REDISCLOSURE_NOTICE in text and "Attendance and treatment plan" in text
    assert f"This copy is given to {CLINIC}" in text
    assert world.participant.display_name in text and "<h2>Consents</h2>" not in text
    disclosure = Disclosure.objects.get()
    assert (disclosure.what, disclosure.consent, disclosure.recipient) == (
        "face_sheet",
        consent,
        CLINIC,
    )
    [event] = _copies()
    assert (event.event_type, event.action) == ("consent.printed", Action.PRINT)


def test_the_history_s_csv_is_given_only_from_the_copy_page_with_the_consent_s_scope(world, login):
    """The history's download is a copy like any other: the old address is gone, and the copy
    page's CSV starts with the §2.32 notice, whom it was given to and the consent's scope."""
    consent = part2(world)
    client = login(world.therapist)
    with pytest.raises(NoReverseMatch):
        reverse("participants:history_csv", args=[world.participant.public_id])
    gone = f"/participants/{world.participant.public_id}/history.csv"
    assert client.get(gone).status_code == 404
    history = client.get(reverse("participants:history", args=[world.participant.public_id]))
    assert f'<a href="{_copy_page(world)}">Give a copy of the history as CSV</a>' in (
        history.content.decode()
    )

    response = client.post(
        _copy_page(world),
        {"to": "other", "recipient": CLINIC, "consent": consent.public_id, "what": "history"},
    )

    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [REDISCLOSURE_NOTICE]
    assert rows[1][:2] == ["Copy given to", CLINIC]
    assert ["Information", "Attendance and treatment plan"] in rows
    assert ["Recipients", CLINIC] in rows
    assert rows[rows.index([]) + 1][:3] == ["When", "Time zone", "Who"]
    disclosure = Disclosure.objects.get()
    assert (disclosure.what, disclosure.consent) == ("history", consent)
    [event] = _copies()
    assert (event.event_type, event.action) == ("consent.disclosed", Action.EXPORT)


def test_the_front_desk_s_face_sheet_says_it_is_for_use_inside_the_program(world, login):
    """The face sheet the chart prints stays for use inside the program (audited as a print);
    it says a copy for anyone is given from the copy page, and it is logged as no disclosure."""
    client = login(world.frontdesk)
    args = [world.participant.public_id]
    overview = client.get(reverse("participants:chart", args=args)).content.decode()
    sheet = client.get(reverse("participants:print", args=args))

    assert "Face sheet (for use in the program)" in overview
    assert "For use inside the program only" in sheet.content.decode()
    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.filter(
        event_type="demographics.printed", participant=world.participant
    ).exists()
