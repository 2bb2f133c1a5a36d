"""A facilitator documents a 12-member group on one screen: attendance (one late, one
absent), the shared narrative, eleven members' own sections with their plan objectives, an
absence entry, and the signature — with the name-leak refusal on the way, in at most three
submits. Prints the time taken and the number of submits."""

import time

import pytest
from playwright.sync_api import expect

from attendance.models import Attendance
from attendance.tests.builders import active_participant, enrol, session_now
from conftest import PASSWORD
from notes.models import AbsenceEntry, GroupNote, NoteObjective, ProgressNote
from notes.tests.conftest import MEMBERS, plan_for
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARRATIVE = (
    "Relapse prevention: the group mapped high-risk situations for the coming weekend and "
    "practised urge surfing in pairs, then each member wrote one coping plan."
)


def test_a_twelve_member_group_is_documented_in_one_screen(page, world):
    session = session_now(world.program, staff=[world.counsellor], title="Relapse prevention")
    members = []
    for i, (first, last) in enumerate(MEMBERS):
        episode = active_participant(world, f"B-{i:04d}", first, last)
        enrol(session, episode)
        plan_for(episode)
        members.append(episode.participant)
    late, absent = members[2], members[5]
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    sign_in(page, "counsellor", PASSWORD)
    posts.clear()

    started = time.monotonic()
    page.goto(f"/notes/sessions/{session.public_id}/")
    page.get_by_role("heading", name="Group note: Relapse prevention").wait_for()
    page.get_by_label("Topic").fill("High-risk situations")
    page.get_by_label("What the group did").fill(NARRATIVE)
    for person in members:
        row = page.locator("tr.member-row", has_text=person.display_name)
        if person == absent:
            row.get_by_label(f"Attendance of {person.display_name}").select_option("excused")
            row.get_by_label(f"Section for {person.display_name}").fill("Called in sick.")
            continue
        if person == late:
            row.get_by_label(f"Attendance of {person.display_name}").select_option("late")
            row.get_by_label("Minutes (late / left early)").fill("60")
        text = f"Named two triggers and practised urge surfing; plan written ({person.pk})."
        if person == members[0]:
            text = f"Paired with {members[1].legal_first_name} and named two triggers."
        row.get_by_label(f"Section for {person.display_name}").fill(text)
        row.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Save and sign").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(members[0].display_name)
    expect(alert).to_contain_text(members[1].legal_first_name)
    assert not GroupNote.objects.exists() and not Attendance.objects.exists()
    first = page.locator("tr.member-row", has_text=members[0].display_name)
    first.get_by_label(f"Section for {members[0].display_name}").fill(
        "Worked in a pair and named two triggers."
    )
    page.get_by_role("button", name="Save and sign").click()
    page.get_by_text("Group note signed").wait_for()
    elapsed = time.monotonic() - started
    submits = len(posts)
    print(f"\n12-member group documented in {elapsed:.1f} s with {submits} submits")

    assert submits <= 3
    note = GroupNote.objects.get()
    assert note.is_signed and note.topic == "High-risk situations"
    assert Attendance.objects.count() == 12
    assert Attendance.objects.get(participant=late).minutes == 60
    assert AbsenceEntry.objects.get(participant=absent).text == "Called in sick."
    notes = list(ProgressNote.objects.filter(group_note=note).select_related("participant"))
    assert len(notes) == 11 and all(n.is_signed for n in notes)
    assert NoteObjective.objects.count() == 11
    for n in notes:
        others = [m for m in members if m.pk != n.participant_id]
        assert not any(o.legal_first_name in n.text or o.record_number in n.text for o in others)
