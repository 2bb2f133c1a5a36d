"""A plan review recorded by mistake is marked entered in error with a reason, whole with its
outcomes: it stays in "Reviews without changes", marked with who, when and why, and counts for
nothing anywhere else (the latest outcome, past its date, the next review's date, the
participant's plan, the API)."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent, Outcome
from plans import services
from plans.models import Objective, PlanReview, ReviewedObjective, ReviewSchedule, TreatmentPlan
from plans.tests.builders import (
    AFTER_ITS_DATE,
    PAST,
    objective_in_force,
    objective_pages,
    signed,
)
from tandem.errors import AccessDenied, InvalidInput
from tandem.templatetags.clock import day, when
from tests.concurrency import DONE, at_the_same_moment

WHY = "Recorded on the wrong chart."


def _objective(plan: TreatmentPlan) -> Objective:
    return Objective.objects.get(plan=plan)


def _review(world, plan, outcome: str = "met", *, on: date | None = None) -> PlanReview:
    return services.record_review(
        plan,
        by=world.therapist,
        reason="scheduled",
        note="Went through each objective.",
        reviewed_on=on or world.program.today(),
        outcomes=[{"objective": str(_objective(plan).public_id), "outcome": outcome}],
    )


def _page(world, review) -> str:
    return reverse(
        "plans:review_entered_in_error",
        args=[world.participant.public_id, review.plan.public_id, review.public_id],
    )


def _api(client, review, reason: str = WHY, *, plan=None):
    plan = plan or review.plan
    return client.post(
        f"/api/v1/treatment-plans/{plan.public_id}/reviews/{review.public_id}/entered-in-error",
        json.dumps({"reason": reason}),
        content_type="application/json",
    )


def _reviews_table(client, world) -> str:
    tab = client.get(reverse("plans:plan", args=[world.participant.public_id])).content.decode()
    return tab.split("Reviews without changes", 1)[1]


def test_marking_a_review_keeps_it_in_the_table_marked_with_who_when_and_why(world, login):
    plan = signed(world)
    review = _review(world, plan)
    client = login(world.therapist)
    table = _reviews_table(client, world)
    assert "Mark the review entered in error" in table
    assert "To correct one outcome, mark the review entered in error and record" in table

    response = client.post(_page(world, review), {"reason": WHY}, follow=True)

    html = response.content.decode()
    assert f"The review of {day(review.reviewed_on)} marked entered in error." in html
    table = html.split("Reviews without changes", 1)[1]
    review.refresh_from_db()
    assert review.entered_in_error_at is not None
    marked = f"Entered in error by {world.therapist} {when(review.entered_in_error_at, world.program.time_zone)}: {WHY}"
    assert marked in table
    assert "Went through each objective." in table and "Met: PHQ-9 below 10" in table
    assert "Mark the review entered in error" not in table
    assert "Last reviewed on" not in html
    (outcome,) = ReviewedObjective.objects.all()
    assert (
        outcome.entered_in_error_at,
        outcome.entered_in_error_by,
        outcome.entered_in_error_reason,
    ) == (
        review.entered_in_error_at,
        world.therapist,
        WHY,
    )


def test_the_withdrawal_is_audited_as_its_own_event(world):
    plan = signed(world)
    review = _review(world, plan)
    services.mark_review_in_error(review, by=world.therapist, reason=WHY)
    event = AuditEvent.objects.get(event_type="plan.review_entered_in_error")
    assert (event.record_id, event.participant_id, event.outcome) == (
        str(review.public_id),
        world.participant.pk,
        Outcome.ALLOWED,
    )
    assert event.details["changes"] == {"entered_in_error": {"before": False, "after": True}}


def test_an_objective_met_only_by_a_withdrawn_review_is_past_its_date_again(world, login):
    plan = signed(world, measure="")
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        review = _review(world, plan, "met")
        assert all(PAST not in html for html in objective_pages(client, world, plan))
        assert objective_in_force(client, world)["review_outcome"]["outcome"] == "met"

        services.mark_review_in_error(review, by=world.therapist, reason=WHY)

        tab, page = objective_pages(client, world, plan)
        assert PAST in tab and PAST in page
        assert "Met (plan review" not in tab and "Met (plan review" not in page
        version = client.get(
            reverse("plans:version", args=[world.participant.public_id, plan.public_id])
        ).content.decode()
        assert PAST in version and "Met (plan review" not in version
        objective = objective_in_force(client, world)
        assert objective["review_outcome"] is None and objective["past_its_date"] is True


def test_the_outcome_of_an_earlier_review_that_still_counts_is_the_latest_again(world, login):
    plan = signed(world, measure="")
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        _review(world, plan, "continued", on=date(2027, 1, 4))
        later = _review(world, plan, "met", on=date(2027, 1, 5))
        services.mark_review_in_error(later, by=world.therapist, reason=WHY)
        tab, _page = objective_pages(client, world, plan)
        assert f"Continued (plan review {day(date(2027, 1, 4))})" in tab
        assert f"Last reviewed on {day(date(2027, 1, 4))}" in tab
        assert objective_in_force(client, world)["review_outcome"]["outcome"] == "continued"


def test_the_participant_no_longer_reads_what_a_withdrawn_review_found(world, login):
    plan = signed(world)
    review = _review(world, plan, "met")
    client = login(world.participant_user)
    assert "your team marked it done" in client.get(reverse("plans:mine")).content.decode()
    services.mark_review_in_error(review, by=world.therapist, reason=WHY)
    page = client.get(reverse("plans:mine")).content.decode()
    assert "your team marked it done" not in page and "at your plan review" not in page


def test_the_next_review_falls_due_as_if_the_withdrawn_one_was_not_held(world):
    plan = signed(world)
    assert plan.signed_at is not None
    interval = timedelta(days=world.program.plan_review_interval_days)
    signed_on = timezone.localdate(plan.signed_at, world.program.tz)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        review = _review(world, plan, "continued")
        stored = ReviewSchedule.objects.get(episode=world.episode)
        assert stored.due_on == date(2027, 1, 5) + interval
        services.mark_review_in_error(review, by=world.therapist, reason=WHY)
    stored.refresh_from_db()
    assert stored.due_on == signed_on + interval


@pytest.mark.parametrize("reason", ["", "   ", "typo"])
def test_a_reason_is_required_and_nothing_is_written_without_one(world, login, reason):
    plan = signed(world)
    review = _review(world, plan)
    with pytest.raises(InvalidInput, match="Say why this plan review was entered in error"):
        services.mark_review_in_error(review, by=world.therapist, reason=reason)
    client = login(world.therapist)
    response = client.post(_page(world, review), {"reason": reason})
    assert response.status_code == 400
    assert "alert" in response.content.decode()
    api = _api(client, review, reason)
    assert api.status_code == 422
    assert api.json()["detail"][0]["field"] == "reason"
    assert not PlanReview.objects.entered_in_error().exists()
    assert not ReviewedObjective.objects.entered_in_error().exists()
    assert not AuditEvent.objects.filter(
        event_type="plan.review_entered_in_error", outcome=Outcome.ALLOWED
    ).exists()


def test_marking_twice_is_refused_clearly(world, login):
    plan = signed(world)
    review = _review(world, plan)
    services.mark_review_in_error(review, by=world.therapist, reason=WHY)
    with pytest.raises(InvalidInput, match="already marked entered in error"):
        services.mark_review_in_error(review, by=world.therapist, reason="Another reason.")
    client = login(world.therapist)
    api = _api(client, review, "Another reason.")
    assert api.status_code == 422
    assert "already marked entered in error" in api.json()["detail"][0]["message"]
    page = client.get(_page(world, review)).content.decode()
    assert f"Entered in error by {world.therapist}" in page and WHY in page
    assert 'name="reason"' not in page
    review.refresh_from_db()
    assert review.entered_in_error_reason == WHY
    assert AuditEvent.objects.filter(event_type="plan.review_entered_in_error").count() == 1


def test_a_second_marking_from_a_page_read_before_the_first_writes_nothing(world):
    """Two clinicians open the same review; the second to send reads the locked row, finds
    it withdrawn and is refused: one withdrawal, one event."""
    plan = signed(world)
    review = _review(world, plan)
    seen_by_the_other = PlanReview.objects.get(pk=review.pk)
    services.mark_review_in_error(review, by=world.therapist, reason=WHY)
    with pytest.raises(InvalidInput, match="already marked"):
        services.mark_review_in_error(
            seen_by_the_other, by=world.users["counsellor"], reason="Wrong date on it."
        )
    review.refresh_from_db()
    assert (review.entered_in_error_by, review.entered_in_error_reason) == (world.therapist, WHY)
    assert AuditEvent.objects.filter(event_type="plan.review_entered_in_error").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_markings_sent_at_the_same_moment_write_one(world):
    """The first marking holds its transaction open until the second waits on the review's
    lock; the second then reads it withdrawn and is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot take writers from several threads")
    review = _review(world, signed(world))

    def mark(by, reason: str) -> None:
        services.mark_review_in_error(PlanReview.objects.get(pk=review.pk), by=by, reason=reason)

    assert at_the_same_moment(
        lambda: mark(world.therapist, WHY),
        lambda: mark(world.users["counsellor"], "Wrong date on it."),
    ) == (DONE, "This plan review is already marked entered in error.")
    review.refresh_from_db()
    assert (review.entered_in_error_by, review.entered_in_error_reason) == (world.therapist, WHY)
    assert (
        AuditEvent.objects.filter(
            event_type="plan.review_entered_in_error", outcome=Outcome.ALLOWED
        ).count()
        == 1
    )


@pytest.mark.parametrize("persona", ["nurse", "peer", "casemanager"])
def test_only_those_who_may_record_a_review_may_withdraw_one(world, login, persona):
    plan = signed(world)
    review = _review(world, plan)
    with pytest.raises(AccessDenied, match="withdraw treatment-plan reviews"):
        services.mark_review_in_error(review, by=world.users[persona], reason=WHY)
    refused = AuditEvent.objects.get(event_type="plan.review_entered_in_error")
    assert (refused.outcome, refused.details["capability"]) == (Outcome.REFUSED, "plan.sign")
    client = login(world.users[persona])
    assert "Mark the review entered in error" not in _reviews_table(client, world)
    assert client.post(_page(world, review), {"reason": WHY}).status_code == 403
    assert _api(client, review).status_code == 403
    review.refresh_from_db()
    assert not review.entered_in_error


def test_the_form_is_htmx_friendly(world, login):
    plan = signed(world)
    review = _review(world, plan)
    client = login(world.therapist)
    refused = client.post(_page(world, review), {"reason": ""}, HTTP_HX_REQUEST="true")
    html = refused.content.decode()
    assert refused.status_code == 400  # a refusal, which tandem.js has htmx swap in
    assert html.lstrip().startswith(f'<div id="review-error-{review.public_id}">')
    assert "Say why" in html or "This field is required" in html
    assert "<html" not in html
    done = client.post(_page(world, review), {"reason": WHY}, HTTP_HX_REQUEST="true")
    assert done["HX-Redirect"] == reverse("plans:plan", args=[world.participant.public_id])
    review.refresh_from_db()
    assert review.entered_in_error


def test_the_api_marks_a_review_entered_in_error(world, login):
    plan = signed(world, measure="")
    objective = _objective(plan)
    with time_machine.travel(AFTER_ITS_DATE, tick=True):
        client = login(world.therapist)
        review = _review(world, plan, "discontinued")
        assert objective_in_force(client, world)["review_outcome"]["review"] == str(
            review.public_id
        )
        response = _api(client, review)
        assert response.status_code == 200, response.content
        review.refresh_from_db()
        body = response.json()
        assert body.pop("entered_in_error_at") is not None
        assert body == {
            "id": str(review.public_id),
            "plan": str(plan.public_id),
            "plan_version": 1,
            "reason": "scheduled",
            "reviewed_on": "2027-01-05",
            "note": "Went through each objective.",
            "outcomes": [
                {"objective": str(objective.public_id), "outcome": "discontinued", "comment": ""}
            ],
            "entered_in_error": True,
            "entered_in_error_by": world.therapist.get_full_name(),
            "entered_in_error_reason": WHY,
        }
        current = objective_in_force(client, world)
        assert current["review_outcome"] is None and current["past_its_date"] is True
    assert AuditEvent.objects.filter(event_type="plan.review_entered_in_error").count() == 1


def test_the_api_answers_a_review_not_of_that_version_as_unknown(world, login):
    plan = signed(world)
    review = _review(world, plan)
    other = signed(world, by=world.director, episode=world.referral_episode)
    client = login(world.therapist)
    made_up = PlanReview(public_id="0b6f1c3e-5d2a-4c8e-9f10-2a4b6c8d0e1f", plan=plan)
    for answer in (_api(client, review, plan=other), _api(client, made_up)):
        assert answer.status_code == 404
    review.refresh_from_db()
    assert not review.entered_in_error


def test_the_exported_record_keeps_the_review_marked_and_drops_its_outcome(world, login):
    plan = signed(world)
    review = _review(world, plan, "continued")
    marked = services.mark_review_in_error(review, by=world.therapist, reason=WHY)
    client = login(world.director)
    copy = reverse("consent:disclose", args=[world.participant.public_id])
    exported = json.loads(client.post(copy, {"to": "participant", "what": "export"}).content)
    (row,) = exported["treatment_plan_reviews"]
    assert marked.entered_in_error_at is not None
    assert row["found"] == "Went through each objective."
    assert (
        row["entered_in_error"],
        row["entered_in_error_by"],
        row["entered_in_error_reason"],
    ) == (True, world.therapist.get_full_name(), WHY)
    assert row["entered_in_error_at"]
    (objective,) = exported["treatment_plan"]
    assert (objective["review_outcome"], objective["review_outcome_on"]) == ("", "")
