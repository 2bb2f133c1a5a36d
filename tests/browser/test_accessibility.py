"""axe-core on the main pages, as the roles that use them: no serious or critical finding.

axe is vendored (tests/browser/vendor/axe-core, pinned by hash) and evaluated through the
browser's debugging protocol, so nothing is fetched and the pages' CSP stays as served.
"""

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Administration
from monitoring.models import Alert, AlertStatus
from participants.models import Participant
from plans.models import ReviewReason, TreatmentPlan
from plans.services import record_review
from tests.browser.conftest import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_mode"),
]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "e9e5863c33a874f09bc01acd9234b7e3c871479f5eef8802fa582544465e6d01"
BLOCKING = ("serious", "critical")
User = get_user_model()


def _axe_source() -> str:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "axe.min.js is not the pinned file"
    return source.decode()


def findings(page, source: str) -> list[str]:
    """Serious and critical axe violations on the page now shown, one line each."""
    page.evaluate(source)
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})); }"
    )
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result if v["impact"] in BLOCKING]


def _chart_pages(person: Participant) -> list[str]:
    return [
        reverse(name, args=[person.public_id])
        for name in (
            "participants:chart",
            "participants:summary",
            "assessments:tab",
            "intake:intake",
            "intake:diagnoses",
            "monitoring:participant_alerts",
            "attendance:participant_attendance",
            "scheduling:participant",
            "participants:history",
            "plans:plan",
            "medications:tab",
            "screens:tab",
            "measurement:tab",
            "notes:tab",
            "notes:new",
            "casemanagement:tab",
        )
    ]


def test_main_pages_have_no_serious_or_critical_axe_findings(page):
    call_command("seed_demo", "--participants", "16", "--quiet-logins")
    source = _axe_source()
    signed = TreatmentPlan.objects.current().filter(signed_at__isnull=False)
    person = (
        Participant.objects.filter(
            episodes__care_team__user__username="therapist", episodes__status="active"
        )
        .filter(pk__in=Administration.objects.values("participant"))
        .filter(pk__in=signed.values("participant"))
        .first()
    )
    assert person is not None
    # The plan tab's "Reviews without changes" table shows once a review kept the plan as it is.
    plan = signed.filter(participant=person).latest("signed_at")
    record_review(
        plan,
        by=User.objects.get(username="therapist"),
        reason=ReviewReason.SCHEDULED,
        note="Goals still fit; no change.",
        reviewed_on=plan.episode.program.today(),
    )
    alert = Alert.objects.filter(participant=person).first() or Alert.objects.create(
        participant=person, kind="suicide-risk", severity="critical", title="Test alert"
    )
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.ACKNOWLEDGED)
    visits = {
        "therapist": ["/", "/attendance/dose/", "/schedule/", *_chart_pages(person)],
        "director": [
            "/",
            "/attendance/dose/",
            "/attendance/",
            "/audit/",
            "/accounts/staff/",
            "/outcomes/",
        ],
        "intake": ["/", "/participants/new/", "/participants/search/"],
        "frontdesk": ["/", "/attendance/", "/schedule/"],
        "auditor": ["/", "/audit/"],
    }
    found = {}
    for login, urls in visits.items():
        sign_in(page, login, "tandem-demo")
        page.wait_for_url("**/")
        for url in urls:
            page.goto(url)
            problems = findings(page, source)
            if problems:
                found[f"{login} {url}"] = problems
        page.get_by_role("button", name="Sign out").click()
    assert found == {}
