"""The Plan tab, the editor (plain and htmx), a version, an objective, and the reviews board."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_participant
from participants.models import Episode, EpisodeStatus
from participants.services import mark_entered_in_error
from plans import services, views
from plans.models import Objective, Problem, TreatmentPlan
from plans.tests.builders import drafted, signed
from tandem.templatetags.clock import day


def test_start_then_build_a_plan_in_the_editor(world, login):
    client = login(world.therapist)
    tab = reverse("plans:plan", args=[world.participant.public_id])
    assert "Start the plan" in client.get(tab).content.decode()
    response = client.post(reverse("plans:start", args=[world.participant.public_id]))
    plan = TreatmentPlan.objects.get()
    edit = reverse("plans:edit", args=[world.participant.public_id, plan.public_id])
    assert response.url == edit
    response = client.post(
        edit,
        {
            "kind": "problem",
            "version": plan.version,
            "domain": "housing",
            "statement": "Couch surfing",
            "dimensions": ["6"],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Couch surfing" in response.content.decode()
    problem = Problem.objects.get()
    plan.refresh_from_db()
    client.post(
        edit,
        {
            "kind": "goal",
            "version": plan.version,
            "problem": problem.public_id,
            "text": "A room of my own",
        },
    )
    plan.refresh_from_db()
    page = client.get(edit).content.decode()
    assert "A room of my own" in page and "Before signing, add" in page


def test_a_stale_editor_form_is_refused_with_a_message(world, login):
    plan = drafted(world)
    client = login(world.therapist)
    edit = reverse("plans:edit", args=[world.participant.public_id, plan.public_id])
    response = client.post(
        edit,
        {
            "kind": "problem",
            "version": plan.version - 1,
            "domain": "legal",
            "statement": "Court date",
        },
    )
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert not Problem.objects.filter(domain="legal").exists()


def test_a_signed_version_is_refused_in_the_editor(world, login):
    plan = signed(world)
    client = login(world.therapist)
    edit = reverse("plans:edit", args=[world.participant.public_id, plan.public_id])
    response = client.post(
        edit, {"kind": "problem", "version": plan.version, "domain": "legal", "statement": "Court"}
    )
    assert response.status_code == 409
    assert "signed and never changes" in response.content.decode()


def test_the_tab_shows_the_plan_in_force_and_the_objective_page_its_sections(world, login):
    plan = signed(world)
    objective = Objective.objects.get(plan=plan)

    def section(request, row):
        return (
            {
                "template": "plans/_objective_section.html",
                "title": "Notes that addressed this objective",
                "items": [],
            }
            if row.pk == objective.pk
            else None
        )

    client = login(world.therapist)
    page = client.get(reverse("plans:plan", args=[world.participant.public_id])).content.decode()
    assert "Treatment plan in force" in page and "PHQ-9 below 10" in page
    url = reverse(
        "plans:objective", args=[world.participant.public_id, plan.public_id, objective.public_id]
    )
    views.OBJECTIVE_SECTIONS.register(section)
    try:
        response = client.get(url)
    finally:
        views.OBJECTIVE_SECTIONS.unregister(section)
    assert response.status_code == 200
    assert "Notes that addressed this objective" in response.content.decode()


def test_sign_acknowledge_and_cosign_from_the_pages(world, login):
    plan = drafted(world)
    client = login(world.therapist)
    client.post(
        reverse("plans:sign", args=[world.participant.public_id, plan.public_id]),
        {"version": plan.version},
    )
    plan.refresh_from_db()
    assert plan.is_signed
    client.post(
        reverse("plans:acknowledge", args=[world.participant.public_id, plan.public_id]),
        {"comment": ""},
    )
    client = login(world.supervisor)
    client.post(reverse("plans:cosign", args=[world.participant.public_id, plan.public_id]))
    plan = TreatmentPlan.objects.select_related("acknowledgement", "cosignature").get(pk=plan.pk)
    assert (
        plan.acknowledgement.via == "in_person" and plan.cosignature.recorded_by == world.supervisor
    )


def _more_participants(world, n: int, start: int) -> None:
    for i in range(start, start + n):
        p = make_participant(world.org, f"T-1{i:05d}")
        Episode.objects.create(
            participant=p,
            program=world.program,
            site=world.site,
            status=EpisodeStatus.ACTIVE,
            referred_on=date(2026, 9, 1),
            admitted_on=date(2026, 9, 8),
            primary_clinician=world.therapist,
        )


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_reviews_board_keeps_a_flat_query_count(world, login):
    signed(world)
    client = login(world.director)
    url = reverse("plans:reviews_due")
    _more_participants(world, 2, 0)
    few = _count(client, url)
    _more_participants(world, 60, 10)
    many = _count(client, url)
    assert many == few
    page = client.get(url).content.decode()
    assert "No signed plan yet" in page and "Page 1 of 2 (62 participants)" in page
    assert _count(client, url + "?page=2") == few
    assert page.count("No signed plan yet") == 50


def test_the_reviews_board_reads_its_total_with_the_page(world, login):
    """The count comes with the page's rows, "last" too (read from the end); a page past
    the end, even one too large for the database's OFFSET, reads the total on its own (after
    trying its rows), and each lands on the last page; a page that is not one, the first."""
    client = login(world.director)
    url = reverse("plans:reviews_due")
    _more_participants(world, 60, 0)
    first = _count(client, url)
    for asked, extra in (("?page=last", 0), ("?page=9", 2), ("?page=" + "9" * 20, 2)):
        assert _count(client, url + asked) == first + extra
        page = client.get(url + asked).content.decode()
        assert "Page 2 of 2 (61 participants)" in page
        assert page.count("No signed plan yet") == 11
    for asked in ("?page=x", "?page=0", "?page=-1"):
        assert _count(client, url + asked) == first
        assert "Page 1 of 2" in client.get(url + asked).content.decode()


def test_the_board_is_for_directors_and_supervisors(world, login):
    client = login(world.therapist)
    assert client.get(reverse("plans:reviews_due")).status_code == 403
    client = login(world.supervisor)
    assert client.get(reverse("plans:reviews_due")).status_code == 200


def test_settings_page_changes_the_programs_rules(world, login):
    client = login(world.director)
    response = client.post(
        reverse("plans:settings"),
        {
            "action": "settings",
            "program": world.program.public_id,
            "version": 0,
            "cosign_required": "on",
        },
    )
    assert response.status_code == 302
    from plans.services import settings_of

    assert settings_of(world.program).cosign_required
    client.post(
        reverse("plans:settings"),
        {"action": "add_modality", "program": world.program.public_id, "name": "Art therapy"},
    )
    assert "Art therapy" in client.get(reverse("plans:settings")).content.decode()
    assert login(world.supervisor).get(reverse("plans:settings")).status_code == 403


def test_the_participant_reads_and_acknowledges_their_plan_on_the_portal(world, login):
    plan = signed(world)
    client = login(world.participant_user)
    page = client.get(reverse("plans:mine"))
    assert page.status_code == 200 and "Feel like myself" in page.content.decode()
    client.post(reverse("plans:mine"), {"comment": "Sounds right"})
    plan = TreatmentPlan.objects.select_related("acknowledgement").get(pk=plan.pk)
    assert plan.acknowledgement.via == "portal"
    assert plan.acknowledgement.recorded_by == world.participant_user
    assert "You acknowledged this plan" in client.get(reverse("plans:mine")).content.decode()


def test_a_record_entered_in_error_shows_no_plan_to_acknowledge(world, login):
    """The plan page finds the participant's record as every portal page does: a record
    opened by mistake has left them all, so its plan is neither shown nor acknowledged."""
    plan = signed(world)
    mark_entered_in_error(world.participant, by=world.director, reason="Duplicate of T-000099")
    client = login(world.participant_user)

    page = client.get(reverse("plans:mine"))
    client.post(reverse("plans:mine"), {"comment": "Sounds right"})

    assert page.status_code == 404 and page.context["title"] == "No record yet"
    assert not TreatmentPlan.objects.filter(pk=plan.pk, acknowledgement__isnull=False).exists()


def test_staff_are_sent_home_from_the_portal_plan(world, login):
    client = login(world.therapist)
    assert client.get(reverse("plans:mine")).status_code == 302


def _overdue_caseload(world, n: int, start: int) -> None:
    """Participants on the therapist's caseload whose signed plan is past its review date."""
    from datetime import timedelta

    from django.utils import timezone

    from participants.models import CareTeamMember

    long_ago = timezone.now() - timedelta(days=world.program.plan_review_interval_days + 5)
    made = []
    for i in range(start, start + n):
        episode = Episode.objects.create(
            participant=make_participant(world.org, f"T-2{i:05d}", legal_last_name=f"Due{i}"),
            program=world.program,
            site=world.site,
            status=EpisodeStatus.ACTIVE,
            referred_on=date(2026, 9, 1),
            admitted_on=date(2026, 9, 8),
            primary_clinician=world.therapist,
        )
        CareTeamMember.objects.create(episode=episode, user=world.therapist, role="therapist")
        TreatmentPlan.objects.create(
            participant=episode.participant,
            episode=episode,
            number=1,
            recorded_by=world.therapist,
            signed_at=long_ago,
            signed_by=world.therapist,
        )
        made.append(episode.pk)
    services.keep_review_schedule(made)


def test_the_clinicians_home_lists_overdue_reviews_with_a_flat_query_count(world, login):
    client = login(world.therapist)
    _overdue_caseload(world, 2, 0)
    few = _count(client, reverse("home"))
    _overdue_caseload(world, 20, 10)
    many = _count(client, reverse("home"))
    assert many == few
    page = client.get(reverse("home")).content.decode()
    assert "Plan reviews due (22)" in page and "22 overdue" in page
    assert "12 more" in page
    panel = page[page.index('id="plan-reviews-heading"') :].split("</section>")[0]
    assert panel.count("Overdue") == 10  # the first ten, then a count


def test_the_home_panel_leaves_out_other_clinicians_participants(world, login):
    _overdue_caseload(world, 1, 0)
    assert "Plan reviews due" not in login(world.counsellor).get(reverse("home")).content.decode()


def test_a_draft_row_is_changed_in_place_and_a_stale_change_is_refused(world, login):
    plan = drafted(world)
    objective = plan.objectives.get()
    client = login(world.therapist)
    edit = reverse("plans:edit", args=[world.participant.public_id, plan.public_id])
    page = client.get(edit).content.decode()
    assert "Edit this objective" in page and "Edit this intervention" in page
    assert f'value="{objective.public_id}"' in page  # the row's own form
    stale = plan.version
    changed = {
        "kind": "objective",
        "version": stale,
        "row": objective.public_id,
        "goal": objective.goal.public_id,
        "text": "PHQ-9 below 5",
        "target_date": "2027-01-31",
        "measure_key": "phq-9",
        "comparator": "lt",
        "target_value": "5",
    }
    assert client.post(edit, changed).status_code == 302
    objective.refresh_from_db()
    assert (objective.text, str(objective.target_date)) == ("PHQ-9 below 5", "2027-01-31")
    assert Objective.objects.filter(plan=plan).count() == 1  # changed, not added
    response = client.post(edit, {**changed, "text": "Meanwhile, elsewhere"})
    assert response.status_code == 409
    objective.refresh_from_db()
    assert objective.text == "PHQ-9 below 5"


def test_a_version_is_marked_entered_in_error_with_a_reason(world, login):
    plan = signed(world)
    client = login(world.therapist)
    url = reverse("plans:entered_in_error", args=[world.participant.public_id, plan.public_id])
    assert "Mark plan version 1 entered in error" in client.get(url).content.decode()
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400
    plan.refresh_from_db()
    assert plan.entered_in_error_at is None
    assert client.post(url, {"reason": "Written on the wrong chart"}).status_code == 302
    plan.refresh_from_db()
    assert plan.entered_in_error_reason == "Written on the wrong chart"
    tab = client.get(reverse("plans:plan", args=[world.participant.public_id])).content.decode()
    assert "Entered in error" in tab


def test_the_board_lists_overdue_reviews_first_and_leaves_out_those_not_yet_due(world, login):
    signed(world)
    _overdue_caseload(world, 1, 0)
    _more_participants(world, 1, 0)
    page = login(world.director).get(reverse("plans:reviews_due")).content.decode()
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "Overdue" in rows and rows.index("Due0") < rows.index("No signed plan yet")
    assert str(world.participant.public_id) not in rows


def test_an_overdue_review_is_marked_in_the_alert_colour_not_the_neutral_one(world, login):
    """The word beside a late review's date wore the grey of a discharged status; it now
    reads as late, like an overdue task."""
    signed(world)
    _overdue_caseload(world, 1, 0)
    page = login(world.director).get(reverse("plans:reviews_due")).content.decode()
    assert '<span class="status status-overdue">Overdue</span>' in page


def test_the_plan_tab_shows_the_stored_review_when_it_falls_due(world, login):
    from datetime import timedelta

    import time_machine

    plan = signed(world)
    assert plan.signed_at is not None
    client = login(world.therapist)
    tab = reverse("plans:plan", args=[world.participant.public_id])
    interval = timedelta(days=world.program.plan_review_interval_days)
    page = client.get(tab).content.decode()
    assert "Treatment plan in force — version 1" in page and "Plan review" not in page
    due = plan.signed_at.astimezone(world.program.tz).date() + interval
    with time_machine.travel(plan.signed_at + interval - timedelta(days=3), tick=False):
        page = login(world.therapist).get(tab).content.decode()
        assert f"Plan review due</strong> on {day(due)} — " in page
    objectives = list(plan.objectives.all())
    assert objectives
    for objective in objectives:
        assert f"</a> — by {day(objective.target_date)}\n" in page
    with time_machine.travel(plan.signed_at + interval + timedelta(days=2), tick=False):
        page = login(world.therapist).get(tab).content.decode()
        assert "Plan review overdue</strong>" in page
        services.record_review(
            plan,
            by=world.therapist,
            reason="scheduled",
            note="Still fits.",
            reviewed_on=world.program.today(),
        )
        assert "Plan review" not in login(world.therapist).get(tab).content.decode()


def test_an_objective_names_its_measure_as_the_plan_offers_it(world, login):
    """The target reads "Craving (daily check-in, 0-10) < 10" on the tab and the printed
    record, not the measure's key "CHECKIN-CRAVING" or "checkin-craving"."""
    signed(world, measure="checkin-craving")
    client = login(world.therapist)

    tab = client.get(reverse("plans:plan", args=[world.participant.public_id])).content.decode()
    printed = client.post(
        reverse("consent:disclose", args=[world.participant.public_id]),
        {"to": "participant", "what": "print"},
    ).content.decode()

    assert "· target Craving (daily check-in, 0-10) &lt; 10</span>" in tab
    assert "<td>Craving (daily check-in, 0-10) &lt; 10</td>" in printed
    for page in (tab, printed):
        assert "checkin-craving" not in page.lower()


def test_the_plan_tab_keeps_every_review_and_what_it_found(world, login):
    """A review that changed nothing is still a clinical record the team reads back: when,
    why, who, and what it found, newest first, with the last one on the plan in force."""
    import time_machine

    plan = signed(world)
    assert plan.signed_at is not None
    first_day = plan.signed_at.astimezone(world.program.tz).date()
    tab = reverse("plans:plan", args=[world.participant.public_id])
    assert "Reviews without changes" not in login(world.therapist).get(tab).content.decode()
    with time_machine.travel(plan.signed_at + timedelta(days=40), tick=False):
        for offset, note in ((10, "Goals still fit."), (30, "Fewer cravings; keep going.")):
            services.record_review(
                plan,
                by=world.therapist,
                reason="scheduled",
                note=note,
                reviewed_on=first_day + timedelta(days=offset),
            )
        page = login(world.therapist).get(tab).content.decode()
    later, earlier = day(first_day + timedelta(days=30)), day(first_day + timedelta(days=10))
    assert f"Last reviewed on {later} by {world.therapist}." in page
    section = page.split("Reviews without changes", 1)[1]
    assert section.index(later) < section.index("Fewer cravings; keep going.")
    assert section.index("Fewer cravings; keep going.") < section.index(earlier)
    assert section.index(earlier) < section.index("Goals still fit.")
    assert "Review interval reached" in section


def test_the_exported_and_printed_record_carry_the_plan_reviews(world, login):
    import json

    plan = signed(world)
    assert plan.signed_at is not None
    reviewed_on = plan.signed_at.astimezone(world.program.tz).date()
    services.record_review(
        plan,
        by=world.therapist,
        reason="scheduled",
        note="Goals still fit.",
        reviewed_on=reviewed_on,
    )
    client = login(world.director)
    args = [world.participant.public_id]
    copy = reverse("consent:disclose", args=args)
    exported = json.loads(client.post(copy, {"to": "participant", "what": "export"}).content)
    assert exported["treatment_plan_reviews"] == [
        {
            "version": 1,
            "reviewed_on": reviewed_on.isoformat(),
            "reason": "Review interval reached",
            "reviewed_by": world.therapist.get_full_name(),
            "found": "Goals still fit.",
            "entered_in_error": False,
            "entered_in_error_at": "",
            "entered_in_error_by": "",
            "entered_in_error_reason": "",
        }
    ]
    printed = client.post(copy, {"to": "participant", "what": "print"}).content.decode()
    assert "<h2>Treatment plan reviews without changes</h2>" in printed
    assert day(reviewed_on) in printed and "Goals still fit." in printed


def test_the_exported_versions_say_who_started_each_when_why_and_who_withdrew_it(world, login):
    """A version's row carries who started it and when, the version it revises and what it
    changes; one entered in error stays, with who withdrew it, when and why."""
    import json

    first = signed(world)
    revision = services.start_revision(
        first, by=world.users["supervisor"], change_summary="Adds a housing goal."
    )
    services.mark_plan_in_error(revision, by=world.therapist, reason="Started on the wrong plan.")
    revision.refresh_from_db()
    assert revision.entered_in_error_at is not None
    client = login(world.director)
    copy = reverse("consent:disclose", args=[world.participant.public_id])
    exported = json.loads(client.post(copy, {"to": "participant", "what": "export"}).content)

    one, two = exported["treatment_plan_versions"]
    assert (one["version"], one["started_by"], one["started_at"], one["revises"]) == (
        1,
        world.therapist.get_full_name(),
        first.recorded_at.isoformat(),
        "",
    )
    assert (one["signed_by"], one["entered_in_error"], one["entered_in_error_by"]) == (
        world.therapist.get_full_name(),
        False,
        "",
    )
    assert (two["version"], two["status"], two["revises"], two["change_summary"]) == (
        2,
        "draft",
        1,
        "Adds a housing goal.",
    )
    assert (two["started_by"], two["started_at"]) == (
        world.users["supervisor"].get_full_name(),
        revision.recorded_at.isoformat(),
    )
    assert (
        two["entered_in_error"],
        two["entered_in_error_at"],
        two["entered_in_error_by"],
        two["entered_in_error_reason"],
    ) == (
        True,
        revision.entered_in_error_at.isoformat(),
        world.therapist.get_full_name(),
        "Started on the wrong plan.",
    )
    printed = client.post(copy, {"to": "participant", "what": "print"}).content.decode()
    section = printed.split("<h2>Treatment plan versions</h2>", 1)[1]
    assert "Started by" in section and "Entered in error reason" in section
    assert "Started on the wrong plan." in section


def test_the_participant_s_plan_leads_with_their_goal_and_keeps_clinical_codes_out(world, login):
    """The clinician's problem statement carries codes and ratings ("F13.20", "Dimension 3
    ... rated 2"); the participant reads the problem area in plain words, then their goal."""
    statement = (
        "Dimension 3 (Emotional, Behavioral, or Cognitive Conditions and Complications) "
        "rated 2; sedative use disorder, moderate (F13.20)"
    )
    signed(world, statement=statement)
    client = login(world.participant_user)

    page = client.get(reverse("plans:mine")).content.decode()

    assert "F13.20" not in page and "Dimension 3" not in page and "rated 2" not in page
    assert page.index("<h2>Mental health</h2>") < page.index("Feel like myself")
    staff = login(world.therapist).get(reverse("plans:plan", args=[world.participant.public_id]))
    assert "F13.20" in staff.content.decode()  # the care team still reads it as written
