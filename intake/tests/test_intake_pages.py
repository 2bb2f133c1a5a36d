"""The Intake and Diagnoses tabs: htmx section saves, conflicts, addenda, search, query budgets."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from intake import services
from intake.models import Intake, IntakeSection

HTMX = {"HTTP_HX_REQUEST": "true"}


def _save_url(world, intake, key):
    return reverse("intake:save_section", args=[world.participant.public_id, intake.public_id, key])


def test_the_tab_offers_to_start_and_then_shows_every_section(world, login):
    client = login(world.therapist)
    tab = reverse("intake:intake", args=[world.participant.public_id])
    assert b"Start the intake" in client.get(tab).content
    client.post(reverse("intake:start", args=[world.participant.public_id]))
    page = client.get(tab).content.decode()
    assert "Biopsychosocial intake — version 1" in page
    for title in [
        "Substance use history",
        "Housing, employment and education",
        "Barriers to attending",
    ]:
        assert title in page
    assert "Internet access for virtual sessions" in page
    assert "Sign the intake" in page


def test_an_htmx_save_swaps_only_its_section_and_updates_the_sign_form(world, login, intake):
    client = login(world.therapist)
    response = client.post(
        _save_url(world, intake, "presenting"),
        {"version": 0, "presenting_problem": "Drinking to sleep.", "participant_goals": "Sleep."},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-presenting"' in body and "Saved." in body
    assert 'id="intake-sign-version"' in body and 'hx-swap-oob="true"' in body
    assert "<html" not in body
    assert IntakeSection.objects.get(intake=intake, key="presenting").version == 1


def test_a_plain_save_redirects_back_to_the_section(world, login, intake):
    response = login(world.therapist).post(
        _save_url(world, intake, "legal"), {"version": 0, "arrests": "2"}
    )
    assert response.status_code == 302 and response.url.endswith("#section-legal")


def test_a_conflicting_htmx_save_shows_the_message_in_the_section(world, login, intake):
    services.save_section(
        intake, "strengths", values={"strengths": "Funny."}, by=world.counsellor, expected_version=0
    )
    response = login(world.therapist).post(
        _save_url(world, intake, "strengths"), {"version": 0, "strengths": "Kind."}, **HTMX
    )
    assert response.status_code == 409  # a conflict, which tandem.js has htmx swap in
    assert "changed by someone else" in response.content.decode()
    assert IntakeSection.objects.get(intake=intake, key="strengths").data == {"strengths": "Funny."}


def test_invalid_input_without_htmx_redisplays_the_tab_with_the_error(world, login, intake):
    response = login(world.therapist).post(
        _save_url(world, intake, "substance_use"), {"version": 0, "first_use_age1": "150"}
    )
    assert response.status_code == 400
    assert "less than or equal to 99" in response.content.decode()


def test_saving_a_signed_intake_redirects_htmx_to_the_new_version(world, login, signed_intake):
    section = IntakeSection.objects.get(intake=signed_intake, key="presenting")
    response = login(world.therapist).post(
        _save_url(world, signed_intake, "presenting"),
        {
            "version": section.version,
            "presenting_problem": "Corrected history.",
            "participant_goals": section.data["participant_goals"],
            "addendum_reason": "Participant corrected the dates.",
        },
        **HTMX,
    )
    assert response["HX-Redirect"] == reverse("intake:intake", args=[world.participant.public_id])
    addendum = Intake.objects.get(supersedes=signed_intake)
    page = login(world.therapist).get(response["HX-Redirect"]).content.decode()
    assert f"version {addendum.number}" in page and "Participant corrected the dates." in page


def test_signing_from_the_page_and_viewing_the_signed_version(world, login, ready_intake):
    client = login(world.therapist)
    client.post(
        reverse("intake:sign", args=[world.participant.public_id, ready_intake.public_id]),
        {"version": ready_intake.version},
    )
    page = client.get(
        reverse("intake:version", args=[world.participant.public_id, ready_intake.public_id])
    ).content.decode()
    assert "Unchanged since signing" in page and "Drinking daily since a job loss" in page


def test_a_peer_gets_the_refusal_page_when_signing(world, login, ready_intake):
    response = login(world.peer).post(
        reverse("intake:sign", args=[world.participant.public_id, ready_intake.public_id]),
        {"version": ready_intake.version},
    )
    assert response.status_code == 403
    assert "Only a licensed clinician can sign an intake." in response.content.decode()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _version(intake, key) -> int:
    row = IntakeSection.objects.filter(intake=intake, key=key).first()
    return row.version if row else 0


def test_the_intake_tab_query_count_does_not_grow_with_versions(world, login, signed_intake):
    client = login(world.therapist)
    tab = reverse("intake:intake", args=[world.participant.public_id])
    one_version = _count_queries(client, tab)
    current = signed_intake
    for n in range(3):
        row = services.save_section(
            current,
            "legal",
            values={"legal_status": f"Court date number {n}."},
            by=world.therapist,
            expected_version=_version(current, "legal"),
            addendum_reason=f"Court update {n}.",
        )
        current = services.sign_intake(
            row.intake, by=world.therapist, expected_version=row.intake.version
        )
    assert current.number == 4
    assert _count_queries(client, tab) == one_version


def _diagnosis_form(code):
    return {"code": code, "status": "confirmed", "made_on": "2026-11-20", "note": ""}


def test_adding_a_diagnosis_from_the_tab(world, login):
    client = login(world.therapist)
    url = reverse("intake:diagnosis_add", args=[world.participant.public_id])
    response = client.post(url, _diagnosis_form("F11.20"))
    assert response.status_code == 302
    page = client.get(reverse("intake:diagnoses", args=[world.participant.public_id]))
    assert b"Opioid dependence, uncomplicated" in page.content


def test_the_diagnoses_tab_gives_its_dates_as_every_other_chart_tab_does(world, login):
    """When a diagnosis was made and when its status changed read Fri 20 Nov 2026, not ISO."""
    made = services.add_diagnosis(
        world.episode,
        code="F10.20",
        status="provisional",
        made_on=date(2026, 11, 20),
        by=world.therapist,
    )
    with time_machine.travel(datetime(2026, 11, 23, 18, tzinfo=UTC), tick=False):
        services.change_diagnosis_status(
            made, to_status="confirmed", by=world.therapist, expected_version=made.version
        )
    page = login(world.therapist).get(
        reverse("intake:diagnoses", args=[world.participant.public_id])
    )
    text = page.content.decode()
    assert f'<div class="muted small">{world.therapist}, Mon 23 Nov 2026</div>' in text
    assert '<div class="muted small">Fri 20 Nov 2026</div>' in text


def test_an_unknown_code_on_the_form_is_explained(world, login):
    response = login(world.therapist).post(
        reverse("intake:diagnosis_add", args=[world.participant.public_id]),
        _diagnosis_form("F10.2"),
    )
    assert response.status_code == 400
    assert "F10.2 is a category" in response.content.decode()


def test_code_search_posts_and_answers_htmx_with_a_fragment(world, login):
    client = login(world.therapist)
    url = reverse("intake:code_search")
    assert client.get(url).status_code == 405
    fragment = client.post(url, {"q": "ptsd"}, **HTMX).content.decode()
    assert 'data-use-code="F43.10"' in fragment and "<html" not in fragment
    page = client.post(url, {"q": "F33.4"}).content.decode()
    assert "<html" in page and "F33.42" in page
    assert (
        "No code in Tandem's list matches"
        in client.post(url, {"q": "zebra"}, **HTMX).content.decode()
    )


def test_code_search_is_for_staff(world, login):
    response = login(world.participant_user).post(reverse("intake:code_search"), {"q": "ptsd"})
    assert response.status_code == 403


@pytest.mark.parametrize("extra", [0, 6])
def test_the_diagnoses_tab_query_count_does_not_grow_with_diagnoses(world, login, extra):
    client = login(world.therapist)
    url = reverse("intake:diagnoses", args=[world.participant.public_id])
    services.add_diagnosis(
        world.episode,
        code="F10.20",
        status="confirmed",
        made_on=world.program.today(),
        by=world.therapist,
    )
    baseline = _count_queries(client, url)
    for code in ["F33.1", "F41.1", "F43.10", "F12.20", "F14.20", "F90.2"][:extra]:
        services.add_diagnosis(
            world.episode,
            code=code,
            status="provisional",
            made_on=world.program.today(),
            by=world.therapist,
        )
    assert _count_queries(client, url) == baseline


def test_a_section_save_by_a_non_signer_updates_only_what_their_page_has(world, login, intake):
    body = (
        login(world.nurse)
        .post(_save_url(world, intake, "medical"), {"version": 0, "allergies": "None"}, **HTMX)
        .content.decode()
    )
    assert 'id="intake-missing" hx-swap-oob="true"' in body
    assert "intake-sign-version" not in body
    tab = login(world.nurse).get(reverse("intake:intake", args=[world.participant.public_id]))
    assert b'id="intake-missing"' in tab.content and b"Sign the intake" not in tab.content


def test_the_versions_list_gives_the_day_each_version_was_started(world, login):
    """Started Fri 20 Nov 2026 (the program's day), as every other chart tab says it."""
    with time_machine.travel(datetime(2026, 11, 21, 3, tzinfo=UTC), tick=False):
        services.start_intake(world.episode, by=world.therapist)
    page = login(world.therapist).get(reverse("intake:intake", args=[world.participant.public_id]))
    text = page.content.decode()
    assert f"<td>{world.therapist} Fri 20 Nov 2026</td>" in text
    assert "2026-11-2" not in text
