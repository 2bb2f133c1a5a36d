"""A clinician writing a draft plan sees why a row was not saved, in place, without leaving
the editor: the refusal comes back with a 4xx status and the editor with its message."""

import pytest
from django.urls import reverse

from conftest import PASSWORD
from plans.models import Objective
from plans.tests.builders import draft_plan
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_objective_shows_why_in_the_editor(page, world):
    plan = draft_plan(world)
    sign_in(page, "therapist", PASSWORD)
    page.goto(reverse("plans:edit", args=[world.participant.public_id, plan.public_id]))
    page.wait_for_load_state()

    page.get_by_text("Add an objective to this goal").click()
    form = page.locator("form", has=page.get_by_role("button", name="Add the objective"))
    form.get_by_label("Objective (measurable)").fill("Sleep through most nights")
    form.get_by_label("Target date").fill("2027-01-15")
    form.locator("select[name=comparator]").select_option("lt")
    form.locator("input[name=target_value]").fill("10")
    form.get_by_role("button", name="Add the objective").click()

    page.get_by_role("alert").get_by_text("A target needs a measure to compare.").wait_for()
    assert "/plans/" in page.url and "edit" in page.url  # still in the editor
    assert not Objective.objects.filter(text="Sleep through most nights").exists()


def test_a_draft_changed_elsewhere_says_so_in_the_editor(page, world):
    plan = draft_plan(world)
    sign_in(page, "therapist", PASSWORD)
    page.goto(reverse("plans:edit", args=[world.participant.public_id, plan.public_id]))
    page.wait_for_load_state()
    type(plan).objects.filter(pk=plan.pk).update(version=plan.version + 1)  # a colleague saved

    page.get_by_text("Add an objective to this goal").click()
    form = page.locator("form", has=page.get_by_role("button", name="Add the objective"))
    form.get_by_label("Objective (measurable)").fill("Sleep through most nights")
    form.get_by_label("Target date").fill("2027-01-15")
    form.get_by_role("button", name="Add the objective").click()

    page.get_by_role("alert").wait_for()
    assert not Objective.objects.filter(text="Sleep through most nights").exists()
