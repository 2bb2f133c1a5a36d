"""The chart's links, reversed once per process with stand-in ids, are the addresses
`reverse` gives for the real ones."""

import uuid

from django.urls import reverse, set_script_prefix

from participants.chart import page_url, tabs


def test_a_page_address_is_the_one_reverse_gives():
    participant, episode = uuid.uuid4(), uuid.uuid4()
    for tab in tabs():
        assert page_url(tab.url_name, participant) == reverse(tab.url_name, args=[participant])
    assert page_url("participants:transition", participant, episode) == reverse(
        "participants:transition", args=[participant, episode]
    )


def test_a_page_address_follows_the_script_prefix():
    participant = uuid.uuid4()
    set_script_prefix("/tandem/")
    try:
        assert (
            page_url("participants:edit", participant)
            == f"/tandem/participants/{participant}/edit/"
        )
    finally:
        set_script_prefix("/")
    assert page_url("participants:edit", participant) == f"/participants/{participant}/edit/"


def test_the_overview_links_each_page_it_offers(world, login):
    page = login(world.director).get(
        reverse("participants:chart", args=[world.participant.public_id])
    )
    text = page.content.decode()
    args = [world.participant.public_id]
    for name in ("edit", "print", "care_team_add"):
        assert f'href="{reverse(f"participants:{name}", args=args)}"' in text, name
    assert f'href="{reverse("consent:disclose", args=args)}"' in text
    transition = reverse("participants:transition", args=[*args, world.episode.public_id])
    assert f'action="{transition}"' in text
