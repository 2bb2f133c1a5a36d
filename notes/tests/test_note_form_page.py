"""The note form as the clinician writing it sees it."""

import re
from datetime import date, timedelta

from django.urls import reverse

from tandem.templatetags.clock import day


def _field(page, name: str) -> str:
    """The form row holding the input named `name`."""
    html = page.content.decode()
    rows = re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.S)
    return next(row for row in rows if f'name="{name}"' in row)


def test_a_refused_date_of_service_is_said_beside_the_date(world, login, formats):
    later = world.program.today() + timedelta(days=7)
    page = login(world.therapist).post(
        reverse("notes:new", args=[world.participant.public_id]),
        {
            "kind": "individual",
            "format": "dap",
            "service_date": later.isoformat(),
            "minutes": "50",
            "mode": "in_person",
            "no_objective_reason": "Plan not yet signed.",
            "section_0": "Talked through the week.",
        },
    )
    assert page.status_code == 400
    assert "The date of service cannot be in the future." in _field(page, "service_date")


def test_the_date_and_times_of_service_open_the_browsers_pickers(world, login, formats):
    page = login(world.therapist).get(reverse("notes:new", args=[world.participant.public_id]))
    assert page.status_code == 200
    assert 'type="date"' in _field(page, "service_date")
    assert f'value="{world.program.today().isoformat()}"' in _field(page, "service_date")
    assert 'type="time"' in _field(page, "start_time")
    assert 'type="time"' in _field(page, "end_time")


def test_the_objectives_are_offered_in_full_with_the_reason_for_none_beside_them(
    world, login, formats
):
    from notes.tests.conftest import plan_for

    plan = plan_for(world.episode, signed=False)
    objective = plan.objectives.get()
    objective.text = "Depressive symptoms below the moderate range (PHQ-9 below 10) for a month"
    objective.save(update_fields=["text"])
    type(plan).objects.filter(pk=plan.pk).update(
        signed_at=plan.recorded_at, signed_by=world.therapist
    )
    page = login(world.therapist).get(reverse("notes:new", args=[world.participant.public_id]))
    html = page.content.decode()
    found = re.search(r"<fieldset>.*?</fieldset>", html, flags=re.S)
    assert found is not None
    fieldset = found.group(0)
    assert "(PHQ-9 below 10) for a month</label>" in fieldset
    assert 'name="no_objective_reason"' in fieldset


def test_the_sessions_offered_are_those_held_so_far_latest_first(world, login, formats):
    from attendance.tests.builders import enrol, make_session

    today = world.program.today()
    for on, title in [
        (today - timedelta(days=2), "Held before"),
        (today, "Held today"),
        (today + timedelta(days=1), "Still to come"),
    ]:
        enrol(make_session(world.program, on, title=title, kind="individual"), world.episode)
    # A group session's notes are written on its group note: it is not offered here.
    enrol(make_session(world.program, today, title="Group today"), world.episode)
    page = login(world.therapist).get(reverse("notes:new", args=[world.participant.public_id]))
    offered = re.findall(
        r"<option value=\"[0-9a-f-]+\" data-mode=\"\w+\"[^>]*>[^<]* · ([^<]+)</option>",
        page.content.decode(),
    )
    assert offered == ["Held today", "Held before"]


def test_the_notes_tab_says_by_when_a_draft_is_signed(world, login, formats):
    import time_machine

    from notes import services
    from notes.tests.conftest import dap

    due_at = services.draft_note(world.participant, dap(), by=world.therapist).due_at
    assert due_at is not None
    url = reverse("notes:tab", args=[world.participant.public_id])
    client = login(world.therapist)
    with time_machine.travel(due_at - timedelta(hours=1), tick=False):
        before = client.get(url).content.decode()
    with time_machine.travel(due_at + timedelta(hours=1), tick=False):
        after = client.get(url).content.decode()
    local = due_at.astimezone(world.program.tz)
    due = f"{day(local.date())}, {local:%H:%M %Z}"
    assert f'<span class="flag flag-warning">due {due}</span>' in before
    assert f'<span class="flag flag-danger">overdue since {due}</span>' in after


def test_the_notes_tab_buttons_say_they_write_a_note_in_each_format(world, login, formats):
    page = login(world.therapist).get(reverse("notes:tab", args=[world.participant.public_id]))
    url = reverse("notes:new", args=[world.participant.public_id])
    assert (
        f'<a class="button" href="{url}?format=dap">Write a DAP note</a>' in page.content.decode()
    )


def test_a_refused_signature_says_the_note_is_not_signed_and_the_draft_kept(world, login, formats):
    from notes import services
    from notes.tests.conftest import dap

    note = services.draft_note(world.participant, dap(no_objective_reason=""), by=world.therapist)
    page = login(world.therapist).post(
        reverse("notes:sign", args=[world.participant.public_id, note.public_id]),
        {"version": note.version},
    )
    assert page.status_code == 400
    assert (
        '<div class="error" role="alert">Not signed, the draft is kept: Choose the plan'
        " objectives this note addresses" in page.content.decode()
    )


def test_each_objective_is_offered_under_the_problem_it_serves(world, login, formats):
    """Two problems' objectives can read alike (a PHQ-9 target for depression and for a
    dimension-3 rating): the clinician tells them apart by the problem written above them."""
    from notes.tests.conftest import plan_for
    from plans.models import Goal, Objective, Problem

    plan = plan_for(world.episode, signed=False)
    problem = Problem.objects.create(
        plan=plan, order=1, domain="mental_health", statement="Low mood most days (F33.1)"
    )
    goal = Goal.objects.create(plan=plan, problem=problem, text="I want to feel like myself")
    Objective.objects.create(
        plan=plan,
        goal=goal,
        text="Uses a coping skill at each craving",
        target_date=date(2026, 12, 31),
    )
    type(plan).objects.filter(pk=plan.pk).update(
        signed_at=plan.recorded_at, signed_by=world.therapist
    )
    page = login(world.therapist).get(reverse("notes:new", args=[world.participant.public_id]))
    found = re.search(r"<fieldset>.*?</fieldset>", page.content.decode(), flags=re.S)
    assert found is not None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))
    assert (
        "Substance use: Daily use Uses a coping skill at each craving "
        "Mental health: Low mood most days (F33.1) Uses a coping skill at each craving"
    ) in text
