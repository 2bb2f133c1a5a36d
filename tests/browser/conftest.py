"""Playwright against Debian's chromium (never a downloaded browser) and a live server."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Route

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# for setup are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Browser tests need Debian's chromium: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _checked_page(browser, live_server, **options) -> Iterator:
    """A page in a new browser context; script errors and CSP refusals fail the test, while
    an expected 403/404 response does not."""
    context = browser.new_context(base_url=live_server.url, **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def page(browser, live_server):
    yield from _checked_page(browser, live_server, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(browser, live_server):
    """A phone's touch screen, where what a participant taps must be big enough to tap."""
    yield from _checked_page(
        browser,
        live_server,
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
    )


def sign_in(page, username: str, password: str) -> None:
    """Sign in and wait for the page it leads to to finish loading.

    A click waits only for the next page to start: its deferred scripts (htmx, the top bar's
    menus, the stacked tables' labels) and its stylesheet may still be on their way, and a
    test that clicks, reads a layout or counts rows at once would race them.
    """
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def hold_script(page, path: str) -> Callable[[], None]:
    """Keep static/PATH from the page until the returned function is called, as on a slow
    link where a person uses the page before its script arrives.

    Whatever the test does before the call happens before the script runs: the browser cannot
    run a script it has not received, whether it has asked for it yet or not.
    """
    held: list[Route] = []
    released = False

    def hold(route: Route) -> None:
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route(f"**/static/{path}", hold)

    def release() -> None:
        nonlocal released
        released = True
        for route in held:
            route.continue_()

    return release


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory, django_db_modify_db_settings_parallel_suffix):
    """Give the live server a SQLite file, not the shared in-memory database.

    The in-memory database locks whole tables with no wait, so two requests the browser
    makes at once (an htmx preview beside a form post) fail with "table is locked"; a file
    database waits its busy timeout like the real deployment does. On PostgreSQL each worker
    keeps its own test database (pytest-django's suffix), so one worker never drops the other's.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("browser-db") / "tandem.sqlite3"
        )
