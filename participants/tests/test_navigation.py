"""The top bar and the chart's tabs offer each role only the pages the access policy opens."""

import re

import pytest
from django.urls import reverse

from conftest import PERSONAS

NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
TABS = re.compile(r'<nav class="tabs" aria-label="Chart sections">(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_every_top_bar_link_opens_for_the_role(world, login, persona):
    client = login(world.users[persona])
    nav = _found(NAV.search(client.get("/").content.decode()))
    links = HREF.findall(nav)
    assert links
    for url in links:
        assert client.get(url).status_code != 403, url


@pytest.mark.parametrize(
    ("persona", "absent"),
    [
        ("therapist", "/audit/"),
        ("nurse", "/audit/"),
        ("frontdesk", "/participants/new/"),
        ("billing", "/participants/new/"),
        ("auditor", "/participants/new/"),
    ],
)
def test_top_bar_hides_pages_the_role_cannot_open(world, login, persona, absent):
    nav = _found(NAV.search(login(world.users[persona]).get("/").content.decode()))
    assert absent not in nav


@pytest.mark.parametrize("persona", ["frontdesk", "billing", "therapist", "director"])
def test_chart_tabs_are_the_ones_the_role_can_open(world, login, persona):
    client = login(world.users[persona])
    page = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    tabs = HREF.findall(_found(TABS.search(page.content.decode())))
    assert tabs
    for url in tabs:
        assert client.get(url).status_code == 200, url


def test_front_desk_sees_no_clinical_tab(world, login):
    client = login(world.frontdesk)
    page = client.get(reverse("participants:chart", args=[world.participant.public_id]))
    tabs = _found(TABS.search(page.content.decode()))
    for clinical in ("Assessments", "Intake", "Diagnoses", "History", "Alerts"):
        assert f">{clinical}<" not in tabs
    assert ">Schedule<" in tabs and ">Attendance<" in tabs


def _found(match: re.Match[str] | None) -> str:
    assert match is not None, "the page has no navigation bar"
    return match.group(1)


def test_the_directors_settings_pages_are_one_menu_marked_when_one_is_shown(world, login):
    client = login(world.director)
    nav = _found(NAV.search(client.get("/").content.decode()))
    menu = re.search(r'<details class="navmenu"><summary>Settings</summary>(.*?)</details>', nav)
    assert menu is not None, nav
    assert HREF.findall(menu.group(1)) == [
        reverse("accounts:staff"),
        reverse("plans:settings"),
        reverse("notes:settings"),
        reverse("screens:panels"),
        reverse("billing:payers"),
    ]
    shown = _found(NAV.search(client.get(reverse("notes:settings")).content.decode()))
    assert (
        '<summary class="current">Settings'
        '<span class="visually-hidden">: Note settings, the page shown</span></summary>'
    ) in shown


def test_the_directors_less_daily_pages_are_under_more_and_a_therapists_stay_in_the_bar(
    world, login
):
    director = _found(NAV.search(login(world.director).get("/").content.decode()))
    more = re.search(r'<details class="navmenu"><summary>More</summary>(.*?)</details>', director)
    assert more is not None, director
    assert reverse("outcomes:board") in HREF.findall(more.group(1))
    assert reverse("worklist:mine") not in HREF.findall(more.group(1))

    therapist = _found(NAV.search(login(world.therapist).get("/").content.decode()))
    assert "navmenu" not in therapist
    assert reverse("discharge:call_list") in HREF.findall(therapist)


def test_no_settings_menu_for_a_role_that_may_open_none_of_its_pages(world, login):
    nav = _found(NAV.search(login(world.auditor).get("/").content.decode()))
    assert "navmenu" not in nav
    assert reverse("audit:trail") in nav
