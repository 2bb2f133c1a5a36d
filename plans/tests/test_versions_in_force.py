"""An acknowledgement, a co-signature or a review named for a version that is no longer the
one in force (a stale page, a direct request): the participant acknowledges and the team
reviews the version in force; a supervisor still co-signs a version that was in force for a
while, never one entered in error. Each refusal writes nothing and no event of success."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from plans import services
from plans.models import Acknowledgement, Cosignature, PlanReview, TreatmentPlan
from plans.tests.builders import signed
from tandem.errors import InvalidInput


def _revised(world, plan: TreatmentPlan) -> TreatmentPlan:
    draft = services.start_revision(plan, by=world.therapist, change_summary="Add housing.")
    return services.sign_plan(draft, by=world.therapist, expected_version=draft.version)


def _events(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type, outcome="allowed").count()


def _review(world, plan: TreatmentPlan) -> PlanReview:
    return services.record_review(
        plan,
        by=world.therapist,
        reason="scheduled",
        note="Still the right plan.",
        reviewed_on=world.program.today(),
    )


@pytest.fixture
def superseded(world) -> tuple[TreatmentPlan, TreatmentPlan]:
    first = signed(world)
    return first, _revised(world, first)


@pytest.mark.django_db
def test_a_superseded_version_is_not_acknowledged_and_the_refusal_names_the_one_in_force(
    world, superseded
):
    first, second = superseded
    for by, via in ((world.participant_user, "portal"), (world.nurse, "in_person")):
        with pytest.raises(InvalidInput, match="version 2 is the plan in force; acknowledge"):
            services.acknowledge(first, by=by, via=via)
    assert not Acknowledgement.objects.exists()
    assert _events("plan.acknowledged") == 0
    services.acknowledge(second, by=world.participant_user, via="portal")
    assert Acknowledgement.objects.get().plan == second


@pytest.mark.django_db
def test_a_version_entered_in_error_is_not_acknowledged(world, superseded):
    first, second = superseded
    services.mark_plan_in_error(second, by=world.therapist, reason="Signed on the wrong record.")
    with pytest.raises(InvalidInput, match="version 2 was entered in error: version 1 is"):
        services.acknowledge(second, by=world.participant_user, via="portal")
    services.mark_plan_in_error(first, by=world.therapist, reason="Signed on the wrong record.")
    with pytest.raises(InvalidInput, match="no signed plan is in force"):
        services.acknowledge(first, by=world.nurse, via="in_person")
    assert not Acknowledgement.objects.exists() and _events("plan.acknowledged") == 0


@pytest.mark.django_db
def test_a_supervisor_cosigns_a_superseded_version_but_never_one_entered_in_error(
    world, superseded
):
    """No rule the program follows says otherwise: supervision and billing sign off the
    version that was in force while the care was given, even once a revision replaced it."""
    first, second = superseded
    assert services.cosign(first, by=world.supervisor).plan == first
    services.mark_plan_in_error(second, by=world.therapist, reason="Signed on the wrong record.")
    with pytest.raises(InvalidInput, match="version 2 was entered in error"):
        services.cosign(second, by=world.supervisor)
    assert list(Cosignature.objects.values_list("plan", flat=True)) == [first.pk]
    assert _events("plan.cosigned") == 1


@pytest.mark.django_db
def test_a_review_is_of_the_version_in_force_once_a_newer_one_is_withdrawn(world, superseded):
    first, second = superseded
    with pytest.raises(InvalidInput, match="version 2 is the plan in force; review"):
        _review(world, first)
    services.mark_plan_in_error(second, by=world.therapist, reason="Signed on the wrong record.")
    assert _review(world, first).plan == first


@pytest.mark.django_db
def test_a_version_withdrawn_after_the_page_loaded_it_is_neither_reviewed_nor_revised(world):
    plan = signed(world)
    loaded = TreatmentPlan.objects.get(pk=plan.pk)
    services.mark_plan_in_error(plan, by=world.therapist, reason="Signed on the wrong record.")
    with pytest.raises(InvalidInput, match="entered in error"):
        _review(world, loaded)
    with pytest.raises(InvalidInput, match="entered in error"):
        services.start_revision(loaded, by=world.therapist, change_summary="Add housing.")
    assert not PlanReview.objects.exists()
    assert TreatmentPlan.objects.count() == 1
    assert _events("plan.reviewed") + _events("plan.revision_started") == 0


@pytest.mark.django_db
def test_the_tab_refuses_a_stale_acknowledgement_and_offers_the_one_in_force(
    world, login, superseded
):
    first, second = superseded
    client = login(world.nurse)
    tab = reverse("plans:plan", args=[world.participant.public_id])
    response = client.post(
        reverse("plans:acknowledge", args=[world.participant.public_id, first.public_id]),
        {"comment": ""},
    )
    assert response.status_code == 302
    page = client.get(tab).content.decode()
    assert "version 2 is the plan in force; acknowledge that one" in page
    assert (
        reverse("plans:acknowledge", args=[world.participant.public_id, second.public_id]) in page
    )
    assert str(first.public_id) + "/acknowledge/" not in page
    assert not Acknowledgement.objects.exists() and _events("plan.acknowledged") == 0


@pytest.mark.django_db
def test_the_tab_refuses_a_cosignature_of_a_version_entered_in_error(world, login, superseded):
    _, second = superseded
    services.mark_plan_in_error(second, by=world.therapist, reason="Signed on the wrong record.")
    client = login(world.supervisor)
    client.post(reverse("plans:cosign", args=[world.participant.public_id, second.public_id]))
    page = client.get(reverse("plans:plan", args=[world.participant.public_id])).content.decode()
    assert "Plan version 2 was entered in error" in page
    assert not Cosignature.objects.exists() and _events("plan.cosigned") == 0


@pytest.mark.django_db
def test_the_participant_acknowledges_the_version_they_read_only_while_it_is_in_force(world, login):
    first = signed(world)
    client = login(world.participant_user)
    page = client.get(reverse("plans:mine")).content.decode()
    assert f'name="plan" value="{first.public_id}"' in page
    second = _revised(world, first)
    after = client.post(
        reverse("plans:mine"), {"comment": "", "plan": str(first.public_id)}, follow=True
    ).content.decode()
    assert "Your plan has changed since you opened this page" in after
    assert f"Version {second.number}," in after
    assert not Acknowledgement.objects.exists() and _events("plan.acknowledged") == 0
    client.post(reverse("plans:mine"), {"comment": "", "plan": str(second.public_id)})
    assert Acknowledgement.objects.get().plan == second
