"""The frame around every page: its styles and scripts, the top bar, the sign-out form."""

import re

from django.templatetags.static import static
from django.urls import reverse

NAV = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)


def test_the_frame_links_the_apps_own_styles_and_scripts(world, login):
    page = login(world.therapist).get(reverse("home")).content.decode()
    for asset in ("favicon.svg", "css/tandem.css", "vendor/htmx.min.js", "js/tandem.js"):
        assert f'"{static(asset)}"' in page, asset
    assert f'<form method="post" action="{reverse("accounts:logout")}" class="signout">' in page


def test_the_top_bar_marks_the_page_being_shown_and_no_other(world, login):
    client = login(world.director)
    search = reverse("participants:search")
    for url in (reverse("home"), search):
        match = NAV.search(client.get(url).content.decode())
        assert match is not None
        current = re.findall(r'<a href="([^"]+)" aria-current="page">', match.group(1))
        assert current == [url]
    chart = reverse("participants:chart", args=[world.participant.public_id])
    match = NAV.search(client.get(chart).content.decode())
    assert match is not None and "aria-current" not in match.group(1)
    assert f'<a href="{search}">Find a participant</a>' in match.group(1)


def test_a_signed_out_page_has_no_top_bar_links(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert NAV.search(page) is None
    assert 'class="brand" href="/"' in page
