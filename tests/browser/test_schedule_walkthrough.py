"""The program director builds next week's schedule, as a new user would, in a real browser.

Sign in, open the schedule, build next week (the solver runs in the background while the
page shows its progress), review everyone's week and publish it.
"""

import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tandem.templatetags.clock import day
from tests.browser.conftest import hold_script, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("demo_mode"),
]


def test_director_builds_reviews_and_publishes_next_week(page, settings):
    # The demo queues delayed work (referral checks, follow-ups) on the database backend, which
    # holds a job until its time. The live server has no worker beside it: from here on the
    # solve runs as the request that queues it commits, with django-tasks' immediate backend.
    call_command("seed_demo", "--participants", "40", "--quiet-logins")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    sign_in(page, "director", "tandem-demo")
    # The page's script is held back until the director has picked a date, as on a slow link
    # where someone picks one before the script arrives.
    release_script = hold_script(page, "js/scheduling.js")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    week_of = page.get_by_label("Week of", exact=True)
    next_monday = date.fromisoformat(week_of.input_value())
    build = f"the week of {day(next_monday)}"
    page.get_by_role("heading", name=f"Build the schedule for {build}").wait_for()
    expect(page.get_by_role("heading", name=re.compile("^Week of"))).to_be_visible()

    # Picking another date renames the card to that date's week, whether the date was picked
    # before the script arrived or after; back to next week.
    week_of.fill((next_monday + timedelta(days=9)).isoformat())
    release_script()
    later = f"the week of {day(next_monday + timedelta(days=7))}"
    page.get_by_role("heading", name=f"Build the schedule for {later}").wait_for()
    assert page.get_by_role("button", name=f"Build {later}").is_visible()
    week_of.fill(next_monday.isoformat())

    # Build next week: a short search keeps the walkthrough quick.
    page.get_by_label("How long to search for the best week (seconds)").fill("5")
    page.get_by_role("button", name=f"Build {build}").click()
    page.get_by_role("heading", name=re.compile("^Schedule for the week of")).wait_for()
    expect(page.locator("#run-progress")).to_be_visible()  # the progress bar and its message

    # The page follows the background run by itself and shows the proposal when ready.
    page.get_by_role("heading", name="Proposal").wait_for(timeout=60000)
    page.wait_for_load_state()  # the whole proposal, not only as far as the browser has read
    assert page.get_by_text("Checked: every rule holds").is_visible()
    assert page.get_by_text(re.compile(r"of \d+ participants")).first.is_visible()
    weeks = page.get_by_role("table").filter(has_text="Compared with this week")
    assert weeks.locator("tbody tr").count() > 5
    assert page.get_by_text("full dose").first.is_visible()

    # Publish the proposal for that week.
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state()
    page.get_by_text(re.compile("^Published")).first.wait_for()
    assert page.get_by_role("heading", name=re.compile("^Week of")).is_visible()
    assert page.locator(".session-card").count() > 5
