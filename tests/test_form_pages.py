"""The staff form pages of a demo-like program, as the roles that fill them in: every label
reads without a trailing colon and no select offers Django's "---------" as a choice.

A clinician filling in a chart at the end of the day reads "Medication" beside the box, as on
the intake and level-of-care forms, and an empty choice that says what leaving it empty means
("Not prescribed here"), never a row of dashes.
"""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import Program
from participants.demo import DEMO_PASSWORD
from participants.models import Participant

_LABEL_WITH_COLON = re.compile(r":\s*</(label|legend)>")
_DASHES_CHOICE = re.compile(r"<option[^>]*>\s*[-—–]+\s*</option>")


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(TANDEM_DEMO=True):
        call_command("seed_demo", "--participants", "16", "--quiet-logins")
    yield
    with django_db_blocker.unblock():
        call_command("flush", "--no-input")


def _person() -> Participant:
    person = Participant.objects.filter(
        episodes__care_team__user__username="therapist", episodes__status="active"
    ).first()
    assert person is not None
    return person


def _chart_forms(person: Participant) -> list[str]:
    return [
        reverse(name, args=[person.public_id])
        for name in (
            "medications:tab",
            "casemanagement:tab",
            "scheduling:participant",
            "safety:tab",
            "screens:tab",
            "intake:diagnoses",
            "assessments:tab",
            "discharge:discharge",
            "participants:edit",
            "placement:level_of_care",
            "intake:intake",
            "notes:new",
        )
    ]


def _program_forms() -> list[str]:
    program = Program.objects.get()
    return [
        reverse(name, args=[program.public_id])
        for name in (
            "scheduling:group_new",
            "scheduling:room_new",
            "scheduling:calendar",
            "measurement:schedule",
        )
    ]


def _pages_as(client, login: str, urls: list[str]) -> dict[str, str]:
    client.logout()
    response = client.post("/accounts/login/", {"username": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[f"{login} {url}"] = response.content.decode()
    return pages


def _all_pages(client) -> dict[str, str]:
    person = _person()
    return {
        **_pages_as(client, "therapist", _chart_forms(person)),
        **_pages_as(client, "prescriber", [reverse("medications:tab", args=[person.public_id])]),
        **_pages_as(
            client,
            "casemanager",
            [
                reverse("casemanagement:tab", args=[person.public_id]),
                reverse("casemanagement:directory"),
            ],
        ),
        **_pages_as(client, "director", _program_forms()),
        **_pages_as(
            client, "intake", [reverse("participants:new"), reverse("participants:search")]
        ),
    }


def test_no_select_on_the_form_pages_offers_dashes(demo_world, db, client):
    pages = _all_pages(client)

    assert {
        page: _DASHES_CHOICE.findall(html)
        for page, html in pages.items()
        if _DASHES_CHOICE.search(html)
    } == {}


def test_no_label_on_the_form_pages_ends_in_a_colon(demo_world, db, client):
    pages = _all_pages(client)

    assert {
        page: _LABEL_WITH_COLON.findall(html)
        for page, html in pages.items()
        if _LABEL_WITH_COLON.search(html)
    } == {}


def test_the_medication_form_names_its_fields_plainly(demo_world, db, client):
    person = _person()
    html = _pages_as(client, "prescriber", [reverse("medications:tab", args=[person.public_id])])
    page = next(iter(html.values()))

    assert '<label for="id_code">Medication</label>' in page
    assert '<label for="id_started_on">Started</label>' in page
    assert '<option value="elsewhere">Not prescribed here</option>' in page


def test_a_checkbox_list_is_a_fieldset_named_by_its_legend(demo_world, db, client):
    program = Program.objects.get()
    html = _pages_as(
        client, "director", [reverse("scheduling:group_new", args=[program.public_id])]
    )
    page = next(iter(html.values()))

    assert re.search(r'<fieldset class="field">\s*<legend>Facilitators</legend>', page)


def _labels_before_their_checkbox(html: str) -> list[str]:
    """Ids of single checkboxes whose label comes first (a label wrapping its box, as a
    checkbox list's choices are, is beside its box already)."""
    found = []
    for box in re.finditer(r'<input type="checkbox"[^>]*\bid="([^"]+)"', html):
        label = re.search(rf'<label for="{re.escape(box.group(1))}">(?!\s*<input)', html)
        if label is not None and label.start() < box.start():
            found.append(box.group(1))
    return found


def test_a_single_checkbox_comes_before_its_label_on_one_line(demo_world, db, client):
    """ "Written with the participant" reads as a sentence the box answers, the box first, not
    as a heading over a lone box on the line below."""
    pages = _all_pages(client)

    assert any('name="written_with_participant"' in html for html in pages.values())
    assert {
        page: _labels_before_their_checkbox(html)
        for page, html in pages.items()
        if _labels_before_their_checkbox(html)
    } == {}
