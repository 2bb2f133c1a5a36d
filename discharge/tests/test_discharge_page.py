"""The discharge page: the form, its refusals, and the tab afterwards."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, Role
from audit.models import AuditEvent
from conftest import make_user
from discharge.handover import open_items
from discharge.models import Discharge
from discharge.tests.builders import DISCHARGE_DAY
from monitoring.models import Alert
from monitoring.services import raise_alert
from participants.access import break_the_glass
from participants.models import CareTeamMember, CareTeamRole, Episode
from worklist.models import Task, TaskStatus
from worklist.services import create_task

# The form is dated the discharge day: the clock is that afternoon.
pytestmark = pytest.mark.usefixtures("discharge_day")


def _form(world, **changes):
    data = {
        "type": "completed",
        "date": "2026-11-20",
        "reason": "Met the goals of the plan.",
        "next_level_of_care": "Level 1 outpatient",
        "next_provider": "Eastside Counseling",
        "first_appointment_on": "2026-11-25",
        "first_appointment_at": "10:30",
        "first_appointment_place": "Eastside Counseling, room 2",
        "crisis_resources": "988",
        "follow_up_consent": "on",
        "channel": "text",
        "confirm": "on",
        "version": world.episode.version,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_discharges_and_the_tab_shows_the_summary_draft(world, login):
    client = login(world.therapist)
    url = reverse("discharge:discharge", args=[world.participant.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, _form(world))
    assert response.status_code == 302
    record = Discharge.objects.get(participant=world.participant)
    assert (record.type, record.teds_reason) == ("completed", "1")
    assert record.aftercare.next_provider == "Eastside Counseling"
    page = client.get(reverse("discharge:tab", args=[world.participant.public_id]))
    text = page.content.decode()
    assert "TEDS reason 1" in text and "Dates and levels of care" in text
    assert "<dt>Date</dt><dd>Fri 20 Nov 2026</dd>" in text
    assert "<dd>Wed 25 Nov 2026 10:30 at Eastside Counseling, room 2 · " in text
    follow_ups = re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td>", text)
    assert follow_ups and all(re.fullmatch(r"\w{3} \d{1,2} \w{3} \d{4}", d) for d in follow_ups)


def test_the_tab_of_a_stay_still_open_says_it_is_not_discharged(world, login):
    page = login(world.therapist).get(reverse("discharge:tab", args=[world.participant.public_id]))
    text = page.content.decode()
    assert "Not discharged. When the stay ends, the discharge, its summary" in text
    url = reverse("discharge:discharge", args=[world.participant.public_id])
    assert f'<a href="{url}">Discharge this participant</a>' in text


def test_the_form_needs_the_confirmation_and_a_type(world, login):
    client = login(world.therapist)
    url = reverse("discharge:discharge", args=[world.participant.public_id])
    assert client.post(url, _form(world, confirm=None)).status_code == 400
    assert client.post(url, _form(world, type="")).status_code == 400
    assert Episode.objects.get(pk=world.episode.pk).status == "active"


def test_an_open_alert_left_without_a_choice_sends_the_form_back(world, login):
    raise_alert(world.participant, kind="test", severity="high", title="Open one", dedupe_key="x")
    client = login(world.therapist)
    url = reverse("discharge:discharge", args=[world.participant.public_id])
    response = client.post(url, _form(world))
    assert response.status_code == 400
    assert "Open one" in response.content.decode()
    assert not Discharge.objects.exists()


def test_the_summary_is_edited_signed_and_then_immutable(world, login):
    client = login(world.therapist)
    client.post(reverse("discharge:discharge", args=[world.participant.public_id]), _form(world))
    summary = Discharge.objects.get().summaries.get()
    url = reverse("discharge:summary_save", args=[world.participant.public_id, summary.public_id])
    words = {"course": "Attended well.", "condition_at_discharge": "Stable.", "version": 1}
    client.post(url, {**words, "action": "sign"})
    summary.refresh_from_db()
    assert summary.is_signed and summary.course == "Attended well."
    client.post(url, {**words, "course": "Changed.", "version": summary.version, "action": "save"})
    summary.refresh_from_db()
    assert summary.course == "Attended well."
    client.post(
        url,
        {**words, "version": summary.version, "action": "addendum", "addendum_reason": "Typo fix"},
    )
    assert Discharge.objects.get().summaries.count() == 2


def test_a_stale_form_with_an_item_to_close_is_sent_back_audited_and_closes_nothing(world, login):
    raise_alert(world.participant, kind="test", severity="high", title="Open one", dedupe_key="x")
    (item,) = open_items(world.participant)
    client = login(world.therapist)
    url = reverse("discharge:discharge", args=[world.participant.public_id])
    Episode.objects.filter(pk=world.episode.pk).update(version=world.episode.version + 1)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    choice = {f"choice:{item.key}": "closed", f"note:{item.key}": "Resolved last week."}
    response = client.post(url, {**_form(world), **choice})
    assert response.status_code == 400
    assert "Open one" in response.content.decode()
    assert Alert.objects.get().status == "open"
    shown = AuditEvent.objects.exclude(pk__in=before).filter(participant=world.participant)
    assert shown.count() == 1  # the page sent back, audited: the rolled-back close is not


def test_a_task_handed_over_to_its_owner_sends_the_form_back_naming_it(world, login):
    raise_alert(world.participant, kind="test", severity="high", title="Open one", dedupe_key="x")
    create_task(
        title="Call the probation officer",
        due_on=DISCHARGE_DAY,
        by=world.therapist,
        participant=world.participant,
        owner=world.therapist,
    )
    alert_item, task_item = open_items(world.participant)
    client = login(world.therapist)
    url = reverse("discharge:discharge", args=[world.participant.public_id])
    choices = {
        f"choice:{alert_item.key}": "handed_over",
        f"to:{alert_item.key}": world.supervisor.pk,
        f"choice:{task_item.key}": "handed_over",
        f"to:{task_item.key}": world.therapist.pk,
    }
    response = client.post(url, {**_form(world), **choices})
    assert response.status_code == 400
    assert (
        f"{world.therapist} has it already: hand it over to someone else, or close it: "
        "Call the probation officer." in response.content.decode()
    )
    assert not Discharge.objects.exists()
    assert list(Alert.objects.get().assigned_to.all()) == [world.therapist]
    assert Task.objects.get().status == TaskStatus.OPEN


def _offered(page: str, item) -> list[str]:
    """The names the page's "Hand over to" list offers for one open item."""
    found = re.search(rf'<select name="to:{re.escape(item.key)}"[^>]*>(.*?)</select>', page, re.S)
    assert found is not None, page
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', found.group(1))
    return [name for value, name in options if value]


def test_the_hand_over_list_offers_only_people_who_can_open_the_record(world, login):
    """The care team and the program's oversight; not the front desk, billing, the auditor,
    intake once admitted, a clinician off the team even with a break-the-glass grant, nor
    staff of another organization: whom the discharge would refuse is not offered."""
    raise_alert(world.participant, kind="test", severity="high", title="Open one", dedupe_key="x")
    break_the_glass(world.outsider, world.participant, "Covering the evening group today.")
    (item,) = open_items(world.participant)
    client = login(world.therapist)
    page = client.get(reverse("discharge:discharge", args=[world.participant.public_id]))
    assert _offered(page.content.decode(), item) == [
        f"{name.title()} Tester"
        for name in [
            "casemanager",
            "counsellor",
            "director",
            "nurse",
            "peer",
            "prescriber",
            "supervisor",
            "therapist",
        ]
    ]


def test_the_page_reads_as_many_queries_however_many_items_and_people(world, login):
    raise_alert(world.participant, kind="test", severity="high", title="Open one", dedupe_key="x")
    client = login(world.therapist)
    url = reverse("discharge:discharge", args=[world.participant.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as one_item:
        assert client.get(url).status_code == 200
    for n in range(3):
        raise_alert(
            world.participant, kind="test", severity="high", title=f"More {n}", dedupe_key=str(n)
        )
        create_task(
            title=f"Task {n}",
            due_on=DISCHARGE_DAY,
            by=world.therapist,
            participant=world.participant,
            owner=world.therapist,
        )
        clinician = make_user(f"clinician{n}")
        Membership.objects.create(user=clinician, organization=world.org, role=Role.COUNSELLOR)
        CareTeamMember.objects.create(
            episode=world.episode, user=clinician, role=CareTeamRole.COUNSELLOR
        )
    with CaptureQueriesContext(connection) as seven_items:
        page = client.get(url)
    assert len(open_items(world.participant)) == 7
    assert page.content.decode().count(">Clinician0 Tester</option>") == 7
    assert len(seven_items) == len(one_item), [q["sql"] for q in seven_items]


def test_the_tab_of_someone_not_yet_admitted_says_not_discharged_once(world, login):
    """No discharge and none to start: the tab says so in one card, not twice."""
    page = login(world.supervisor).get(reverse("discharge:tab", args=[world.referral.public_id]))
    text = page.content.decode()
    assert text.count("Not discharged") == 1
    assert "Discharge this participant" not in text


def test_the_summary_boxes_have_their_labels_above_them(world, login):
    """Each box is named by a label of its own, above it, as on every other form."""
    client = login(world.therapist)
    client.post(reverse("discharge:discharge", args=[world.participant.public_id]), _form(world))
    text = client.get(reverse("discharge:tab", args=[world.participant.public_id])).content.decode()
    for name, label in [
        ("course", "Course of treatment"),
        ("condition_at_discharge", "Condition at discharge"),
        ("recommendations", "Recommendations"),
    ]:
        assert f'<label for="id_{name}">{label}</label>' in text


def test_an_item_closed_without_a_reason_is_marked_where_it_is_asked(world, login):
    """The refusal stands in the item's own box, and the top of the long form says that
    nothing was discharged and where to look."""
    raise_alert(world.participant, kind="test", severity="high", title="Open one", dedupe_key="x")
    (item,) = open_items(world.participant)
    client = login(world.therapist)
    url = reverse("discharge:discharge", args=[world.participant.public_id])
    response = client.post(url, {**_form(world), f"choice:{item.key}": "closed"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Not discharged yet: correct the answers marked below." in text
    box = re.search(r"<legend>Open one.*?</fieldset>", text, re.S)
    assert box is not None and "Say why it can be closed: Open one." in box.group(0)
    assert not Discharge.objects.exists()


def test_the_tabs_follow_ups_are_named_as_on_the_call_list(world, login):
    """Each follow-up reads "Day 7", as the call list names it, not a bare 7 under "Day"."""
    client = login(world.therapist)
    client.post(reverse("discharge:discharge", args=[world.participant.public_id]), _form(world))
    text = client.get(reverse("discharge:tab", args=[world.participant.public_id])).content.decode()
    assert '<th scope="col">Follow-up</th>' in text
    assert "<tr><td>Day 7</td>" in text


def test_the_form_marks_the_fields_that_must_be_filled(world, login):
    """A long form says which answers it cannot do without, in words beside each label, and
    says so at the top; the aftercare plan's optional boxes carry no mark."""
    raise_alert(world.participant, kind="test", severity="high", title="Open one", dedupe_key="x")
    client = login(world.therapist)
    page = client.get(reverse("discharge:discharge", args=[world.participant.public_id]))
    text = page.content.decode()
    assert "Fields marked (required) must be filled" in text
    for label in (
        "Discharge type",
        "Discharge date",
        "Why the participant is leaving care",
        "I confirm: discharge ends their future sessions and closes their care team and chart",
    ):
        assert re.search(rf"<label [^>]*>{re.escape(label)} \(required\)</label>", text), label
    assert "<legend>Open one (required)" in text
    assert re.search(r"<label [^>]*>Next provider</label>", text)
    assert text.count("(required)") == 6
