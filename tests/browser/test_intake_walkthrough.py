"""An intake coordinator takes a new referral all the way to admission, in a real browser."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import hold_script, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_mode"),
]


def _tab(page, name: str) -> None:
    page.get_by_role("navigation", name="Chart sections").get_by_role("link", name=name).click()


def test_referral_intake_phq9_alert_diagnoses_level_of_care_admission(page):
    call_command("seed_demo", "--participants", "12", "--quiet-logins")
    sign_in(page, "intake", "tandem-demo")

    # 1. A new referral.
    page.get_by_role("link", name="New referral").click()
    page.get_by_label("Legal first name").fill("Wren")
    page.get_by_label("Legal last name").fill("Halvorsen")
    page.get_by_label("Date of birth").fill("1991-04-12")
    page.get_by_label("Sex at birth").select_option("female")
    page.get_by_label("Referred on").fill("2026-11-16")
    page.get_by_label("Referral source").fill("Primary care")
    page.get_by_role("button", name="Open referral").click()
    page.get_by_role("heading", name="Wren Halvorsen").wait_for()

    # 2. The biopsychosocial intake, saved in parts and signed.
    _tab(page, "Intake")
    page.get_by_role("button", name="Start the intake").click()
    # htmx saves a section in place once the page has loaded; before that a section saves
    # through the whole page, which says so at its top instead.
    page.wait_for_load_state()
    presenting = page.get_by_role("region", name="Presenting problem and goals")
    presenting.get_by_label("What brings them to treatment now").fill(
        "Drinking daily since a job loss; low mood for months."
    )
    presenting.get_by_label("The participant's own goals").fill("Stop drinking; keep custody.")
    presenting.get_by_role("button", name="Save section").click()
    presenting.get_by_text("Saved.").wait_for()
    substances = page.get_by_role("region", name="Substance use history")
    substances.get_by_label("Primary substance", exact=True).select_option(label="Alcohol")
    substances.get_by_role("button", name="Save section").click()
    substances.get_by_text("Saved.").wait_for()
    page.reload()
    page.get_by_text("Everything needed for signing is filled in.").wait_for()
    page.get_by_role("button", name="Sign the intake").click()
    page.get_by_text("Intake version 1 signed.").wait_for()

    # 3. PHQ-9 with item 9 positive raises an alert at once.
    _tab(page, "Assessments")
    page.get_by_label("Instrument").select_option("phq-9")
    page.get_by_label("Staff-entered").check()
    page.get_by_role("button", name="Start").click()
    for item in range(1, 9):
        page.get_by_role("group", name=re.compile(rf"^{item}\. ")).get_by_label(
            "More than half the days"
        ).check()
    page.get_by_role("group", name=re.compile(r"^9\. ")).get_by_label("Several days").check()
    page.get_by_role("button", name="Record answers").click()
    page.get_by_text("Critical answer").wait_for()
    expect(page.get_by_text(re.compile("Alert raised"))).to_be_visible()

    # 4. The alert is on the header and the home page until acknowledged with a note.
    expect(page.get_by_role("link", name="1 open alert")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    panel = page.get_by_role("region", name=re.compile("Alerts for you"))
    panel.get_by_label("What did you do?").first.fill(
        "Same-day risk assessment; safety plan written."
    )
    panel.get_by_role("button", name="Acknowledge").first.click()
    page.get_by_text("Alert acknowledged.").wait_for()

    # 5. Diagnoses: alcohol use disorder and an independent depressive disorder.
    page.get_by_role("link", name="Find a participant").click()
    page.get_by_label("Name or record number").fill("Halvorsen")
    page.get_by_role("button", name="Search").click()
    page.locator("#results").get_by_role("link", name=re.compile("Wren Halvorsen")).click()
    _tab(page, "Diagnoses")
    for code in ("F10.20", "F33.1"):
        page.get_by_label("ICD-10-CM code").fill(code)
        page.get_by_label("Status", exact=True).select_option("confirmed")
        page.get_by_label("Date of diagnosis").fill("2026-11-18")
        page.get_by_role("button", name="Add diagnosis").click()
        page.get_by_text(f"Diagnosis {code} added.").wait_for()
    expect(page.get_by_text("Co-occurring").first).to_be_visible()

    # 6. Level of care: rate, see the recommendation and its reasons, decide, admit. htmx is
    # held back until all six are rated, as on a slow link: the recommendation follows them.
    release_htmx = hold_script(page, "vendor/htmx.min.js")
    _tab(page, "Level of care")
    for dimension, rating in {"1": "1", "2": "0", "3": "2", "4": "2", "5": "2", "6": "1"}.items():
        page.get_by_label(f"Rating for dimension {dimension}", exact=True).select_option(rating)
        if rating != "0":
            page.get_by_label(f"Note on dimension {dimension}", exact=True).fill("Rated at intake.")
    release_htmx()
    expect(page.locator("#recommendation")).to_contain_text("Recommended:")
    page.get_by_role("button", name="Show recommendation").click()
    page.get_by_text("Tandem default rules — not the ASAM Criteria decision rules").first.wait_for()
    page.get_by_text(re.compile("Recommended:")).first.wait_for()
    # Decided before the admission it is for: the admission reads the decision in effect
    # on its own date.
    page.get_by_label("Decided on").fill("2026-11-20")
    page.get_by_label("Level of care chosen").select_option("2.1")
    page.get_by_label("The steps asked for above are done").check()
    page.get_by_role("button", name="Record decision").click()
    page.get_by_label("Admission date").fill("2026-11-23")
    page.get_by_label("Primary clinician").select_option(label="Dana Reyes, LMFT")
    page.get_by_role("button", name="Admit to IOP").click()
    page.get_by_text("Admitted on Mon 23 Nov 2026.").wait_for()
    # The case has left the intake queue: the coordinator is told who holds it now.
    expect(page.get_by_text("Dana Reyes, LMFT is now the primary clinician")).to_be_visible()
