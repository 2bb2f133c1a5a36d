"""A plan review records what it found of each objective it took up (met, continued,
discontinued): the Plan tab, the objective's page and the API show the latest beside the
measured progress, and one judged met or discontinued is no longer past its date."""

import json
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from plans import services
from plans.models import Objective, PlanReview, ReviewedObjective, TreatmentPlan
from plans.tests.builders import (
    AFTER_ITS_DATE,
    PAST,
    objective_in_force,
    objective_pages,
    phq9,
    signed,
)
from tandem.errors import InvalidInput
from tandem.records import ImmutableRecordError
from tandem.templatetags.clock import day


def _objective(plan: TreatmentPlan) -> Objective:
    return Objective.objects.get(plan=plan)


def _review(world, plan, outcomes, *, on: date | None = None) -> PlanReview:
    return services.record_review(
        plan,
        by=world.therapist,
        reason="scheduled",
        note="Went through each objective.",
        reviewed_on=on or world.program.today(),
        outcomes=outcomes,
    )


def _judged(plan, outcome: str, comment: str = "") -> list[dict]:
    return [{"objective": str(_objective(plan).public_id), "outcome": outcome, "comment": comment}]


def test_the_review_form_offers_an_outcome_for_each_objective_and_records_it(world, login):
    plan = signed(world, measure="")
    objective = _objective(plan)
    client = login(world.therapist)
    tab = reverse("plans:plan", args=[world.participant.public_id])
    form = client.get(tab).content.decode()
    assert f'name="outcome-{objective.public_id}"' in form
    assert f'name="comment-{objective.public_id}"' in form
    assert "Not judged at this review" in form
    assert "continued keeps its target date as it is: to give it a new date, revise" in form
    response = client.post(
        reverse("plans:review", args=[world.participant.public_id, plan.public_id]),
        {
            "reason": "scheduled",
            "reviewed_on": world.program.today().isoformat(),
            "note": "Went through each objective.",
            f"outcome-{objective.public_id}": "met",
            f"comment-{objective.public_id}": "Back at work three days a week.",
        },
        follow=True,
    )
    assert "Review recorded; the plan stays in force." in response.content.decode()
    row = ReviewedObjective.objects.get()
    assert (row.objective, row.outcome, row.comment, row.recorded_by) == (
        objective,
        "met",
        "Back at work three days a week.",
        world.therapist,
    )
    shown = f"Met (plan review {day(world.program.today())})"
    for html in objective_pages(client, world, plan):
        assert shown in html and "Back at work three days a week." in html
    tab, page = objective_pages(client, world, plan)
    assert "· review:</span> <span" in tab  # beside the objective's date and measure
    assert "<p>Latest review: <span" in page  # a line of its own, with no dot to lead it
    assert objective_in_force(client, world)["review_outcome"] == {
        "outcome": "met",
        "comment": "Back at work three days a week.",
        "reviewed_on": world.program.today().isoformat(),
        "review": str(row.review.public_id),
        "plan_version": 1,
    }


def test_an_objective_left_unjudged_records_nothing_and_shows_nothing(world, login):
    plan = signed(world)
    objective = _objective(plan)
    client = login(world.therapist)
    client.post(
        reverse("plans:review", args=[world.participant.public_id, plan.public_id]),
        {
            "reason": "scheduled",
            "reviewed_on": world.program.today().isoformat(),
            "note": "Goals still fit.",
            f"outcome-{objective.public_id}": "",
            f"comment-{objective.public_id}": "",
        },
    )
    assert PlanReview.objects.count() == 1 and not ReviewedObjective.objects.exists()
    assert all("(plan review" not in html for html in objective_pages(client, world, plan))
    assert objective_in_force(client, world)["review_outcome"] is None


def test_the_review_event_names_the_objectives_judged(world):
    plan = signed(world)
    review = _review(world, plan, _judged(plan, "continued"))
    event = AuditEvent.objects.get(event_type="plan.reviewed")
    assert event.record_id == str(review.public_id)
    assert event.details["objectives_judged"] == [str(_objective(plan).public_id)]


@pytest.mark.parametrize(
    ("outcome", "past"), [("met", False), ("discontinued", False), ("continued", True)]
)
def test_met_or_discontinued_closes_an_objective_without_a_measure(world, login, outcome, past):
    plan = signed(world, measure="")
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert all(PAST in html for html in objective_pages(client, world, plan))
        _review(world, plan, _judged(plan, outcome))
        assert all((PAST in html) is past for html in objective_pages(client, world, plan))
        assert objective_in_force(client, world)["past_its_date"] is past


def test_the_latest_review_decides_and_a_later_continued_reopens_the_date(world, login):
    plan = signed(world, measure="")
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        _review(world, plan, _judged(plan, "met"), on=date(2027, 1, 4))
        _review(world, plan, _judged(plan, "continued"), on=date(2027, 1, 5))
        tab, page = objective_pages(client, world, plan)
        assert f"Continued (plan review {day(date(2027, 1, 5))})" in tab
        assert PAST in tab and PAST in page
        assert objective_in_force(client, world)["review_outcome"]["outcome"] == "continued"


def test_the_judgement_stands_beside_the_measure_and_neither_overrides_the_other(world, login):
    """PHQ-9 12 is not below 10: the measure says not met yet, the review says met; both show,
    and the review closes the date."""
    plan = signed(world)
    phq9(world, 12)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        _review(world, plan, _judged(plan, "met"))
        for html in objective_pages(client, world, plan):
            assert "Not met yet" in html and "Met (plan review" in html and PAST not in html
        objective = objective_in_force(client, world)
        assert objective["progress"]["met"] is False
        assert objective["review_outcome"]["outcome"] == "met"
        assert objective["past_its_date"] is False


def test_a_measure_met_stays_met_whatever_the_review_said(world, login):
    plan = signed(world)
    phq9(world, 6)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        _review(world, plan, _judged(plan, "continued"))
        objective = objective_in_force(client, world)
        assert objective["progress"]["met"] is True and objective["past_its_date"] is False
        assert objective["review_outcome"]["outcome"] == "continued"


def _revise(world, plan, *, target_date: date | None = None) -> TreatmentPlan:
    draft = services.start_revision(plan, by=world.therapist, change_summary="New date.")
    if target_date is not None:
        old = _objective(draft)
        services.save_objective(
            draft,
            by=world.therapist,
            expected_version=draft.version,
            goal=old.goal,
            text=old.text,
            target_date=target_date,
            measure_key=old.measure_key,
            comparator=old.comparator,
            target_value=old.target_value,
            objective=old,
        )
        draft.refresh_from_db()
    return services.sign_plan(draft, by=world.therapist, expected_version=draft.version)


def test_a_revision_carries_an_outcome_only_for_an_objective_copied_unchanged(world, login):
    plan = signed(world, measure="")
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        _review(world, plan, _judged(plan, "met"))
        unchanged = _revise(world, plan)
        tab, page = objective_pages(client, world, unchanged)
        assert "Met (plan review" in tab and "Met (plan review" in page and PAST not in tab
        # Judged on version 1, shown on version 2: the version is named.
        judged_on = f"Met (plan review {day(world.program.today())}, version 1)"
        assert judged_on in tab and judged_on in page
        assert objective_in_force(client, world)["review_outcome"]["plan_version"] == 1
        changed = _revise(world, unchanged, target_date=date(2027, 1, 2))
        tab, page = objective_pages(client, world, changed)
        assert "(plan review" not in tab and "(plan review" not in page
        assert PAST in tab and PAST in page
        assert objective_in_force(client, world)["review_outcome"] is None
        # The version reviewed still shows what its review found.
        version = client.get(
            reverse("plans:version", args=[world.participant.public_id, plan.public_id])
        ).content.decode()
        assert f"Met (plan review {day(world.program.today())})" in version


def test_the_list_of_versions_computes_no_outcome(world, login):
    plan = signed(world)
    _review(world, plan, _judged(plan, "met"))
    client = login(world.therapist)
    response = client.get(f"/api/v1/participants/{world.participant.public_id}/treatment-plans")
    assert response.json()[0]["problems"][0]["goals"][0]["objectives"][0]["review_outcome"] is None


def test_the_plan_tab_lists_each_reviews_outcomes_with_the_review(world, login):
    plan = signed(world)
    _review(world, plan, _judged(plan, "discontinued", "No longer a goal of theirs."))
    tab = login(world.therapist).get(reverse("plans:plan", args=[world.participant.public_id]))
    section = tab.content.decode().split("Reviews without changes", 1)[1]
    assert "Discontinued: PHQ-9 below 10 — No longer a goal of theirs." in section


def test_an_outcome_for_an_objective_of_another_version_is_refused_and_nothing_written(
    world, login
):
    plan = signed(world)
    draft = services.start_revision(plan, by=world.therapist, change_summary="Add a goal.")
    elsewhere = _objective(draft)
    ours = _objective(plan)
    client = login(world.therapist)
    response = client.post(
        reverse("plans:review", args=[world.participant.public_id, plan.public_id]),
        {
            "reason": "scheduled",
            "reviewed_on": world.program.today().isoformat(),
            "note": "Went through each objective.",
            f"outcome-{ours.public_id}": "met",
            f"outcome-{elsewhere.public_id}": "met",
        },
        follow=True,
    )
    assert "An outcome names an objective that is not on plan version 1" in (
        response.content.decode()
    )
    assert not PlanReview.objects.exists() and not ReviewedObjective.objects.exists()
    assert not AuditEvent.objects.filter(event_type="plan.reviewed").exists()


def test_an_outcome_not_on_the_list_is_refused_by_the_page(world, login):
    plan = signed(world)
    objective = _objective(plan)
    response = login(world.therapist).post(
        reverse("plans:review", args=[world.participant.public_id, plan.public_id]),
        {
            "reason": "scheduled",
            "reviewed_on": world.program.today().isoformat(),
            "note": "Went through each objective.",
            f"outcome-{objective.public_id}": "achieved",
        },
        follow=True,
    )
    assert "Select a valid choice" in response.content.decode()
    assert not PlanReview.objects.exists()


@pytest.mark.parametrize(
    ("outcomes", "message"),
    [
        ([{"objective": "not-an-id", "outcome": "met"}], "not on plan version 1"),
        ([{"objective": "00000000-0000-4000-8000-000000000000", "outcome": "met"}], "not on plan"),
        (["met"], "not on plan version 1"),
        ("met", "as a list"),
        (None, "as a list"),
        ("duplicate", "one outcome"),
        ("achieved", "Choose met, continued or discontinued"),
        ("long", "at most 300 characters"),
        ("number", "as text"),
    ],
)
def test_the_service_refuses_bad_outcomes_whole(world, outcomes, message):
    plan = signed(world)
    mine = str(_objective(plan).public_id)
    given = (
        {
            "duplicate": [
                {"objective": mine, "outcome": "met"},
                {"objective": mine, "outcome": "met"},
            ],
            "achieved": [{"objective": mine, "outcome": "achieved"}],
            "long": [{"objective": mine, "outcome": "met", "comment": "x" * 301}],
            "number": [{"objective": mine, "outcome": "met", "comment": 3}],
        }.get(outcomes, outcomes)
        if isinstance(outcomes, str)
        else outcomes
    )
    with pytest.raises(InvalidInput, match=message) as refused:
        _review(world, plan, given)
    assert refused.value.field == "outcomes"
    assert not PlanReview.objects.exists() and not ReviewedObjective.objects.exists()


def test_an_outcome_never_changes_and_is_never_deleted(world):
    plan = signed(world)
    _review(world, plan, _judged(plan, "continued"))
    row = ReviewedObjective.objects.get()
    row.outcome = "met"
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        ReviewedObjective.objects.update(outcome="met")
    with pytest.raises(ImmutableRecordError):
        row.delete()
    with pytest.raises(ImmutableRecordError):
        ReviewedObjective.objects.all().delete()
    assert ReviewedObjective.objects.get().outcome == "continued"


def _api_review(client, plan, outcomes, **body):
    return client.post(
        f"/api/v1/treatment-plans/{plan.public_id}/reviews",
        json.dumps(
            {
                "reason": "scheduled",
                "reviewed_on": body.get("reviewed_on", "2027-01-05"),
                "note": "Went through each objective.",
                "outcomes": outcomes,
            }
        ),
        content_type="application/json",
    )


def test_the_api_records_a_review_with_its_outcomes(world, login):
    plan = signed(world, measure="")
    objective = _objective(plan)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        assert objective_in_force(client, world)["past_its_date"] is True
        response = _api_review(
            client,
            plan,
            [
                {
                    "objective": str(objective.public_id),
                    "outcome": "discontinued",
                    "comment": "Moved",
                }
            ],
        )
        assert response.status_code == 201, response.content
        review = PlanReview.objects.get()
        assert response.json() == {
            "id": str(review.public_id),
            "plan": str(plan.public_id),
            "plan_version": 1,
            "reason": "scheduled",
            "reviewed_on": "2027-01-05",
            "note": "Went through each objective.",
            "outcomes": [
                {
                    "objective": str(objective.public_id),
                    "outcome": "discontinued",
                    "comment": "Moved",
                }
            ],
        }
        current = objective_in_force(client, world)
        assert current["past_its_date"] is False
        assert current["review_outcome"]["outcome"] == "discontinued"
    assert AuditEvent.objects.filter(event_type="plan.reviewed").count() == 1


def test_the_api_refuses_an_objective_of_another_version_with_nothing_written(world, login):
    plan = signed(world)
    draft = services.start_revision(plan, by=world.therapist, change_summary="Add a goal.")
    client = login(world.therapist)
    response = _api_review(
        client,
        plan,
        [{"objective": str(_objective(draft).public_id), "outcome": "met"}],
        reviewed_on=world.program.today().isoformat(),
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "outcomes"
    assert "not on plan version 1" in response.json()["detail"][0]["message"]
    assert not PlanReview.objects.exists() and not ReviewedObjective.objects.exists()


def test_the_api_refuses_a_review_of_a_version_no_longer_in_force(world, login):
    plan = signed(world)
    _revise(world, plan)
    response = _api_review(
        login(world.therapist),
        plan,
        _judged(plan, "met"),
        reviewed_on=world.program.today().isoformat(),
    )
    assert response.status_code == 422
    assert "version 2 is the plan in force" in response.json()["detail"][0]["message"]
    assert not PlanReview.objects.exists()


def test_the_exported_record_carries_each_objectives_latest_outcome(world, login):
    plan = signed(world)
    _review(world, plan, _judged(plan, "continued"))
    client = login(world.director)
    copy = reverse("consent:disclose", args=[world.participant.public_id])
    exported = json.loads(client.post(copy, {"to": "participant", "what": "export"}).content)
    (row,) = exported["treatment_plan"]
    assert (row["review_outcome"], row["review_outcome_on"]) == (
        "Continued",
        world.program.today().isoformat(),
    )


@pytest.mark.parametrize(
    ("outcome", "english", "spanish"),
    [
        ("met", "your team marked it done", "tu equipo lo dio por logrado"),
        ("continued", "your team kept it on your plan", "tu equipo lo mantuvo en tu plan"),
        ("discontinued", "your team set it aside", "tu equipo lo dejó de lado"),
    ],
)
def test_the_participant_reads_on_their_plan_what_the_review_found(
    world, login, outcome, english, spanish
):
    """The participant's own plan says what their team found of each objective at the
    review, in their language, without the comment the team wrote for itself."""
    plan = signed(world)
    _review(world, plan, _judged(plan, outcome, "Discussed in team meeting only"))
    client = login(world.participant_user)

    page = client.get(reverse("plans:mine")).content.decode()

    assert f"at your plan review on {day(world.program.today())}, {english}" in page
    assert "Discussed in team meeting only" not in page
    world.participant.preferred_language = "es"
    world.participant.save(update_fields=["preferred_language"])
    assert spanish in client.get(reverse("plans:mine")).content.decode()


def test_the_review_form_names_each_objective_by_its_whole_text():
    """Two objectives that differ only after their 80th character are told apart."""
    from plans.forms import ReviewForm

    text = "Depressive symptoms below the moderate range (PHQ-9 below 10), held for two months"
    objective = Objective(text=text)

    [(_, outcome, _)] = ReviewForm(objectives=[objective]).outcome_fields

    assert outcome.label == f"Outcome of “{text}”"
