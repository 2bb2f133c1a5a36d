"""A participant reads each questionnaire under a plain title in their language, with its
short name after it; staff pages keep the published names."""

import pytest
from django.urls import reverse

from assessments import instruments
from assessments.instruments.titles import PLAIN_TITLES, plain_title
from assessments.services import record_administration
from assessments.tests.administration_helpers import answers


def test_every_instrument_has_a_plain_title_in_each_portal_language(settings):
    codes = {instrument.code for instrument in instruments.all_instruments()}
    assert set(PLAIN_TITLES) == codes
    languages = {code.split("-")[0] for code, _ in settings.LANGUAGES}
    for code, titles in PLAIN_TITLES.items():
        assert set(titles) == languages, code
        assert all(title.strip() for title in titles.values()), code


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en-us", "How you have been feeling (PHQ-9)"),
        ("es", "Cómo se ha sentido (PHQ-9)"),
        ("fr", "How you have been feeling (PHQ-9)"),
        (None, "How you have been feeling (PHQ-9)"),
    ],
)
def test_the_title_follows_the_page_s_language(language, expected):
    assert plain_title(instruments.get("phq-9"), language) == expected


def test_the_portal_names_a_due_questionnaire_plainly(world, login):
    client = login(world.participant_user)
    page = client.get(reverse("assessments:mine", args=["gad-7"])).content.decode()
    assert "<h1>Worry and nerves (GAD-7)</h1>" in page
    assert "<title>Worry and nerves (GAD-7)" in page
    assert "Generalized Anxiety Disorder" not in page


def test_staff_pages_keep_the_published_name(world, login):
    administration = record_administration(
        world.participant,
        code="gad-7",
        answers=answers("gad-7"),
        mode="staff-entered",
        by=world.therapist,
    )
    page = (
        login(world.therapist)
        .get(
            reverse(
                "assessments:result",
                args=[world.participant.public_id, administration.public_id],
            )
        )
        .content.decode()
    )
    assert "<h2>GAD-7 · " in page
    assert "Worry and nerves" not in page
