"""The anonymous self-check: guidance and crisis lines, and it stores and sets nothing."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from placement import self_check
from signin.models import Session

FITS = {
    "self_harm": "no",
    "more_than_weekly": "yes",
    "withdrawal": "no",
    "round_the_clock": "no",
    "safe_home": "yes",
    "can_attend": "yes",
}


@pytest.mark.parametrize(
    ("answers", "outcome", "crisis"),
    [
        (FITS, "iop-may-fit", False),
        ({**FITS, "self_harm": "yes"}, "iop-may-fit", True),
        ({**FITS, "self_harm": ""}, "iop-may-fit", True),
        ({**FITS, "withdrawal": "yes"}, "higher-care", False),
        ({**FITS, "round_the_clock": "yes"}, "higher-care", False),
        ({**FITS, "safe_home": "no"}, "talk-it-through", False),
        ({**FITS, "can_attend": "unsure"}, "talk-it-through", False),
        ({}, "talk-it-through", True),
    ],
)
def test_guidance_follows_the_iop_fit_factors(answers, outcome, crisis):
    result = self_check.guidance(answers)
    assert (result.outcome, result.crisis) == (outcome, crisis)


def test_guidance_names_the_barrier_and_housing_help():
    points = " ".join(self_check.guidance({**FITS, "safe_home": "no", "can_attend": "no"}).points)
    assert "housing" in points and "transport, childcare, work shifts, internet" in points


def _csrf_enforcing_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
def test_the_page_works_signed_out_with_no_cookie_and_no_database(django_assert_num_queries):
    client = _csrf_enforcing_client()
    with django_assert_num_queries(0):
        response = client.get(reverse("self_check"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "Your answers are not saved." in body and "sets no cookies" in body
    assert "Call or text 988" in body and "988lifeline.org" in body
    assert "1-800-662-HELP (4357)" in body and "Text HOME to 741741" in body
    assert "How to ask for an intake" in body


@pytest.mark.django_db
def test_answers_post_without_a_csrf_cookie_and_nothing_is_stored(django_assert_num_queries):
    client = _csrf_enforcing_client()
    sessions, events = Session.objects.count(), AuditEvent.objects.count()
    with django_assert_num_queries(0):
        response = client.post(reverse("self_check"), {**FITS, "self_harm": "yes"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Please reach out now" in body and 'role="alert"' in body
    assert "You said you have had thoughts of harming yourself" in body
    assert body.index("Call or text 988") < body.index(
        "An intensive outpatient program may fit you"
    )
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert (Session.objects.count(), AuditEvent.objects.count()) == (sessions, events)


@pytest.mark.django_db
def test_withdrawal_answers_point_to_a_higher_level_first():
    response = Client().post(reverse("self_check"), {**FITS, "withdrawal": "yes"})
    assert (
        "A more intensive level of care may be the safest first step" in response.content.decode()
    )


def test_the_page_is_public_and_at_self_check():
    assert reverse("self_check") == "/self-check/"


@pytest.mark.django_db
def test_an_unanswered_self_harm_question_still_shows_the_crisis_lines_without_saying_yes():
    body = Client().post(reverse("self_check"), {**FITS, "self_harm": ""}).content.decode()
    assert "Please reach out now" in body
    assert "If you are having any thoughts of harming yourself" in body
    assert "You said you have had thoughts" not in body
