"""Every page as every demo role: no link on any page the role can reach answers 403.

The crawl starts at the home page, follows every same-site link (and htmx GET) it finds,
and records the page that offered any link answering 403. Pages of the same shape (the same
path with ids and dates replaced) are visited a few times each, so the crawl stays small
while still reaching every kind of page.
"""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings

from participants.demo import DEMO_PASSWORD, STAFF

PER_SHAPE = 2
MAX_PAGES = 400
SKIPPED = ("/static/", "/api/", "/accounts/logout", "/media/")
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "hx-get"):
            if tag in ("a", "button", "div", "form", "tr", "span") and values.get(name):
                self.found.append(values[name] or "")


def links_on(page_url: str, html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.found:
        url = urljoin(page_url, href.split("#")[0])
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIPPED):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def shape(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(sorted(p.split("=")[0] for p in parts.query.split("&") if p))
    return _ID.sub("#", parts.path) + "?" + query


def crawl(client) -> tuple[list[tuple[str, str, int]], int]:
    """(page offering the link, link, status) for every link answering 403; pages visited."""
    seen_shapes: dict[str, int] = {}
    visited: set[str] = set()
    queue: deque[tuple[str, str]] = deque([("/", "(start)")])
    refused = []
    while queue and len(visited) < MAX_PAGES:
        url, offered_on = queue.popleft()
        if url in visited:
            continue
        key = shape(url)
        if seen_shapes.get(key, 0) >= PER_SHAPE:
            continue
        seen_shapes[key] = seen_shapes.get(key, 0) + 1
        visited.add(url)
        response = client.get(url)
        if response.status_code == 403:
            refused.append((offered_on, url, 403))
            continue
        if response.status_code in (301, 302):
            queue.append((response["Location"], url))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links_on(url, response.content.decode()):
            if link not in visited:
                queue.append((link, url))
    return refused, len(visited)


@pytest.fixture(scope="module")
def demo_program(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(TANDEM_DEMO=True):
        call_command("seed_demo", "--participants", "16", "--quiet-logins")
    yield
    with django_db_blocker.unblock():
        from django.core.management import call_command as run

        run("flush", "--no-input")


@pytest.mark.parametrize("login", [*STAFF, "participant"])
def test_no_link_on_any_page_answers_403(demo_program, db, client, login):
    response = client.post("/accounts/login/", {"username": login, "password": DEMO_PASSWORD})
    assert response.status_code == 302

    refused, pages = crawl(client)

    assert pages >= 2
    assert refused == []
