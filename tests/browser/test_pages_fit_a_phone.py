"""On a 390-px phone no page scrolls sideways as a whole: a wide table scrolls in its own box
and a filter's long choices fit the screen. Before, the chart's Medications and Drug screens
tabs, a long label on the Intake tab and the long select boxes of the outcomes board and the
audit trail pushed the whole page past the screen's edge."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from medications.models import Medication
from participants.models import Participant
from screens.models import DrugScreen
from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_mode"),
]

WIDER_THAN_THE_SCREEN = "document.documentElement.scrollWidth > window.innerWidth"


def _too_wide(page, login: str, urls: list[str]) -> list[str]:
    """The pages among urls that scroll sideways at 390 px for login."""
    sign_in(page, login, "tandem-demo")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    wide = []
    for url in urls:
        page.goto(url)
        if page.evaluate(WIDER_THAN_THE_SCREEN):
            wide.append(url)
    page.get_by_role("button", name="Sign out").click()
    return wide


def test_chart_tabs_boards_and_the_portal_fit_a_phone(page):
    call_command("seed_demo", "--participants", "16", "--quiet-logins")
    person = (
        Participant.objects.filter(
            episodes__care_team__user__username="prescriber", episodes__status="active"
        )
        .filter(pk__in=Medication.objects.values("participant"))
        .filter(pk__in=DrugScreen.objects.values("participant"))
        .first()
    )
    assert person is not None
    page.set_viewport_size({"width": 390, "height": 844})
    chart = [
        reverse(name, args=[person.public_id])
        for name in (
            "participants:chart",
            "intake:intake",
            "intake:diagnoses",
            "medications:tab",
            "screens:tab",
            "measurement:tab",
            "plans:plan",
            "casemanagement:tab",
            "participants:history",
        )
    ]
    wide = _too_wide(page, "prescriber", ["/", *chart, "/casemanagement/resources/"])
    wide += _too_wide(page, "director", ["/outcomes/", "/audit/", "/attendance/dose/"])
    wide += _too_wide(
        page, "participant", ["/me/", "/checkins/me/", "/plans/mine/", "/safety-plan/mine/"]
    )
    assert wide == []
