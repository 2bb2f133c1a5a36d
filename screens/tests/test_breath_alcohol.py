"""A breath-alcohol test is read by a breath alcohol analyser, not an immunoassay (clinical
reference §10: cups and lab screens are the immunoassays), wherever its method is shown, and
one recorded before the analyser was a method reads so after the upgrade."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from screens import panels
from screens.models import DrugScreen, Method, Panel
from screens.services import add_panel, record_screen
from screens.tests.conftest import COLLECTED
from tandem.errors import InvalidInput

BEFORE = [("screens", "0006_panels_of_an_organization")]


@pytest.fixture
def breath(db) -> Panel:
    panels.seed()
    return Panel.objects.prefetch_related("analytes").get(code="breath-alcohol")


def _breath_test(world, breath, **kwargs) -> DrugScreen:
    return record_screen(
        world.participant,
        by=world.therapist,
        panel=breath,
        results={"ETOH": "negative"},
        collected_at=COLLECTED,
        observed=True,
        now=COLLECTED,
        **kwargs,
    )


def test_the_tab_says_a_breath_test_was_read_by_the_analyser(world, login, breath):
    _breath_test(world, breath)

    page = login(world.therapist).get(reverse("screens:tab", args=[world.participant.public_id]))

    html = page.content.decode()
    assert "Breath · Breath alcohol analyser ·" in html
    assert "immunoassay" not in html


def test_the_record_page_offers_a_breath_panel_the_analyser_alone(world, login, breath, cup):
    client = login(world.therapist)

    def methods(panel) -> list[str]:
        url = reverse("screens:record", args=[world.participant.public_id, panel.public_id])
        page = client.get(url).content.decode()
        select = page.split('name="method"')[1].split("</select>")[0]
        return re.findall(r'<option value="([^"]+)"', select)

    assert methods(breath) == [Method.BREATH_ANALYSER]
    assert methods(cup) == [Method.POINT_OF_CARE, Method.LAB_IMMUNOASSAY, Method.LAB_DEFINITIVE]


def test_an_immunoassay_of_breath_and_the_analyser_on_urine_are_refused(world, breath, cup):
    with pytest.raises(InvalidInput) as breath_by_cup:
        _breath_test(world, breath, method=Method.POINT_OF_CARE)
    with pytest.raises(InvalidInput) as urine_by_analyser:
        record_screen(
            world.participant,
            by=world.therapist,
            panel=cup,
            results={a.code: "negative" for a in cup.analytes.all()},
            collected_at=COLLECTED,
            observed=True,
            method=Method.BREATH_ANALYSER,
            now=COLLECTED,
        )

    assert breath_by_cup.value.field == urine_by_analyser.value.field == "method"
    assert not DrugScreen.objects.exists()


def test_a_program_s_own_breath_panel_is_read_by_the_analyser(world):
    with pytest.raises(InvalidInput) as refused:
        add_panel(
            world.org,
            by=world.director,
            name="Breath, second device",
            specimen="breath",
            method=Method.POINT_OF_CARE,
            source="As printed on the device.",
            analytes=[],
        )
    assert refused.value.field == "method"
    assert not Panel.objects.filter(name="Breath, second device").exists()


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_reads_earlier_breath_tests_by_the_analyser(world, breath, screen_with):
    recorded = _breath_test(world, breath)
    cup_screen = screen_with()
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # As they were stored when an immunoassay was the only method there was.
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    old.get_model("screens", "Panel").objects.filter(pk=breath.pk).update(method="point-of-care")
    old.get_model("screens", "DrugScreen").objects.filter(pk=recorded.pk).update(
        method="point-of-care"
    )

    MigrationExecutor(connection).migrate(leaves)

    assert Panel.objects.get(pk=breath.pk).method == Method.BREATH_ANALYSER
    assert DrugScreen.objects.get(pk=recorded.pk).method == Method.BREATH_ANALYSER
    assert DrugScreen.objects.get(pk=cup_screen.pk).method == Method.POINT_OF_CARE
