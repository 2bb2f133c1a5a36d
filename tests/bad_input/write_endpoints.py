"""Every address that accepts a write, with who submits it and where its form is shown.

The fuzz in `test_every_write_refuses_bad_input.py` opens each form's page as the persona,
reads the form's fields from the HTML (so new fields are fuzzed without touching this file,
and a one-time form token on the page is fresh for each submission) and submits random values.

Every URL name of the project is either here (`WEB_WRITES`), in `READ_ONLY`, or in
`NOT_FUZZED` with the reason; every API operation other than GET is in `API_WRITES`. The
completeness test fails when a new address is added without being listed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.urls import reverse

from tests.bad_input import states
from tests.bad_input.conftest import Bench

Page = Callable[[Bench], str]


@dataclass(frozen=True)
class WebWrite:
    name: str  # the URL name the form posts to
    persona: str | None  # None: submitted without signing in
    page: Page  # where the form is shown
    # Where to post, and which fields, when no state of the bench brings the form up on a
    # page (a closure "ahead" and this week's make-up options depend on the real date).
    action: Page | None = None
    fields: tuple[str, ...] = ()
    # How the page is brought up when a GET does not show the form (a search's results).
    show: Callable[[Bench, object], object] | None = None


def _chart(name: str, *extra: Callable[[Bench], object]) -> Page:
    return lambda b: reverse(name, args=[b.participant.public_id, *(f(b) for f in extra)])


def _program(name: str, *extra: Callable[[Bench], object]) -> Page:
    return lambda b: reverse(name, args=[b.program.public_id, *(f(b) for f in extra)])


def _url(name: str, *args: Callable[[Bench], object]) -> Page:
    return lambda b: reverse(name, args=[f(b) for f in args])


def _session(name: str) -> Page:
    return lambda b: reverse(name, args=[b.session.public_id])


def _phq9(b) -> str:
    return "phq-9"


def _group(b) -> object:
    return b.group.public_id


def _track(b) -> object:
    return b.track.public_id


def _room(b) -> object:
    return b.room.public_id


def _intake(b) -> object:
    return b.intake_record.public_id


def _link(b) -> str:
    """A fresh single-use link to the PHQ-9 for each submission (a used link answers 410)."""
    from links.services import issue_link

    return issue_link(b.participant, "questionnaire", ref="phq-9").path


def _invitation(b) -> str:
    """A fresh sign-in link for an account of the bench's own, for each submission (choosing
    a password uses it up; the personas' own passwords stay as they are)."""
    from accounts.models import Membership, User
    from signin import staff

    invitee = User.objects.filter(username="fuzz-invitee").first()
    if invitee is None:
        invitee = User.objects.create(username="fuzz-invitee", first_name="Fuzz")
        Membership.objects.create(user=invitee, organization=b.world.org, role="peer")
    return staff.send_new_link(invitee, b.world.org, by=b.director).path


def _front_door(lang: str) -> Page:
    """The program's public page, published for the bench's program."""

    def page(b) -> str:
        from outcomes.models import ProgramProfile

        profile, _ = ProgramProfile.objects.get_or_create(
            program=b.world.program,
            defaults={
                "slug": "bench-program",
                "summary": "A synthetic program.",
                "treats": "Alcohol use",
                "hours": "Mornings",
                "languages": "English",
                "insurance": "Medicaid",
                "staff_qualifications": "LCSW",
                "self_referral_recipient": b.world.intake,
            },
        )
        return reverse("front_door_es" if lang == "es" else "front_door", args=[profile.slug])

    return page


def _administration(b) -> object:
    return b.administration.public_id


def _cm(kind: str):
    """A barrier, referral or change request of the bench's participant, made once."""

    def make(b) -> object:
        from casemanagement import services
        from casemanagement.models import Barrier
        from casemanagement.national import national_resource

        barrier = Barrier.objects.filter(participant=b.participant).first()
        if barrier is None:
            barrier = services.add_barrier(
                b.participant, by=b.casemanager, kind="transport", owner=b.casemanager
            )
        if kind == "barrier":
            return barrier.public_id
        if kind == "request":
            request = barrier.change_requests.first() or services.request_schedule_change(
                barrier, by=b.casemanager, change="virtual"
            )
            return request.public_id
        referral = b.participant.resource_referrals.first() or services.refer(
            b.participant,
            by=b.casemanager,
            resource=national_resource("SMART Recovery"),
            made_on=b.participant.created_at.date(),
        )
        if kind == "booked" and referral.status == "made":
            referral = services.set_appointment(
                referral, by=b.casemanager, appointment_on=referral.made_on
            )
        return referral.public_id

    return make


def _med(b) -> object:
    from medications.services import add_medication

    return add_medication(
        b.participant, by=b.world.therapist, code="methadone", started_on=date(2026, 9, 8)
    ).public_id


def _consent(b) -> object:
    from consent.services import record_consent

    return record_consent(
        b.participant, by=b.world.therapist, kind="treatment", signed_on=date(2026, 9, 8)
    ).public_id


def _on_medicare(b) -> None:
    """The bench's participant covered by a Medicare payer, so the Level of care tab shows
    the IOP certification card; made once."""
    from billing import services
    from billing.models import Coverage

    if Coverage.objects.filter(participant=b.participant, payer__medicare=True).exists():
        return
    medicare = services.add_payer(
        b.world.org, by=b.billing, name="Medicare (synthetic)", medicare=True
    )
    services.add_coverage(
        b.participant,
        by=b.billing,
        payer=medicare,
        member_id="MC-1",
        starts_on=date(2026, 9, 8),
    )


def _billing(kind: str):
    """The bench's payer, a coverage of the bench's participant by it, or an IOP
    certification of the bench's participant, made once."""

    def make(b) -> object:
        from billing import services
        from billing.models import Coverage, IopCertification, Payer

        payer = Payer.objects.filter(organization=b.world.org).first() or services.add_payer(
            b.world.org, by=b.billing, name="Prairie Health Plan", per_diem_code="H0015"
        )
        if kind == "payer":
            return payer.public_id
        if kind == "certification":
            certification = IopCertification.objects.filter(participant=b.participant).first()
            if certification is None:
                certification = services.add_certification(
                    b.participant,
                    by=b.director,
                    episode=b.episode,
                    physician=b.therapist,
                    certified_on=date(2026, 10, 1),
                    needs_nine_hours=True,
                )
            return certification.public_id
        coverage = Coverage.objects.filter(participant=b.participant).first()
        if coverage is None:
            coverage = services.add_coverage(
                b.participant,
                by=b.billing,
                payer=payer,
                member_id="M-1",
                starts_on=date(2026, 9, 8),
            )
        return coverage.public_id

    return make


def _event_consent(b) -> object:
    from consent.services import record_consent

    return record_consent(
        b.participant,
        by=b.world.therapist,
        kind="treatment",
        signed_on=date(2026, 9, 8),
        expiry="event",
        expiry_event="when my probation ends",
    ).public_id


PARTS_WORDS = "Attendance and diagnoses"


def _part2_consent(b) -> object:
    """A Part 2 consent in force listing the parts of the record it covers, which the copy
    page is opened from; made on first use."""
    from consent.models import Consent
    from consent.services import record_consent

    found = Consent.objects.filter(participant=b.participant, information=PARTS_WORDS).first()
    return (
        found
        or record_consent(
            b.participant,
            by=b.world.therapist,
            kind="part2",
            discloser="Adult IOP",
            information=PARTS_WORDS,
            parts=["diagnoses", "attendance"],
            recipients="Northside Clinic",
            purpose="At my request",
            expiry="end_of_treatment",
            signed_on=date(2026, 9, 8),
        )
    ).public_id


def _support_person(b) -> object:
    from family.services import add_support_person

    return add_support_person(
        b.participant, by=b.world.therapist, name="Dana Example", relationship="sister"
    ).public_id


def _support_and_consent(b) -> object:
    from consent.services import record_consent

    record_consent(
        b.participant,
        by=b.world.therapist,
        kind="part2",
        discloser="Adult IOP",
        information="Session times",
        parts=["attendance"],
        recipients="Dana Example, my sister",
        purpose="At my request",
        expiry="end_of_treatment",
        signed_on=date(2026, 9, 8),
    )
    return _support_person(b)


def _cup(b) -> object:
    from screens import panels
    from screens.models import Panel

    panels.seed()
    return Panel.objects.get(code="urine-cup-hhs").public_id


def _own_panel(b) -> None:
    """Panels of the organization's own, one in use and one retired, so the panels page
    offers retiring one and bringing the other back too."""
    from screens.models import Panel
    from screens.services import NewAnalyte, add_panel, retire_panel

    def add(name: str) -> Panel:
        return add_panel(
            b.world.org,
            by=b.world.director,
            name=name,
            specimen="oral-fluid",
            method="point-of-care",
            source="The swab's package insert",
            analytes=[NewAnalyte("FYL", "Fentanyl")],
        )

    if not Panel.objects.filter(organization=b.world.org, is_active=False).exists():
        retire_panel(add("Oral fluid swab, earlier model"), by=b.world.director)
    if not Panel.objects.filter(organization=b.world.org, is_active=True).exists():
        add("Oral fluid swab")


def _flagged_screen(b):
    """A screen whose every analyte is an unexpected positive: its results await
    confirmation and the screen a review."""
    from screens import panels
    from screens.models import Panel
    from screens.services import record_screen

    panels.seed()
    panel = Panel.objects.get(code="urine-cup-hhs")
    return record_screen(
        b.participant,
        by=b.world.therapist,
        panel=panel,
        results={a.code: "positive" for a in panel.analytes.all()},
        collected_at=datetime(2026, 11, 16, 15, 30, tzinfo=UTC),
        observed=False,
        now=datetime(2026, 11, 16, 16, 0, tzinfo=UTC),
    )


def _screen_result(b) -> object:
    result = _flagged_screen(b).results.first()
    assert result is not None
    return result.public_id


def _safety_draft(b) -> str:
    from safety.services import save_draft

    save_draft(
        b.participant, by=b.world.therapist, steps={"warning_signs": "x"}, expected_version=None
    )
    return reverse("safety:confirm", args=[b.participant.public_id])


def _plan_draft(b) -> object:
    """The bench participant's draft plan, made complete on first use."""
    from plans.models import TreatmentPlan
    from plans.tests.builders import drafted

    found = TreatmentPlan.objects.filter(participant=b.participant).first()
    return (found or drafted(b.world)).public_id


def _plan_signed(b) -> object:
    """The bench participant's signed plan, signed by the therapist on first use."""
    from plans.models import TreatmentPlan
    from plans.tests.builders import signed

    found = TreatmentPlan.objects.filter(participant=b.participant, signed_at__isnull=False)
    return (found.first() or signed(b.world)).public_id


def _plan_review(b):
    """A review of the bench participant's signed plan, recorded on first use (the draft
    another address made is signed for it)."""
    from plans import services
    from plans.models import PlanReview, TreatmentPlan

    found = PlanReview.objects.filter(plan__participant=b.participant).first()
    if found is not None:
        return found
    draft = TreatmentPlan.objects.filter(participant=b.participant, signed_at__isnull=True).first()
    if draft is not None:
        services.sign_plan(draft, by=b.world.therapist, expected_version=draft.version)
    plan = TreatmentPlan.objects.get(public_id=str(_plan_signed(b)))
    return services.record_review(
        plan,
        by=b.world.therapist,
        reason="scheduled",
        note="Still the right plan.",
        reviewed_on=plan.episode.program.today(),
    )


def _referral_review(b):
    """A review of a signed plan of the bench's referral, recorded on first use: a real
    review id for the addresses asked with every parameter, which leaves the bench
    participant's draft a draft for the addresses that name it."""
    from plans import services
    from plans.models import PlanReview, TreatmentPlan
    from plans.tests.builders import signed

    referral = b.world.referral
    found = PlanReview.objects.filter(plan__participant=referral).first()
    if found is not None:
        return found
    plan = TreatmentPlan.objects.filter(participant=referral, signed_at__isnull=False).first()
    plan = plan or signed(b.world, by=b.director, episode=b.world.referral_episode)
    return services.record_review(
        plan,
        by=b.director,
        reason="scheduled",
        note="Still the right plan.",
        reviewed_on=plan.episode.program.today(),
    )


def _plan_tab_signed(b) -> str:
    _plan_signed(b)
    return reverse("plans:plan", args=[b.participant.public_id])


def _note(kind: str) -> Callable[[Bench], object]:
    """A note of the bench's participant, made the first time a row asks for it: a draft by
    the therapist, the same signed, or a peer's signed note waiting for a co-signature."""

    def make(b) -> object:
        from notes import services
        from notes.models import NoteSettings
        from notes.tests.conftest import dap

        made = b.__dict__.setdefault("notes", {})
        if kind not in made:
            author = b.peer if kind == "cosign" else b.therapist
            if kind == "cosign":
                NoteSettings.objects.get_or_create(
                    program=b.program, defaults={"cosign_roles": ["peer"]}
                )
            note = services.draft_note(b.participant, dap(f"Bench {kind}"), by=author)
            if kind != "draft":
                note = services.sign_note(note, by=author, expected_version=1)
            made[kind] = note
        return made[kind].public_id

    return make


def _task(b) -> object:
    """An open worklist task about the bench's participant, owned by its therapist."""
    from worklist.models import Task, TaskStatus
    from worklist.services import create_task

    task = Task.objects.filter(
        participant=b.participant, kind="fuzz", status=TaskStatus.OPEN
    ).first()
    if task is None:
        task = create_task(
            title="Call back",
            due_on=b.participant.created_at.date(),
            participant=b.participant,
            owner=b.therapist,
            source=b.participant,
            kind="fuzz",
            by=b.therapist,
        )
    return task.public_id


WEB_WRITES = [
    WebWrite("accounts:staff_action", "director", states.locked_staff_page),
    WebWrite("accounts:staff_add", "director", _url("accounts:staff")),
    WebWrite("accounts:staff_rejoin", "director", _url("accounts:staff")),
    WebWrite(
        "accounts:staff_roles", "director", _url("accounts:staff_roles", lambda b: b.peer.public_id)
    ),
    WebWrite("accounts:staff_invite", "director", _url("accounts:staff")),
    WebWrite("accounts:staff_end", "director", _url("accounts:staff")),
    WebWrite("accounts:invitation", None, _invitation),
    WebWrite("portal:invite", "therapist", _chart("portal:access")),
    WebWrite(
        "family:invite", "therapist", states.with_state(states.support_shared, _chart("family:tab"))
    ),
    WebWrite("portal:turn_off", "therapist", _chart("portal:access")),
    WebWrite("participants:search", "therapist", _url("participants:search")),
    WebWrite("participants:new", "intake", _url("participants:new")),
    WebWrite("participants:edit", "therapist", _chart("participants:edit")),
    WebWrite("participants:break_glass", "outsider", _chart("participants:break_glass")),
    WebWrite("participants:care_team_add", "therapist", _chart("participants:care_team_add")),
    WebWrite("participants:care_team_end", "therapist", _chart("participants:care_team_add")),
    WebWrite("participants:transition", "therapist", _chart("participants:chart")),
    WebWrite("audit:trail", "auditor", _url("audit:trail")),
    WebWrite("audit:review", "auditor", _url("audit:trail")),
    WebWrite("audit:trail_csv", "auditor", _url("audit:trail")),
    WebWrite("assessments:administer", "therapist", _chart("assessments:administer", _phq9)),
    WebWrite("assessments:self_report", "therapist", _chart("assessments:self_report", _phq9)),
    WebWrite("assessments:mine", "participant_user", _url("assessments:mine", _phq9)),
    WebWrite("assessments:correct", "therapist", _chart("assessments:correct", _administration)),
    WebWrite(
        "assessments:entered_in_error", "therapist", _chart("assessments:result", _administration)
    ),
    WebWrite("intake:start", "intake", states.no_intake_page),
    WebWrite("intake:save_section", "therapist", _chart("intake:intake")),
    WebWrite("intake:sign", "therapist", _chart("intake:intake")),
    WebWrite("intake:code_search", "therapist", _chart("intake:diagnoses")),
    WebWrite("intake:diagnosis_add", "therapist", _chart("intake:diagnoses")),
    WebWrite("intake:diagnosis_status", "therapist", _chart("intake:diagnoses")),
    WebWrite("placement:decide", "therapist", _chart("placement:level_of_care")),
    WebWrite("plans:start", "therapist", _chart("plans:plan")),
    WebWrite("plans:edit", "therapist", _chart("plans:edit", _plan_draft)),
    WebWrite("plans:sign", "therapist", _chart("plans:edit", _plan_draft)),
    WebWrite("plans:revise", "therapist", _plan_tab_signed),
    WebWrite("plans:acknowledge", "therapist", _plan_tab_signed),
    WebWrite("plans:review", "therapist", _plan_tab_signed),
    WebWrite("plans:cosign", "supervisor", _plan_tab_signed),
    WebWrite("plans:settings", "director", _url("plans:settings")),
    WebWrite("plans:mine", "participant_user", states.with_state(_plan_signed, _url("plans:mine"))),
    WebWrite("placement:admit", "director", states.decided_referral_page),
    WebWrite("placement:close_episode", "director", states.referred_out_page),
    WebWrite("self_check", None, _url("self_check")),
    WebWrite("scheduling:session_cancel", "director", _session("scheduling:session")),
    WebWrite("scheduling:group_new", "director", _program("scheduling:group_new")),
    WebWrite("scheduling:group_edit", "director", _url("scheduling:group_edit", _group)),
    WebWrite("scheduling:track_new", "director", _program("scheduling:track_new")),
    WebWrite("scheduling:track_edit", "director", _url("scheduling:track_edit", _track)),
    WebWrite("scheduling:room_new", "director", _program("scheduling:room_new")),
    WebWrite("scheduling:room_edit", "director", _url("scheduling:room_edit", _room)),
    WebWrite("scheduling:closure_add", "director", _program("scheduling:calendar")),
    WebWrite(
        "scheduling:closure_remove",
        "director",
        _program("scheduling:calendar"),
        action=_url("scheduling:closure_remove", lambda b: b.closure.public_id),
    ),
    WebWrite(
        "scheduling:staff_hours",
        "director",
        _program("scheduling:staff_hours", lambda b: b.therapist.public_id),
    ),
    WebWrite("scheduling:build", "director", _program("scheduling:week")),
    WebWrite("scheduling:run_edit", "director", states.finished_run_page),
    WebWrite("scheduling:run_resolve", "director", states.finished_run_page),
    WebWrite("scheduling:run_publish", "director", states.finished_run_page),
    WebWrite("scheduling:participant_profile", "director", _chart("scheduling:participant")),
    WebWrite("scheduling:participant_availability", "director", _chart("scheduling:participant")),
    WebWrite("scheduling:participant_groups", "director", _chart("scheduling:participant")),
    WebWrite("scheduling:participant_place", "director", _chart("scheduling:participant")),
    WebWrite("attendance:record", "therapist", _session("attendance:roll_call")),
    WebWrite("attendance:mark_all_present", "therapist", _session("attendance:roll_call")),
    WebWrite("attendance:drop_in_search", "therapist", _session("attendance:roll_call")),
    WebWrite(
        "attendance:drop_in",
        "therapist",
        _session("attendance:roll_call"),
        show=states.drop_in_results,
    ),
    WebWrite(
        "attendance:make_up_enrol",
        "therapist",
        _chart("attendance:make_up"),
        action=_chart("attendance:make_up_enrol"),
        fields=("session", "next"),
    ),
    WebWrite("monitoring:acknowledge", "therapist", _chart("monitoring:participant_alerts")),
    WebWrite("casemanagement:barrier_add", "casemanager", _chart("casemanagement:tab")),
    WebWrite(
        "casemanagement:barrier_status",
        "casemanager",
        states.with_state(_cm("barrier"), _chart("casemanagement:tab")),
    ),
    WebWrite(
        "casemanagement:change_request",
        "casemanager",
        states.with_state(_cm("barrier"), _chart("casemanagement:tab")),
    ),
    WebWrite(
        "casemanagement:change_answer",
        "director",
        states.with_state(_cm("request"), _chart("scheduling:participant")),
    ),
    WebWrite("casemanagement:referral_add", "casemanager", _chart("casemanagement:tab")),
    WebWrite(
        "casemanagement:referral_appointment",
        "casemanager",
        states.with_state(_cm("referral"), _chart("casemanagement:tab")),
    ),
    WebWrite(
        "casemanagement:referral_outcome",
        "casemanager",
        states.with_state(_cm("booked"), _chart("casemanagement:tab")),
    ),
    WebWrite("casemanagement:directory", "casemanager", _url("casemanagement:directory")),
    WebWrite("medications:tab", "therapist", _chart("medications:tab")),
    WebWrite("medications:stop", "therapist", states.with_state(_med, _chart("medications:tab"))),
    WebWrite("billing:payers", "billing", _url("billing:payers")),
    WebWrite(
        "billing:coverage_add",
        "billing",
        states.with_state(_billing("payer"), _chart("billing:tab")),
    ),
    WebWrite(
        "billing:coverage_error",
        "billing",
        states.with_state(_billing("coverage"), _chart("billing:tab")),
    ),
    WebWrite("billing:certification_add", "director", _chart("billing:tab")),
    WebWrite(
        "billing:certification_error",
        "director",
        states.with_state(_billing("certification"), _chart("billing:tab")),
    ),
    WebWrite(
        "billing:certify",
        "therapist",
        states.with_state(_on_medicare, _chart("placement:level_of_care")),
    ),
    WebWrite("billing:service_days", "billing", _url("billing:service_days")),
    # The download's form shows only beside a week's lines; it takes no field but the week
    # in its address.
    WebWrite(
        "billing:export",
        "billing",
        _url("billing:service_days"),
        action=lambda b: reverse("billing:export", args=["2026-11-23"]),
    ),
    WebWrite("consent:tab", "therapist", _chart("consent:tab")),
    WebWrite("consent:disclose", "therapist", _chart("consent:disclose")),
    # The same form opened from a consent that lists its parts: only those are offered.
    WebWrite("consent:disclose", "therapist", _chart("consent:disclose_under", _part2_consent)),
    WebWrite("consent:revoke", "therapist", states.with_state(_consent, _chart("consent:tab"))),
    WebWrite(
        "consent:expiry_event",
        "therapist",
        states.with_state(_event_consent, _chart("consent:tab")),
    ),
    WebWrite(
        "consent:entered_in_error",
        "therapist",
        states.with_state(_consent, _chart("consent:tab")),
    ),
    WebWrite("family:tab", "therapist", _chart("family:tab")),
    WebWrite(
        "family:entered_in_error",
        "therapist",
        states.with_state(_support_person, _chart("family:tab")),
    ),
    WebWrite(
        "family:share",
        "therapist",
        states.with_state(_support_and_consent, _chart("family:tab")),
    ),
    WebWrite("screens:tab", "therapist", _chart("screens:tab")),
    WebWrite("screens:panels", "director", states.with_state(_own_panel, _url("screens:panels"))),
    WebWrite("screens:record", "therapist", _chart("screens:record", _cup)),
    WebWrite(
        "screens:confirmation",
        "therapist",
        states.with_state(_screen_result, _chart("screens:tab")),
    ),
    WebWrite(
        "screens:review",
        "therapist",
        states.with_state(_flagged_screen, _chart("screens:tab")),
    ),
    WebWrite("safety:tab", "therapist", _chart("safety:tab")),
    WebWrite("safety:confirm", "therapist", states.with_state(_safety_draft, _chart("safety:tab"))),
    WebWrite("discharge:discharge", "therapist", _chart("discharge:discharge")),
    WebWrite("discharge:summary_save", "therapist", states.discharged_tab),
    WebWrite("discharge:opt_out", "therapist", states.discharged_tab),
    WebWrite("discharge:call", "casemanager", states.call_list),
    WebWrite("discharge:aftercare", "therapist", states.discharged_page("discharge:aftercare")),
    WebWrite("discharge:call_answers", "casemanager", states.call_answers_page),
    WebWrite("outcomes:race_ethnicity", "therapist", _chart("outcomes:race_ethnicity")),
    WebWrite("plans:entered_in_error", "therapist", _chart("plans:entered_in_error", _plan_signed)),
    WebWrite(
        "plans:review_entered_in_error",
        "therapist",
        _chart(
            "plans:review_entered_in_error",
            lambda b: _plan_review(b).plan.public_id,
            lambda b: _plan_review(b).public_id,
        ),
    ),
    WebWrite("measurement:schedule", "director", _program("measurement:schedule")),
    WebWrite("notes:settings", "director", _url("notes:settings")),
    WebWrite("notes:new", "therapist", _chart("notes:new")),
    WebWrite("notes:edit", "therapist", _chart("notes:edit", _note("draft"))),
    WebWrite("notes:sign", "therapist", _chart("notes:note", _note("draft"))),
    WebWrite("notes:late_entry", "therapist", _chart("notes:note", _note("signed"))),
    WebWrite("notes:cosign", "supervisor", _chart("notes:note", _note("cosign"))),
    WebWrite("notes:entered_in_error", "therapist", _chart("notes:note", _note("draft"))),
    WebWrite("notes:group", "therapist", _session("notes:group")),
    WebWrite("outcomes:board", "director", _url("outcomes:board")),
    WebWrite("outcomes:board_csv", "director", _url("outcomes:board")),
    WebWrite("worklist:complete", "therapist", _url("worklist:task", _task)),
    WebWrite("worklist:cancel", "therapist", _url("worklist:task", _task)),
    WebWrite("worklist:hand_over", "therapist", _url("worklist:task", _task)),
    WebWrite("links:open", None, _link),
    WebWrite("checkins:mine", "participant_user", _url("checkins:mine")),
    WebWrite("measurement:reminders", "therapist", _chart("measurement:tab")),
    WebWrite("accounts:language", None, _url("accounts:login")),
    WebWrite("front_door", None, _front_door("en")),
    WebWrite("front_door_es", None, _front_door("es")),
]

READ_ONLY = {
    "home",
    "family:home",
    "front_door_list",
    "front_door_list_es",
    "front_door_thanks",
    "front_door_thanks_es",
    "monitoring:critical_board",
    "favicon",
    "accounts:staff",
    "participants:chart",
    "participants:summary",
    "participants:history",
    "participants:print",
    "billing:tab",
    "billing:week",
    "consent:on_file",
    "consent:accounting",
    "consent:form",
    "consent:disclose_under",
    "consent:mine",
    "assessments:mine_done",
    "assessments:mine_crisis",
    "assessments:tab",
    "assessments:start",
    "assessments:result",
    "assessments:self_report_done",
    "intake:intake",
    "intake:version",
    "intake:diagnoses",
    "placement:level_of_care",
    "scheduling:home",
    "scheduling:week",
    "scheduling:day",
    "scheduling:room_week",
    "scheduling:staff_week",
    "scheduling:session",
    "scheduling:calendar",
    "scheduling:run",
    "scheduling:run_progress",
    "scheduling:participant",
    "scheduling:participant_admission_run",
    "attendance:today",
    "attendance:dose_this_week",
    "attendance:roll_call",
    "attendance:cancellation",
    "attendance:participant_attendance",
    "attendance:make_up",
    "monitoring:participant_alerts",
    "portal:home",
    "portal:access",
    "casemanagement:tab",
    "safety:mine",
    "plans:plan",
    "plans:version",
    "plans:objective",
    "plans:reviews_due",
    "checkins:done",
    "checkins:crisis",
    "discharge:tab",
    "discharge:call_list",
    "discharge:mine",
    "notes:tab",
    "notes:note",
    "notes:due",
    "notes:board",
    "worklist:mine",
    "worklist:overdue",
    "worklist:task",
    "measurement:tab",
    "measurement:kiosk",
    "measurement:lists",
    "fhir:metadata",
    "fhir:patient",
    "fhir:episodes",
    "fhir:conditions",
    "fhir:observations",
    "fhir:diagnostic_reports",
    "fhir:care_plans",
    "fhir:goals",
    "fhir:care_teams",
    "fhir:encounters",
    "fhir:medication_statements",
    "fhir:consents",
    "fhir:episode",
    "fhir:condition",
    "fhir:observation",
    "fhir:diagnostic_report",
    "fhir:care_plan",
    "fhir:goal",
    "fhir:care_team",
    "fhir:encounter",
    "fhir:practitioners",
    "fhir:practitioner",
    "fhir:medication_statement",
    "fhir:consent",
    "fhir:coverages",
    "fhir:coverage",
    "fhir:group",
    "fhir:bulk_file",
}

# Sign-in writes on a refusal by design (failed-attempt counters, lockout); its input is
# tested in accounts/tests.
NOT_FUZZED = {
    "accounts:login": "sign-in counts failed attempts",
    "accounts:two_factor": "sign-in counts failed attempts",
    "accounts:enrol": "sign-in flow, tested in accounts/tests",
    "accounts:logout": "ends the session the fuzz signs in with",
    "measurement:kiosk_start": "takes the device into kiosk mode (no input; measurement/tests)",
    "measurement:kiosk_end": "a password check like sign-in; tested in measurement/tests",
    "fhir:group_export": "a GET that starts an export (FHIR Bulk Data); its bad parameters "
    "are refused writing nothing in fhirapi/tests/test_bulk_export.py",
    "fhir:bulk_status": "DELETE cancels the caller's own export, no input besides its id; "
    "tested in fhirapi/tests/test_bulk_export.py",
}


@dataclass(frozen=True)
class ApiWrite:
    method: str
    path: str  # as in the OpenAPI document
    persona: str | None
    params: Callable[[Bench], dict[str, object]]  # path parameters


def _participant(b) -> dict[str, object]:
    return {"participant_id": b.participant.public_id}


def _peer_place(b) -> object:
    """The peer specialist's place on the bench's participant's care team."""
    from participants.models import CareTeamMember

    return CareTeamMember.objects.get(episode=b.episode, user=b.world.users["peer"]).public_id


API_WRITES = [
    ApiWrite(
        "post", "/api/v1/participants/{participant_id}/treatment-plans", "therapist", _participant
    ),
    ApiWrite(
        "post",
        "/api/v1/treatment-plans/{plan_id}/sign",
        "therapist",
        lambda b: {"plan_id": _plan_draft(b)},
    ),
    ApiWrite(
        "post",
        "/api/v1/treatment-plans/{plan_id}/reviews",
        "therapist",
        lambda b: {"plan_id": _plan_signed(b)},
    ),
    ApiWrite(
        "post",
        "/api/v1/treatment-plans/{plan_id}/reviews/{review_id}/entered-in-error",
        "therapist",
        lambda b: {
            "plan_id": _plan_review(b).plan.public_id,
            "review_id": _plan_review(b).public_id,
        },
    ),
    ApiWrite(
        "post",
        "/api/v1/participants/{participant_id}/episodes/{episode_id}/transition",
        "therapist",
        lambda b: _participant(b) | {"episode_id": b.episode.public_id},
    ),
    ApiWrite("post", "/api/v1/participants", "intake", lambda b: {}),
    ApiWrite("post", "/api/v1/participants/{participant_id}/refer-again", "director", _participant),
    ApiWrite("post", "/api/v1/participants/{participant_id}/care-team", "therapist", _participant),
    ApiWrite(
        "post",
        "/api/v1/participants/{participant_id}/care-team/{member_id}/end",
        "therapist",
        lambda b: _participant(b) | {"member_id": _peer_place(b)},
    ),
    ApiWrite("post", "/api/v1/instruments/{code}/score", None, lambda b: {"code": "phq-9"}),
    ApiWrite("post", "/api/v1/me/checkins", "participant_user", lambda b: {}),
    ApiWrite(
        "post",
        "/api/v1/participants/{participant_id}/episodes/{episode_id}/discharge",
        "therapist",
        lambda b: _participant(b) | {"episode_id": b.episode.public_id},
    ),
    ApiWrite(
        "post", "/api/v1/participants/{participant_id}/assessments", "therapist", _participant
    ),
    ApiWrite(
        "post", "/api/v1/participants/{participant_id}/level-of-care", "therapist", _participant
    ),
    ApiWrite(
        "post",
        "/api/v1/attendance/sessions/{session_id}/roll-call",
        "therapist",
        lambda b: {"session_id": b.session.public_id},
    ),
    ApiWrite(
        "post", "/api/v1/participants/{participant_id}/medications", "therapist", _participant
    ),
    ApiWrite("post", "/api/v1/participants/{participant_id}/consents", "therapist", _participant),
    ApiWrite(
        "post",
        "/api/v1/participants/{participant_id}/consents/{consent_id}/revoke",
        "therapist",
        lambda b: _participant(b) | {"consent_id": _consent(b)},
    ),
    ApiWrite(
        "post", "/api/v1/participants/{participant_id}/drug-screens", "therapist", _participant
    ),
    ApiWrite(
        "post",
        "/api/v1/participants/{participant_id}/drug-screens/{screen_id}/review",
        "therapist",
        lambda b: _participant(b) | {"screen_id": _flagged_screen(b).public_id},
    ),
    ApiWrite("post", "/api/v1/participants/{participant_id}/notes", "therapist", _participant),
    ApiWrite(
        "put", "/api/v1/notes/{note_id}", "therapist", lambda b: {"note_id": _note("draft")(b)}
    ),
    ApiWrite(
        "post",
        "/api/v1/notes/{note_id}/sign",
        "therapist",
        lambda b: {"note_id": _note("draft")(b)},
    ),
    ApiWrite(
        "post",
        "/api/v1/notes/{note_id}/addenda",
        "therapist",
        lambda b: {"note_id": _note("signed")(b)},
    ),
    ApiWrite("post", "/api/v1/participants/{participant_id}/barriers", "casemanager", _participant),
    ApiWrite(
        "patch",
        "/api/v1/participants/{participant_id}/barriers/{barrier_id}",
        "casemanager",
        lambda b: _participant(b) | {"barrier_id": _cm("barrier")(b)},
    ),
    ApiWrite(
        "post", "/api/v1/participants/{participant_id}/referrals", "casemanager", _participant
    ),
    ApiWrite(
        "patch",
        "/api/v1/participants/{participant_id}/referrals/{referral_id}",
        "casemanager",
        lambda b: _participant(b) | {"referral_id": _cm("referral")(b)},
    ),
    ApiWrite("post", "/api/v1/participants/{participant_id}/tasks", "therapist", _participant),
    ApiWrite(
        "patch",
        "/api/v1/participants/{participant_id}/tasks/{task_id}",
        "therapist",
        lambda b: _participant(b) | {"task_id": _task(b)},
    ),
    ApiWrite(
        "post",
        "/api/v1/sessions/{session_id}/group-note",
        "therapist",
        lambda b: {"session_id": b.session.public_id},
    ),
]
