"""Plans built directly, for tests that need one in a given state."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from assessments.models import Administration
from plans.models import Goal, Intervention, Modality, Objective, Problem, TreatmentPlan

CHICAGO = ZoneInfo("America/Chicago")
# The builders' objective is due by 31 Dec 2026; the suite's clock starts on 1 Dec 2026.
AFTER_ITS_DATE = datetime(2027, 1, 5, 9, 0, tzinfo=CHICAGO)
PAST = "Past its date"


def draft_plan(world, *, number: int = 1, revises=None, change_summary: str = "") -> TreatmentPlan:
    """A draft with one problem → goal → objective (bound to PHQ-9 < 10) → intervention."""
    plan = TreatmentPlan.objects.create(
        participant=world.participant,
        episode=world.episode,
        number=number,
        revises=revises,
        change_summary=change_summary,
        recorded_by=world.therapist,
    )
    problem = Problem.objects.create(
        plan=plan, domain="mental_health", statement="Low mood most days", dimensions=["3"]
    )
    goal = Goal.objects.create(plan=plan, problem=problem, text="I want to feel like myself again")
    objective = Objective.objects.create(
        plan=plan,
        goal=goal,
        text="PHQ-9 below 10",
        target_date=date(2026, 12, 31),
        measure_key="phq-9",
        comparator="lt",
        target_value=10,
    )
    Intervention.objects.create(
        plan=plan,
        objective=objective,
        modality=Modality.objects.get(program=world.program, name="Group CBT"),
        frequency="3 times a week",
        responsible_role="therapist",
    )
    return plan


def signed_plan(world, **kw) -> TreatmentPlan:
    plan = draft_plan(world, **kw)
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        signed_at=timezone.now(), signed_by=world.therapist
    )
    plan.refresh_from_db()
    return plan


def drafted(
    world,
    *,
    by=None,
    measure: str = "phq-9",
    episode=None,
    statement: str = "Low mood most days",
) -> TreatmentPlan:
    """A complete draft made through the services: one row of each kind, on `episode`
    (the world's by default)."""
    from plans import services

    by = by or world.therapist
    plan = services.start_plan(episode or world.episode, by=by)
    problem = services.save_problem(
        plan,
        by=by,
        expected_version=plan.version,
        domain="mental_health",
        statement=statement,
        dimensions=["3"],
    )
    goal = services.save_goal(
        plan, by=by, expected_version=plan.version, problem=problem, text="Feel like myself"
    )
    objective = services.save_objective(
        plan,
        by=by,
        expected_version=plan.version,
        goal=goal,
        text="PHQ-9 below 10",
        target_date=date(2026, 12, 31),
        measure_key=measure,
        comparator="lt" if measure else "",
        target_value=10 if measure else None,
    )
    services.save_intervention(
        plan,
        by=by,
        expected_version=plan.version,
        objective=objective,
        modality=Modality.objects.get(program=world.program, name="DBT skills"),
        frequency="Weekly",
        responsible_role="therapist",
    )
    plan.refresh_from_db()
    return plan


def signed(world, *, by=None, **kw) -> TreatmentPlan:
    from plans import services

    plan = drafted(world, by=by, **kw)
    return services.sign_plan(plan, by=by or world.therapist, expected_version=plan.version)


def phq9(world, total: int) -> None:
    """A completed PHQ-9 of `total` for the world's participant, the measure the builders'
    objectives do not bind but a test's own may."""
    Administration.objects.create(
        participant=world.participant,
        episode=world.episode,
        instrument="phq-9",
        answers={},
        completed_at=datetime(2026, 11, 2, 10, tzinfo=CHICAGO),
        complete=True,
        total=total,
    )


def objective_pages(client, world, plan) -> tuple[str, str]:
    """The Plan tab and the page of the plan's one objective, as `client` reads them."""
    objective = Objective.objects.get(plan=plan)
    tab = client.get(reverse("plans:plan", args=[world.participant.public_id]))
    page = client.get(
        reverse(
            "plans:objective",
            args=[world.participant.public_id, plan.public_id, objective.public_id],
        )
    )
    assert tab.status_code == page.status_code == 200
    return tab.content.decode(), page.content.decode()


def objective_in_force(client, world) -> dict:
    """The first objective of the plan in force, as the JSON API gives it."""
    response = client.get(
        f"/api/v1/participants/{world.participant.public_id}/treatment-plans/current"
    )
    assert response.status_code == 200
    return response.json()["problems"][0]["goals"][0]["objectives"][0]
