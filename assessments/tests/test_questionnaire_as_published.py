"""The person answering a questionnaire sees it as published: no scoring clusters (PCL-5's
Cluster B, AUDIT's consumption) as headings and no skip rule in the scorer's words, in
English or Spanish, on their portal, a single-use link and the clinic tablet; staff
entering the answers still see the clusters."""

import re

import pytest
from django.urls import reverse

from links.services import issue_link

CLUSTERS = ("Cluster B", "Cluster C", "Cluster D", "Cluster E")
AUDIT_DOMAINS = ("Consumption", "Dependence", "Harm")
SCORER_WORDS = ("may be omitted", "score 0", "skip-reason")


def _headings(html: str) -> list[str]:
    return re.findall(r'<h3 class="q-section"[^>]*>([^<]*)</h3>', html)


def _as_published(html: str, hidden: tuple[str, ...]) -> None:
    assert _headings(html) == []
    for words in hidden + SCORER_WORDS:
        assert words not in html


@pytest.mark.parametrize("language", ["English", "Spanish"])
@pytest.mark.parametrize(("code", "hidden"), [("pcl-5", CLUSTERS), ("audit", AUDIT_DOMAINS)])
def test_the_portal_shows_the_questions_without_the_scoring_structure(
    world, login, language, code, hidden
):
    world.participant.preferred_language = language
    world.participant.save(update_fields=["preferred_language"])

    html = login(world.participant_user).get(reverse("assessments:mine", args=[code]))

    page = html.content.decode()
    assert html.status_code == 200 and "1." in page
    _as_published(page, hidden)
    assert ("Enviar mis respuestas" if language == "Spanish" else "Send my answers") in page


@pytest.mark.parametrize(("code", "hidden"), [("pcl-5", CLUSTERS), ("audit", AUDIT_DOMAINS)])
def test_a_single_use_link_and_the_tablet_show_the_questions_as_published(
    client, world, login, code, hidden
):
    issued = issue_link(world.participant, "questionnaire", ref=code, by=world.therapist)
    link_page = client.get(issued.path).content.decode()
    tablet = login(world.therapist).get(
        reverse("assessments:self_report", args=[world.participant.public_id, code])
    )

    _as_published(link_page, hidden)
    _as_published(tablet.content.decode(), hidden)


def test_staff_entering_the_answers_still_see_the_clusters_and_skip_rules(world, login):
    client = login(world.therapist)

    pcl5 = client.get(
        reverse("assessments:administer", args=[world.participant.public_id, "pcl-5"])
    )
    audit = client.get(
        reverse("assessments:administer", args=[world.participant.public_id, "audit"])
    )

    assert _headings(pcl5.content.decode()) == list(CLUSTERS)
    assert _headings(audit.content.decode()) == list(AUDIT_DOMAINS)
    assert "Item 1 is &#x27;Never&#x27;, so items 2-8 may be omitted." in audit.content.decode()
