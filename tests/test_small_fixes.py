"""Small things people saw: the icon, status labels, table headers and acknowledged alerts."""

import re
from datetime import time

from django.conf import settings
from django.urls import reverse

from scheduling.models import Group


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"


def test_pages_that_serve_get_answer_head_and_refuse_other_methods(client):
    """A HEAD (link checkers, monitors) gets the GET's answer without the body, not a 405."""
    for url in ("/favicon.ico", reverse("self_check")):
        assert client.head(url).status_code == 200, url
        assert client.put(url).status_code == 405, url


def test_status_choices_read_as_words(world, login):
    world.episode.status = "active"
    world.episode.save()
    page = login(world.director).get(
        reverse("participants:chart", args=[world.participant.public_id])
    )
    text = page.content.decode()
    assert "Transferredout" not in text
    assert ">Transferred out</option>" in text


def test_acknowledged_alerts_keep_full_contrast():
    css = (settings.BASE_DIR / "static" / "css" / "tandem.css").read_text()
    rule = re.search(r"\.alert\.done\s*\{([^}]*)\}", css)
    assert rule is not None
    assert "opacity" not in rule.group(1)


def test_schedule_tables_have_no_empty_header(world, login):
    Group.objects.create(
        program=world.program,
        title="Relapse prevention",
        weekday=0,
        start_time=time(9, 0),
        minutes=180,
        mode="in_person",
        capacity=12,
    )
    page = login(world.director).get(reverse("scheduling:calendar", args=[world.program.public_id]))
    text = page.content.decode()
    assert "Relapse prevention" in text
    assert not re.search(r"<th[^>]*>\s*</th>", text)
