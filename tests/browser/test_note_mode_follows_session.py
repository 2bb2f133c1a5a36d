"""Writing a note in a real browser: choosing an online session in the Session list sets How
to telehealth at once, and an in-person one back to in person, so the draft is saved on the
first submit instead of being refused for "In person" on a session held online."""

import pytest
from django.urls import reverse

from attendance.tests.builders import enrol, make_session
from conftest import PASSWORD
from notes.models import ProgressNote
from notes.seeds import seed
from scheduling.models import SessionMode
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_choosing_an_online_session_sets_how_to_telehealth(page, world):
    seed()  # data-migration rows vanish between transactional tests
    today = world.program.today()
    held = make_session(
        world.program, today, kind="individual", title="Check-in", staff=[world.therapist]
    )
    online = make_session(
        world.program,
        today,
        kind="individual",
        title="Video check-in",
        mode=SessionMode.VIRTUAL,
        staff=[world.therapist],
    )
    for session in (held, online):
        enrol(session, world.episode)
    sign_in(page, "therapist", PASSWORD)
    page.goto(reverse("notes:new", args=[world.participant.public_id]) + "?format=dap")
    how = page.get_by_label("How")
    assert how.input_value() == "in_person"

    page.get_by_label("Session").select_option(str(online.public_id))
    assert how.input_value() == "telehealth"
    page.get_by_label("Session").select_option(str(held.public_id))
    assert how.input_value() == "in_person"

    page.get_by_label("Session").select_option(str(online.public_id))
    page.get_by_label("Participant's location (telehealth)").fill("Home")
    page.get_by_label("If no plan objective: why").fill("Plan not yet signed.")
    page.locator("#id_section_0").fill("Talked through the week.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    note = ProgressNote.objects.get()
    assert (note.session, note.mode) == (online, "telehealth")
