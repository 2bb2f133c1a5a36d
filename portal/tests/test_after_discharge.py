"""After the stay: the portal home says the participant left and leads to their discharge
summary, instead of calling them still in the program with a team "to appear"."""

from datetime import date

from django.urls import reverse

from discharge.tests.builders import discharge_world
from participants.models import Episode, EpisodeStatus


def test_the_home_leads_a_discharged_participant_to_their_summary(world, login):
    discharge_world(world)
    client = login(world.participant_user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "You left the program on Fri 20 Nov 2026." in page
    assert f'<a class="button" href="{reverse("discharge:mine")}">' in page
    assert "You are in" not in page
    assert "Your team will appear here." not in page
    assert "Check in now" not in page

    summary = client.get(reverse("discharge:mine")).content.decode()
    nav = summary[summary.index('<nav aria-label="Main">') : summary.index("</nav>")]
    assert f'<a href="{reverse("portal:home")}">My program</a>' in nav


def test_a_participant_in_the_program_is_not_sent_to_a_discharge_summary(world, login):
    page = login(world.participant_user).get(reverse("portal:home")).content.decode()
    assert "You are in" in page
    assert reverse("discharge:mine") not in page


def test_the_discharged_home_is_in_spanish(world, login):
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    discharge_world(world)
    page = login(world.participant_user).get(reverse("portal:home")).content.decode()
    assert "Usted dejó el programa el vie 20 nov 2026." in page
    assert "Lea su resumen de alta y su plan de cuidados después del alta" in page


def test_a_stay_that_ended_without_a_discharge_leads_to_no_summary(world, login):
    """Transferred out, the participant has no discharge summary to read."""
    Episode.objects.filter(pk=world.episode.pk).update(
        status=EpisodeStatus.TRANSFERRED_OUT, discharged_on=date(2026, 11, 20)
    )
    page = login(world.participant_user).get(reverse("portal:home")).content.decode()
    assert reverse("discharge:mine") not in page
    assert "You left the program on" not in page
    assert "Check in now" not in page
