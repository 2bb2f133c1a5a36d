"""Build next week: a background run end to end, hand edits with warnings, re-solve."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditEvent
from conftest import run_queued_tasks
from scheduling import publishing
from scheduling.models import (
    AvailabilityWindow,
    Enrolment,
    GroupPreference,
    Publication,
    ScheduleRun,
    StaffHours,
)
from scheduling.proposal import violations
from scheduling.review import group_label
from scheduling.solver import parse_problem
from scheduling.tests.conftest import EVENINGS, MONDAY, MORNINGS, admit, set_windows
from scheduling.weeks import week_start
from tandem.templatetags.clock import day


def solved(world, **options) -> ScheduleRun:
    run = publishing.start_week_run(
        world.program, by=world.director, week_of=MONDAY, time_limit=5, **options
    )
    assert run_queued_tasks() == 1
    run.refresh_from_db()
    return run


def test_director_builds_next_week_in_the_background(world, calendar, login):
    client = login(world.director)
    response = client.post(
        reverse("scheduling:build", args=[world.program.public_id]),
        {"week_of": MONDAY.isoformat(), "time_limit": 5},
    )
    run = ScheduleRun.objects.get()
    assert response.url == reverse("scheduling:run", args=[run.public_id])
    assert run.status == ScheduleRun.Status.QUEUED  # the request did not solve anything
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page

    with CaptureQueriesContext(connection) as queries:
        assert run_queued_tasks() == 1

    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.DONE and run.progress == 1.0
    progress_writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and "schedulerun" in q["sql"] and "progress" in q["sql"]
    ]
    assert len(progress_writes) >= 3  # claimed, the solver's own progress, finished
    assert run.result["violations"] == []
    assert violations(run.problem, run.result) == []
    assert run.result["full_dose"] >= 4
    assert "Proposal ready" in run.message
    fragment = client.get(reverse("scheduling:run_progress", args=[run.public_id]))
    assert fragment["HX-Refresh"] == "true"
    page = client.get(response.url).content.decode()
    assert "Checked: every rule holds" in page and "Publish" in page
    assert world.participant.display_name in page
    assert "Mon 09:00 Relapse prevention" in page  # names, not ids, on the page
    viewed = AuditEvent.objects.filter(
        actor=world.director, record_id=str(run.public_id), action="view"
    ).first()
    assert viewed is not None
    assert str(world.participant.public_id) in viewed.details["participants"]


def test_only_the_director_builds(world, calendar, login):
    for persona in ("supervisor", "therapist", "frontdesk"):
        client = login(world.users[persona])
        response = client.post(
            reverse("scheduling:build", args=[world.program.public_id]),
            {"week_of": MONDAY.isoformat(), "time_limit": 5},
        )
        assert response.status_code == 403
    assert not ScheduleRun.objects.exists()


def test_one_run_at_a_time(world, calendar):
    publishing.start_week_run(world.program, by=world.director, week_of=MONDAY)
    with pytest.raises(publishing.InvalidInput, match="already being built"):
        publishing.start_week_run(world.program, by=world.director, week_of=MONDAY)


def test_bad_data_fails_the_run_with_a_plain_message(world, calendar):
    profile = world.episode.scheduling_profile
    AvailabilityWindow.objects.create(
        profile=profile, weekday=0, start_time="09:00", end_time="10:00"
    )  # overlaps 08:30-13:00: only possible by writing around the services
    run = solved(world)
    assert run.status == ScheduleRun.Status.FAILED
    assert "problem" in run.message and world.participant.legal_first_name not in run.message
    assert any("overlap" in e for e in run.result["errors"])


def test_hand_edit_warns_but_is_kept_and_publish_needs_confirmation(world, calendar, login):
    run = solved(world)
    me = str(world.participant.public_id)
    online = str(calendar.online.public_id)  # virtual, evening: outside a morning in-person person
    warnings = publishing.edit_proposal(
        run, by=world.director, participant_id=me, session_id=online, action="add"
    )
    assert any("outside their availability" in w for w in warnings)
    run.refresh_from_db()
    assert run.edits[-1]["session"] == online
    client = login(world.director)
    page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert "The hand changes break these rules" in page
    assert "Seeking Safety online" in page and "outside their availability" in page
    response = client.post(
        reverse("scheduling:run_publish", args=[run.public_id]),
        {"starts_on": MONDAY.isoformat(), "weeks": 1, "edits_seen": 1},
        follow=True,
    )
    assert "tick the box" in response.content.decode()
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.DONE
    response = client.post(
        reverse("scheduling:run_publish", args=[run.public_id]),
        {"starts_on": MONDAY.isoformat(), "weeks": 1, "accept_warnings": "on", "edits_seen": 1},
    )
    run.refresh_from_db()
    assert response.status_code == 302 and run.status == ScheduleRun.Status.PUBLISHED
    assert (
        "Published Mon 7 Jan 2030 to Sun 13 Jan 2030." in client.get(response.url).content.decode()
    )


def test_a_proposal_changed_after_the_director_reviewed_it_is_not_published(world, calendar, login):
    """Two directors on one run: what goes out is what the one publishing reviewed."""
    run = solved(world)
    client = login(world.director)
    page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()
    assert 'name="edits_seen" value="0"' in page
    me = str(world.participant.public_id)
    first = run.result["participants"][me]["sessions"][0]
    publishing.edit_proposal(
        run, by=world.director, participant_id=me, session_id=first, action="remove"
    )

    form = {"starts_on": MONDAY.isoformat(), "weeks": 1, "accept_warnings": "on"}
    url = reverse("scheduling:run_publish", args=[run.public_id])
    refused = client.post(url, {**form, "edits_seen": 0}, follow=True).content.decode()

    assert "changed by someone else after you opened it" in refused
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.DONE and not run.publications.exists()
    assert not Enrolment.objects.filter(session__publication__isnull=False).exists()

    client.post(url, {**form, "edits_seen": 1})
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.PUBLISHED
    published = Enrolment.objects.filter(
        participant=world.participant, session__group__isnull=False
    )
    groups = {str(e.session.group.public_id) for e in published if e.session.group}
    assert groups and first not in groups  # published, as edited


def test_removing_someone_through_the_page_recomputes_their_minutes(world, calendar, login):
    run = solved(world)
    me = str(world.participant.public_id)
    first = run.result["participants"][me]["sessions"][0]
    client = login(world.director)
    response = client.post(
        reverse("scheduling:run_edit", args=[run.public_id]),
        {"participant": me, "session": first, "action": "remove"},
    )
    assert response.status_code == 302 and response.url.endswith(f"#p-{me}")
    run.refresh_from_db()
    row = publishing.current_proposal(run)["participants"][me]
    assert first not in row["sessions"]
    assert row["scheduled_minutes"] == run.result["participants"][me]["scheduled_minutes"] - 180
    assert row["full_dose"] is False


def test_resolve_starts_from_the_edited_proposal(world, calendar):
    run = solved(world)
    me = str(world.participant.public_id)
    dropped = run.result["participants"][me]["sessions"][0]
    publishing.edit_proposal(
        run, by=world.director, participant_id=me, session_id=dropped, action="remove"
    )
    fresh = solved(world, based_on=run)
    assert fresh.based_on == run and fresh.status == ScheduleRun.Status.DONE
    assert dropped not in fresh.problem["current"][me]
    assert fresh.result["violations"] == []


def test_run_api_reports_progress_and_summary(world, calendar, login):
    run = solved(world)
    client = login(world.director)
    body = client.get(reverse("api:schedule_run", args=[run.public_id])).json()
    assert body["status"] == "done" and body["progress"] == 1.0
    assert body["summary"]["violations"] == 0
    assert body["summary"]["participants"] == len(calendar.episodes)
    assert str(world.participant.public_id) not in json.dumps(body)
    client = login(world.therapist)
    assert client.get(reverse("api:schedule_run", args=[run.public_id])).status_code == 404


def test_problem_stored_on_the_run_is_valid_and_nameless(world, calendar):
    run = solved(world)
    parse_problem(run.problem)
    assert world.participant.legal_last_name not in json.dumps(run.problem)


def _page_queries(client, run) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("scheduling:run", args=[run.public_id]))
    assert response.status_code == 200
    return len(queries)


def test_proposal_page_query_count_does_not_grow_with_participants(world, calendar, login):
    client = login(world.director)
    small = _page_queries(client, solved(world))
    for k in range(6):
        episode = admit(world, f"T-3000{k}", f"Extra{k}")
        set_windows(episode, MORNINGS if k % 2 else EVENINGS)
    bigger = solved(world)
    assert len(bigger.result["participants"]) == 2 * len(calendar.episodes)
    assert _page_queries(client, bigger) == small


def test_a_search_time_out_of_range_is_refused_in_the_forms_words(world, calendar):
    with pytest.raises(
        publishing.InvalidInput,
        match=r"^How long to search for the best week must be 5 to 600 seconds\.$",
    ):
        publishing.start_week_run(world.program, by=world.director, week_of=MONDAY, time_limit=4)
    assert not ScheduleRun.objects.exists()


def test_an_abandoned_run_does_not_block_the_next_one(world, calendar):
    stuck = publishing.start_week_run(world.program, by=world.director, week_of=MONDAY)
    ScheduleRun.objects.filter(pk=stuck.pk).update(
        status=ScheduleRun.Status.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )
    fresh = publishing.start_week_run(world.program, by=world.director, week_of=MONDAY)
    stuck.refresh_from_db()
    assert stuck.status == ScheduleRun.Status.FAILED and "Nothing was changed" in stuck.message
    assert fresh.status == ScheduleRun.Status.QUEUED


def test_a_run_that_cannot_be_solved_opens_where_to_fix_it_and_builds_again(world, calendar, login):
    GroupPreference.objects.create(
        profile=world.episode.scheduling_profile,
        group=calendar.evening[0],  # Tuesday evening, outside their mornings
        kind=GroupPreference.Kind.PIN,
    )
    run = solved(world)
    assert run.result["status"] == "infeasible"
    assert run.message == (
        'No week can keep everyone in their "Keep in" groups. On the participants\' Schedule '
        f'tabs, take "Keep in" off for {group_label(calendar.evening[0])}, or move the group on '
        "the program calendar, then build the week again. The reasons are below."
    )
    client = login(world.director)

    page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()

    tab = reverse("scheduling:participant", args=[world.participant.public_id])
    assert f'href="{tab}">{world.participant.display_name}</a>' in page
    assert f"Build the week of {day(MONDAY)} again" in page
    viewed = AuditEvent.objects.get(
        actor=world.director, record_id=str(run.public_id), action="view"
    )
    assert viewed.details["participants"] == [str(world.participant.public_id)]
    response = client.post(
        reverse("scheduling:build", args=[world.program.public_id]),
        {"week_of": MONDAY.isoformat(), "time_limit": run.time_limit},
    )
    assert ScheduleRun.objects.filter(week_start=MONDAY).count() == 2
    assert response.url != reverse("scheduling:run", args=[run.public_id])


def test_a_published_run_is_headed_as_published_with_when_and_by_whom(world, calendar, login):
    run = solved(world)
    client = login(world.director)
    url = reverse("scheduling:run", args=[run.public_id])
    assert "Proposal ready" in client.get(url).content.decode()

    publication = publishing.publish_run(run, by=world.director, starts_on=MONDAY)

    page = client.get(url).content.decode()
    assert "Proposal ready" not in page
    assert (
        f"<strong>Published Mon 7 Jan 2030 to Sun 13 Jan 2030</strong> by {world.director} on "
        in page
    )
    assert page.count("Published Mon 7 Jan 2030") == 1
    assert publication.created_at.astimezone(world.program.tz).strftime("%H:%M") in page


def test_the_build_form_says_building_a_published_week_makes_a_proposal_beside_it(
    world, calendar, login
):
    client = login(world.director)
    url = reverse("scheduling:week", args=[world.program.public_id])
    beside = "Building it again makes a new proposal beside the published week"
    assert beside not in client.get(url).content.decode()

    next_monday = week_start(world.program.today()) + timedelta(days=7)
    Publication.objects.create(
        program=world.program,
        starts_on=next_monday,
        ends_on=next_monday + timedelta(days=6),
        published_by=world.director,
    )

    page = client.get(url).content.decode()
    assert f"The week of {day(next_monday)} is already published" in page
    assert (
        f"{world.director} published the schedule for {day(next_monday)} to "
        f"{day(next_monday + timedelta(days=6))} on " in page
    )
    assert beside in page
    assert "until you publish the new proposal" in page


def test_a_proposal_for_a_week_published_from_another_run_says_what_publishing_it_does(
    world, calendar, login
):
    first = solved(world)
    publishing.publish_run(first, by=world.director, starts_on=MONDAY)
    second = solved(world)
    client = login(world.director)

    page = client.get(reverse("scheduling:run", args=[second.public_id])).content.decode()
    assert "This week is already published from another proposal" in page
    assert f"{world.director} published the schedule for {day(MONDAY)} to " in page
    assert "It stays as it is unless you publish this one" in page
    assert "Proposal ready" in page
    first_page = client.get(reverse("scheduling:run", args=[first.public_id])).content.decode()
    assert "already published from another proposal" not in first_page


def test_the_run_page_speaks_the_clinic_s_words(world, calendar, login):
    run = solved(world)
    page = login(world.director).get(reverse("scheduling:run", args=[run.public_id]))

    html = page.content.decode()
    for engineer in ("Solver", "Checker", "Time limit", "Re-solve", "violations", "gap "):
        assert engineer not in html
    assert "Checked: every rule holds" in html
    assert "Allowed 5 seconds to search for the best week." in html
    assert "Is it the best week?" in html and "Search took" in html
    week = login(world.director).get(reverse("scheduling:week", args=[world.program.public_id]))
    assert "How long to search for the best week (seconds)" in week.content.decode()


def test_the_build_card_names_the_week_it_builds(world, calendar, login):
    page = login(world.director).get(reverse("scheduling:week", args=[world.program.public_id]))

    html = page.content.decode()
    named = f"the week of <span data-build-week>{day(week_start(world.program.today()) + timedelta(days=7))}</span>"
    assert f"Build the schedule for {named}</h2>" in html
    assert f"Build {named}</button>" in html
    assert "Next week's schedule" not in html and "Build next week" not in html


def test_the_groups_table_says_why_a_group_does_not_run(world, calendar, login):
    StaffHours.objects.filter(user=world.counsellor, weekday=5).delete()
    run = solved(world)
    family = calendar.evening[2]  # Saturday morning, run by the counsellor
    client = login(world.director)

    page = client.get(reverse("scheduling:run", args=[run.public_id])).content.decode()

    assert (
        f"<td>{escape(group_label(family))}</td><td>not running: no facilitator free: "
        f"{escape(str(world.counsellor))} not available then</td>"
    ) in page
