"""Writing a note in a real browser: choosing an online session in the Session list sets How
to telehealth at once, and an in-person one back to in person, so the draft is saved on the
first submit instead of being refused for "In person" on a session held online."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from attendance.tests.builders import enrol, make_session
from conftest import PASSWORD
from notes.models import ProgressNote
from notes.seeds import seed
from scheduling.models import SessionMode
from tests.browser.conftest import hold_script, sign_in

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
    # The form's script is held back until the session is chosen, as on a slow link where
    # someone chooses it before the script arrives: the script fills How in when it starts.
    release_script = hold_script(page, "js/notes.js")
    url = reverse("notes:new", args=[world.participant.public_id]) + "?format=dap"
    page.goto(url, wait_until="commit")
    how = page.get_by_label("How")
    expect(how).to_have_value("in_person")

    page.get_by_label("Session").select_option(str(online.public_id))
    release_script()
    expect(how).to_have_value("telehealth")
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


def test_choosing_yesterdays_session_fills_in_its_date_and_times(page, world):
    """The form starts on today; a note on yesterday's session is saved on the first try."""
    from datetime import timedelta

    seed()
    yesterday = world.program.today() - timedelta(days=1)
    session = make_session(
        world.program, yesterday, kind="individual", title="Check-in", staff=[world.therapist]
    )
    enrol(session, world.episode)
    sign_in(page, "therapist", PASSWORD)
    page.goto(reverse("notes:new", args=[world.participant.public_id]) + "?format=dap")
    assert page.get_by_label("Date of service").input_value() == world.program.today().isoformat()

    page.get_by_label("Session").select_option(str(session.public_id))
    tz = world.program.tz
    assert page.get_by_label("Date of service").input_value() == yesterday.isoformat()
    assert page.get_by_label("Start").input_value() == f"{session.starts_at.astimezone(tz):%H:%M}"
    assert page.get_by_label("End").input_value() == f"{session.ends_at.astimezone(tz):%H:%M}"
    page.get_by_label("If no plan objective: why").fill("Plan not yet signed.")
    page.locator("#id_section_0").fill("Talked through the week.")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    note = ProgressNote.objects.get()
    assert (note.session, note.service_date) == (session, yesterday)
