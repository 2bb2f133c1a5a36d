"""A signed plan version and every row in it never change, by instance or by queryset."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Program
from accounts.services import create_program
from plans import measures
from plans.models import DEFAULT_MODALITIES, Modality, Objective, Problem, TreatmentPlan
from plans.tests.builders import draft_plan, signed_plan
from tandem.records import ImmutableRecordError


def _modalities(program: Program) -> list[str]:
    return sorted(Modality.objects.filter(program=program).values_list("name", flat=True))


def test_a_program_created_through_the_service_gets_the_default_modalities(world):
    program = create_program(world.org, name="Evening IOP")
    assert _modalities(program) == _modalities(world.program) == sorted(DEFAULT_MODALITIES)


def test_a_program_row_saved_past_the_service_gets_no_modalities(world):
    """Seeding follows `create_program`, not the row's save (a fixture, an import)."""
    program = Program.objects.create(organization=world.org, name="Imported")
    assert _modalities(program) == []


def test_a_draft_changes_in_place(world):
    plan = draft_plan(world)
    Problem.objects.filter(plan=plan).update(statement="Changed")
    assert Problem.objects.get(plan=plan).statement == "Changed"


def test_a_signed_plan_refuses_save_and_queryset_update(world):
    plan = signed_plan(world)
    plan.change_summary = "sneaky"
    with pytest.raises(ImmutableRecordError):
        plan.save()
    with pytest.raises(ImmutableRecordError):
        TreatmentPlan.objects.filter(pk=plan.pk).update(change_summary="sneaky")
    with pytest.raises(ImmutableRecordError):
        plan.delete()


@pytest.mark.parametrize("model", [Problem, Objective])
def test_rows_of_a_signed_plan_refuse_changes(world, model):
    plan = signed_plan(world)
    row = model.objects.get(plan=plan)
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        model.objects.filter(plan=plan).update(order=9)
    with pytest.raises(ImmutableRecordError):
        model.objects.filter(plan=plan).delete()


def test_a_signed_problem_keeps_its_diagnoses(world):
    from intake.models import Diagnosis

    plan = signed_plan(world)
    problem = Problem.objects.get(plan=plan)
    diagnosis = Diagnosis.objects.create(
        participant=world.participant,
        episode=world.episode,
        code="F32.1",
        description="Major depressive disorder, single episode, moderate",
        kind="mh",
        status="confirmed",
        made_on="2026-09-08",
    )
    with pytest.raises(ImmutableRecordError), transaction.atomic():
        problem.diagnoses.add(diagnosis)
    assert problem.diagnoses.count() == 0


def test_the_assessment_instruments_are_measures():
    phq9 = measures.get("phq-9")
    assert phq9 is not None and phq9.label == "PHQ-9 total"
    assert measures.get("gad-7") is not None
    assert measures.get("pcl-5") is not None
    assert measures.get("bam.use") is not None
    assert measures.get("nonsense") is None


def test_other_modules_add_measures_through_the_extension_point(db):
    """Measures are a `tandem.hooks` extension point: check-ins and drug screens register
    theirs, and one a module adds is offered, read by stay and taken out again like any."""
    from plans.forms import ObjectiveForm
    from tandem.hooks import declared

    assert declared()["plans.measures"] is measures.MEASURES
    keys = {m.key for m in measures.MEASURES.implementations()}
    assert {"phq-9", "checkin-craving", "checkin-mood", "drug-screen-clear-run"} <= keys

    added = measures.Measure("tests.steps", "Steps a day", lambda participant_id, episode_id: None)
    measures.MEASURES.register(added)
    try:
        assert measures.get("tests.steps") is added
        offered = str(ObjectiveForm()["measure_key"])
        assert '<option value="tests.steps">Steps a day</option>' in offered
    finally:
        measures.MEASURES.unregister(added)
    assert measures.get("tests.steps") is None


values = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)


@given(value=values, target=values)
def test_comparators_agree_with_arithmetic(value, target):
    assert measures.meets("lt", value, target) == (value < target)
    assert measures.meets("le", value, target) == (value <= target)
    assert measures.meets("gt", value, target) == (value > target)
    assert measures.meets("ge", value, target) == (value >= target)
    assert measures.meets("eq", value, target) == (value == target)
    # exactly one of below, equal, above holds
    below, equal, above = (measures.meets(c, value, target) for c in ("lt", "eq", "gt"))
    assert below + equal + above == 1
    assert measures.meets("le", value, target) == (below or equal)


def test_a_value_on_the_target_meets_only_the_inclusive_comparators():
    ten = Decimal(10)
    assert not measures.meets("lt", ten, ten)
    assert measures.meets("le", ten, ten)
    assert measures.meets("ge", ten, ten)
    assert not measures.meets("gt", ten, ten)
