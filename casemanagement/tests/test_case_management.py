import uuid
from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from casemanagement import services
from casemanagement.models import (
    Barrier,
    BarrierStatus,
    ChangeRequestStatus,
    ReferralStatus,
    Resource,
    ResourceReferral,
)
from casemanagement.national import NATIONAL_RESOURCES, national_resource
from participants.models import CareTeamMember
from scheduling.models import AttendanceMode, SchedulingProfile
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput
from worklist.models import Task, TaskStatus

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")


def _resource(name: str = "SMART Recovery") -> Resource:
    return national_resource(name)


def test_the_directory_starts_with_the_national_lines_each_with_a_source(db):
    national_resource("SMART Recovery")
    national = Resource.objects.filter(organization=None)
    assert national.count() == len(NATIONAL_RESOURCES)
    assert all(r.source for r in national)
    samhsa = national.get(name="SAMHSA National Helpline")
    assert "1-800-662-HELP (4357)" in samhsa.phone
    assert "§7" in samhsa.source
    assert national.get(name="988 Suicide & Crisis Lifeline").phone.startswith("Call or text 988")
    assert "not verified" in national.get(name="NAMI HelpLine").source
    assert {r.name for r in national.filter(kind="mutual_help")} == {
        "Alcoholics Anonymous (AA)",
        "Narcotics Anonymous (NA)",
        "SMART Recovery",
        "Dual Recovery Anonymous (DRA)",
    }


def test_a_barrier_with_an_owner_and_status(world):
    barrier = services.add_barrier(
        world.participant, by=world.therapist, kind="housing", owner=world.casemanager
    )
    assert barrier.owner == world.casemanager
    updated = services.update_barrier(
        barrier, by=world.casemanager, status=BarrierStatus.RESOLVED, expected_version=1
    )
    assert updated.status == BarrierStatus.RESOLVED
    assert updated.closed_at is not None
    with pytest.raises(ConcurrentEdit):
        services.update_barrier(barrier, by=world.casemanager, status="open", expected_version=1)
    assert AuditEvent.objects.filter(event_type="casemanagement.barrier_changed").count() == 1


def test_a_barrier_refuses_bad_input_and_outsiders(world):
    with pytest.raises(InvalidInput) as exc:
        services.add_barrier(world.participant, by=world.therapist, kind="boredom", owner=None)
    assert exc.value.field == "kind"
    with pytest.raises(InvalidInput) as exc:
        services.add_barrier(
            world.participant, by=world.therapist, kind="legal", owner=world.outsider
        )
    assert exc.value.field == "owner"
    with pytest.raises(AccessDenied):
        services.add_barrier(world.participant, by=world.frontdesk, kind="legal", owner=None)
    assert not Barrier.objects.exists()


def test_without_an_owner_the_recorder_owns_it_else_the_case_manager(world):
    mine = services.add_barrier(world.participant, by=world.peer, kind="language", owner=None)
    assert mine.owner == world.peer
    services.update_barrier(mine, by=world.peer, status="working")


def test_a_schedule_change_made_goes_into_the_scheduling_profile(world):
    barrier = services.add_barrier(
        world.participant, by=world.casemanager, kind="transport", owner=None
    )
    request = services.request_schedule_change(barrier, by=world.casemanager, change="virtual")
    with pytest.raises(InvalidInput):
        services.request_schedule_change(barrier, by=world.casemanager, change="virtual")
    with pytest.raises(AccessDenied):
        services.answer_schedule_change(request, by=world.billing, made=True)
    answered = services.answer_schedule_change(
        request, by=world.frontdesk, made=True, expected_version=1
    )
    assert answered.status == ChangeRequestStatus.MADE
    profile = SchedulingProfile.objects.get(episode=world.episode)
    assert profile.mode == AttendanceMode.VIRTUAL
    assert profile.constraints == ["transport"]
    with pytest.raises(InvalidInput):
        services.answer_schedule_change(request, by=world.frontdesk, made=False, answer="No")


def test_declining_a_change_needs_a_reason(world):
    barrier = services.add_barrier(
        world.participant, by=world.casemanager, kind="childcare", owner=None
    )
    request = services.request_schedule_change(barrier, by=world.casemanager, change="evening")
    with pytest.raises(InvalidInput) as exc:
        services.answer_schedule_change(request, by=world.director, made=False)
    assert exc.value.field == "answer"
    declined = services.answer_schedule_change(
        request, by=world.director, made=False, answer="No evening track this quarter"
    )
    assert declined.status == ChangeRequestStatus.DECLINED
    assert not SchedulingProfile.objects.filter(episode=world.episode).exists()


def test_the_schedule_tab_shows_open_requests(world, login):
    barrier = services.add_barrier(
        world.participant, by=world.casemanager, kind="work_shifts", owner=None
    )
    services.request_schedule_change(
        barrier, by=world.casemanager, change="other_days", detail="Night shifts on Tuesdays"
    )
    url = reverse("scheduling:participant", args=[world.participant.public_id])
    html = login(world.director).get(url).content.decode()
    assert "Schedule changes asked for (1)" in html
    assert "Night shifts on Tuesdays" in html
    assert "casemanagement/" in html  # the answer form
    billing = login(world.billing).get(url).content.decode()
    assert "Night shifts on Tuesdays" in billing
    assert 'name="made"' not in billing


def test_a_referral_closes_its_loop_with_a_check_task_on_the_day(world, run_tasks):
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=CHICAGO), tick=False):
        referral = services.refer(
            world.participant,
            by=world.casemanager,
            resource=_resource(),
            made_on=date(2026, 11, 2),
        )
        referral = services.set_appointment(
            referral,
            by=world.casemanager,
            appointment_on=date(2026, 11, 9),
            detail="7 pm, library",
            verify_on=date(2026, 11, 10),
            expected_version=1,
        )
        run_tasks()
        assert not Task.objects.exists()
    with time_machine.travel(datetime(2026, 11, 10, 9, tzinfo=CHICAGO), tick=False):
        assert run_tasks() == 1
    task = Task.objects.get()
    assert task.owner == world.casemanager
    assert task.due_on == date(2026, 11, 10)
    assert task.kind == "referral.verify"
    assert task.detail.startswith("Appointment on Mon 9 Nov 2026. ")
    assert task.source_id == str(referral.public_id)
    closed = services.record_outcome(referral, by=world.casemanager, status="attended")
    assert closed.status == ReferralStatus.ATTENDED
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    with pytest.raises(InvalidInput):
        services.set_appointment(closed, by=world.casemanager, appointment_on=date(2026, 11, 20))


def test_a_rescheduled_appointment_checks_on_the_new_day_only(world, run_tasks):
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=CHICAGO), tick=False):
        referral = services.refer(
            world.participant, by=world.casemanager, resource=_resource(), made_on=date(2026, 11, 2)
        )
        referral = services.set_appointment(
            referral, by=world.casemanager, appointment_on=date(2026, 11, 5)
        )
        services.set_appointment(referral, by=world.casemanager, appointment_on=date(2026, 11, 12))
    with time_machine.travel(datetime(2026, 11, 6, 9, tzinfo=CHICAGO), tick=False):
        run_tasks()
        assert not Task.objects.exists()
    with time_machine.travel(datetime(2026, 11, 12, 9, tzinfo=CHICAGO), tick=False):
        run_tasks()
        assert Task.objects.get().due_on == date(2026, 11, 12)


def test_the_check_goes_to_the_case_manager_when_the_owner_left(world, run_tasks):
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=CHICAGO), tick=False):
        referral = services.refer(
            world.participant,
            by=world.peer,
            resource=_resource("NAMI HelpLine"),
            made_on=date(2026, 11, 2),
        )
        services.set_appointment(referral, by=world.peer, appointment_on=date(2026, 11, 4))
        CareTeamMember.objects.filter(user=world.peer).update(ended_on=date(2026, 11, 3))
    with time_machine.travel(datetime(2026, 11, 4, 9, tzinfo=CHICAGO), tick=False):
        run_tasks()
    assert Task.objects.get().owner == world.casemanager


def test_a_referral_refuses_bad_dates_and_foreign_resources(world):
    other = Resource.objects.create(
        organization=world.other_org_participant.organization,
        name="Elsewhere pantry",
        kind="food",
        delivery="in_person",
    )
    with pytest.raises(InvalidInput) as exc:
        services.refer(
            world.participant, by=world.casemanager, resource=other, made_on=date(2026, 11, 2)
        )
    assert exc.value.field == "resource"
    referral = services.refer(
        world.participant, by=world.casemanager, resource=_resource(), made_on=date(2026, 11, 2)
    )
    with pytest.raises(InvalidInput) as exc:
        services.set_appointment(referral, by=world.casemanager, appointment_on=date(2026, 10, 1))
    assert exc.value.field == "appointment_on"
    with pytest.raises(InvalidInput):
        services.record_outcome(referral, by=world.casemanager, status="attended")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.MADE


def test_the_tab_shows_barriers_referrals_and_tasks(world, login):
    services.add_barrier(world.participant, by=world.casemanager, kind="legal", detail="Court")
    services.refer(
        world.participant, by=world.casemanager, resource=_resource(), made_on=date(2026, 11, 2)
    )
    html = (
        login(world.nurse)
        .get(reverse("casemanagement:tab", args=[world.participant.public_id]))
        .content.decode()
    )
    assert "Legal" in html and "Court" in html
    assert "SMART Recovery" in html
    assert "Case management" in html


def test_a_referral_sent_back_keeps_what_was_typed_and_marks_the_field(world, login):
    """The form comes back as it was sent, the error beside the field it is about, so the
    case manager fixes one choice instead of typing the note again."""
    url = reverse("casemanagement:referral_add", args=[world.participant.public_id])
    response = login(world.casemanager).post(
        url, {"made_on": "2026-11-02", "note": "Call before noon"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Call before noon"' in html
    assert '<small class="error">Choose the resource from the list.</small>' in html
    assert not ResourceReferral.objects.exists()


def test_a_barriers_status_reads_once_in_its_row(world, login):
    """The status list already shows the status: it is not written again above it."""
    services.add_barrier(world.participant, by=world.casemanager, kind="legal", detail="Court")
    url = reverse("casemanagement:tab", args=[world.participant.public_id])
    html = login(world.casemanager).get(url).content.decode()
    row = html.split("Court", 1)[1].split("</tr>", 1)[0]
    assert row.count("Open") == 1
    assert '<option value="open" selected>Open</option>' in row


def test_the_directory_is_for_staff_and_kept_by_case_managers(world, login):
    url = reverse("casemanagement:directory")
    assert login(world.participant_user).get(url).status_code in (302, 403)
    page = login(world.frontdesk).get(url)
    assert page.status_code == 200
    assert b"SAMHSA National Helpline" in page.content
    assert login(world.frontdesk).post(url, {"name": "X"}).status_code == 403
    client = login(world.casemanager)
    client.get(url)
    response = client.post(
        url,
        {"name": "County food pantry (synthetic)", "kind": "food", "delivery": "in_person"},
    )
    assert response.status_code == 302
    assert Resource.objects.filter(organization=world.org).count() == 1
    assert b"County food pantry" not in login(world.stranger).get(url).content


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(world, n: int) -> None:
    for i in range(n):
        barrier = services.add_barrier(
            world.participant, by=world.casemanager, kind="housing", detail=f"#{i}"
        )
        services.request_schedule_change(barrier, by=world.casemanager, change="evening")
        services.refer(
            world.participant,
            by=world.casemanager,
            resource=_resource(),
            made_on=date(2026, 11, 2),
            barrier=barrier,
        )
        Resource.objects.create(
            organization=world.org, name=f"Local {i}", kind="other", delivery="both"
        )


@pytest.mark.parametrize(
    "url_name", ["casemanagement:tab", "casemanagement:directory", "scheduling:participant"]
)
def test_pages_stay_flat_as_records_grow(world, login, url_name):
    _grow(world, 2)
    client = login(world.casemanager)
    args = [] if url_name == "casemanagement:directory" else [world.participant.public_id]
    url = reverse(url_name, args=args)
    few = _count(client, url)
    _grow(world, 8)
    assert _count(client, url) == few
    assert ResourceReferral.objects.count() == 10


class _InlineControls(HTMLParser):
    """Each list or text box of the tab's inline forms, with the visible words of the label
    around it ("" when it has none)."""

    def __init__(self) -> None:
        super().__init__()
        self.inline = 0
        self.label: list[str] | None = None
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form":
            self.inline = "inline-form" in (values.get("class") or "")
        elif tag == "label":
            self.label = []
        elif self.inline and tag in ("select", "input") and values.get("type") != "hidden":
            words = " ".join(self.label or []).strip()
            self.found.append((str(values.get("name")), words))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label = None

    def handle_data(self, data: str) -> None:
        if self.label is not None:
            self.label.append(data.strip())


def test_the_tab_s_inline_lists_and_boxes_carry_visible_labels(world, login):
    """A barrier's status, the change asked of the scheduler and a referral's outcome are
    named on the page, not only to a screen reader, so a sighted user knows what each list
    sets."""
    services.add_barrier(world.participant, by=world.casemanager, kind="legal", detail="Court")
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=CHICAGO), tick=False):
        referral = services.refer(
            world.participant, by=world.casemanager, resource=_resource(), made_on=date(2026, 11, 2)
        )
        services.set_appointment(referral, by=world.casemanager, appointment_on=date(2026, 11, 9))
    html = (
        login(world.casemanager)
        .get(reverse("casemanagement:tab", args=[world.participant.public_id]))
        .content.decode()
    )
    controls = _InlineControls()
    controls.feed(html)
    labels = dict(controls.found)
    assert {"status", "change", "detail", "note"} <= set(labels)
    assert all(words for words in labels.values()), labels


def test_the_writes_on_a_barrier_or_a_referral_find_it_in_the_chart_or_answer_not_found(
    world, login
):
    """A barrier's status and schedule change, and a referral's appointment and outcome, each
    change the row the chart's participant has; an id they do not have is not found."""
    client = login(world.casemanager)
    barrier = services.add_barrier(world.participant, by=world.casemanager, kind="housing")
    with time_machine.travel(datetime(2026, 11, 2, 10, tzinfo=CHICAGO), tick=False):
        referral = services.refer(
            world.participant, by=world.casemanager, resource=_resource(), made_on=date(2026, 11, 2)
        )
        writes = [
            ("change_request", barrier, {"change": "evening", "detail": "Evenings only"}),
            ("barrier_status", barrier, {"status": BarrierStatus.RESOLVED, "version": 1}),
            ("referral_appointment", referral, {"appointment_on": "2026-11-09", "version": 1}),
            ("referral_outcome", referral, {"status": ReferralStatus.ATTENDED, "version": 2}),
        ]
        for name, row, data in writes:
            chart = world.participant.public_id
            unknown = reverse(f"casemanagement:{name}", args=[chart, uuid.uuid4()])
            assert client.post(unknown, data).status_code == 404
            response = client.post(
                reverse(f"casemanagement:{name}", args=[chart, row.public_id]), data
            )
            assert response.status_code == 302
            assert response.url == reverse("casemanagement:tab", args=[chart])
    barrier.refresh_from_db()
    referral.refresh_from_db()
    assert barrier.status == BarrierStatus.RESOLVED
    assert barrier.change_requests.get().detail == "Evenings only"
    assert (referral.appointment_on, referral.status) == (
        date(2026, 11, 9),
        ReferralStatus.ATTENDED,
    )
