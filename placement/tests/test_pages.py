"""The Level of care tab: the labelled recommendation, recording, admitting, referring out."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.services import record_administration
from audit.models import AuditEvent
from participants.models import Episode
from placement.models import LevelOfCareDecision
from placement.tests.builders import IOP_RATINGS, NOTES, record

HTMX = {"HTTP_HX_REQUEST": "true"}
LABEL = "Tandem default rules — not the ASAM Criteria decision rules"


def _form(ratings=None, **extra):
    data = {}
    for d, rating in (ratings or IOP_RATINGS).items():
        data[f"rating_{d}"] = rating
        data[f"note_{d}"] = NOTES[d]
    return {**data, **extra}


def test_the_tab_says_whose_rules_these_are_and_lists_them(world, login):
    page = (
        login(world.therapist)
        .get(reverse("placement:level_of_care", args=[world.participant.public_id]))
        .content.decode()
    )
    assert LABEL in page
    assert "When dimension 1 rated 3 or more: at least Withdrawal management" in page
    assert "Record decision" in page and "Show recommendation" in page
    assert "Acute Intoxication and/or Withdrawal Potential" in page


def test_an_htmx_preview_shows_the_recommendation_with_reasons_and_writes_only_a_view_event(
    world, login
):
    client = login(world.therapist)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("placement:decide", args=[world.participant.public_id]),
        _form({**IOP_RATINGS, "1": 3}, action="preview"),
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert LABEL in body and "Recommended: <strong>Withdrawal management</strong>" in body
    assert "manage withdrawal first" in body
    assert not LevelOfCareDecision.objects.exists()
    assert list(AuditEvent.objects.order_by("id")[before:].values_list("action", flat=True)) == [
        "view"
    ]


def test_the_rules_and_the_results_they_read_name_bands_and_flags_in_words(world, login):
    """The tab and the recommendation say "Moderately severe" and "Suicide risk", the labels
    the instruments declare, not `moderately-severe` and `suicide-risk`."""
    record_administration(
        world.participant,
        code="phq-9",
        answers={**{str(i): 2 for i in range(1, 9)}, "9": 1},
        mode="staff-entered",
        by=world.therapist,
    )
    client = login(world.therapist)

    tab = client.get(
        reverse("placement:level_of_care", args=[world.participant.public_id])
    ).content.decode()
    preview = client.post(
        reverse("placement:decide", args=[world.participant.public_id]),
        _form(action="preview"),
        **HTMX,
    ).content.decode()

    assert "When the latest PHQ-9 band is Moderately severe or Severe:" in tab
    assert "When the latest AUDIT band is Zone IV:" in tab
    assert "When the latest PHQ-9 has the flag Suicide risk:" in tab
    assert "PHQ-9 Moderately severe (Suicide risk)" in preview
    for code in ("moderately-severe", "zone-4", "suicide-risk"):
        assert code not in tab and code not in preview


def test_a_decision_names_the_rules_it_was_made_under_by_their_label(world, login):
    record(world.episode, by=world.therapist)

    page = (
        login(world.therapist)
        .get(reverse("placement:level_of_care", args=[world.participant.public_id]))
        .content.decode()
    )

    assert f'<span class="muted">({LABEL})</span>' in page
    assert "tandem-default-1" not in page


def test_a_preview_with_ratings_missing_asks_for_them(world, login):
    response = login(world.therapist).post(
        reverse("placement:decide", args=[world.participant.public_id]),
        {"rating_1": 2, "action": "preview"},
        **HTMX,
    )
    assert "Rate all six dimensions" in response.content.decode()


def test_recording_from_the_tab(world, login):
    client = login(world.therapist)
    response = client.post(
        reverse("placement:decide", args=[world.participant.public_id]),
        _form(chosen_level="2.1", action="record"),
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Level-of-care decision recorded: Level 2.1 — Intensive outpatient." in page
    assert "Current decision: <strong>Level 2.1 — Intensive outpatient</strong>" in page


def test_a_different_level_without_a_reason_is_sent_back_with_the_recommendation(world, login):
    response = login(world.therapist).post(
        reverse("placement:decide", args=[world.participant.public_id]),
        _form(chosen_level="1", refer_to="Eastside Counseling", action="record"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "differs from the recommendation" in body
    assert "Recommended: <strong>Level 2.1 — Intensive outpatient</strong>" in body


def test_admit_to_iop_appears_after_the_decision_and_admits(world, login, referral_decided_for_iop):
    client = login(world.intake)
    tab = reverse("placement:level_of_care", args=[world.referral.public_id])
    assert "Admit to IOP" in client.get(tab).content.decode()
    response = client.post(
        reverse("placement:admit", args=[world.referral.public_id]),
        {"admitted_on": "2026-11-09", "primary_clinician": world.therapist.pk, "version": 1},
    )
    assert response.status_code == 302
    episode = Episode.objects.get(pk=world.referral_episode.pk)
    assert (episode.status, str(episode.admitted_on)) == ("admitted", "2026-11-09")
    assert episode.primary_clinician == world.therapist


def test_the_intake_coordinator_lands_home_after_admitting_not_on_a_refusal(
    world, login, referral_decided_for_iop
):
    client = login(world.intake)
    response = client.post(
        reverse("placement:admit", args=[world.referral.public_id]),
        {"admitted_on": "2026-11-09", "primary_clinician": world.therapist.pk, "version": 1},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Admitted on Mon 9 Nov 2026." in page
    assert f"{world.therapist} is now the primary clinician" in page
    assert "You do not have access to this record" not in page


def test_no_admit_button_without_a_decision(world, login):
    page = (
        login(world.intake)
        .get(reverse("placement:level_of_care", args=[world.referral.public_id]))
        .content.decode()
    )
    assert "Admit to IOP" not in page
    assert "Admission to the program needs one" in page


def test_a_referral_out_offers_transferred_out_and_declined(world, login):
    client = login(world.intake)
    client.post(
        reverse("placement:decide", args=[world.referral.public_id]),
        _form({**IOP_RATINGS, "6": 4}, chosen_level="3", refer_to="Cedar House", action="record"),
    )
    page = client.get(
        reverse("placement:level_of_care", args=[world.referral.public_id])
    ).content.decode()
    assert "Referred to <strong>Cedar House</strong>" in page
    assert "Mark transferred out" in page and "Mark declined" in page
    client.post(
        reverse("placement:close_episode", args=[world.referral.public_id]),
        {"to_status": "declined", "on": "2026-11-10", "version": 1, "confirm": "on"},
    )
    assert Episode.objects.get(pk=world.referral_episode.pk).status == "declined"


def test_the_tab_gives_its_dates_as_every_other_chart_tab_does(world, login):
    """The decision, the referral out and the history read Fri 20 Nov 2026, not 2026-11-20."""
    client = login(world.intake)
    with time_machine.travel(datetime(2026, 11, 20, 18, tzinfo=UTC), tick=False):
        client.post(
            reverse("placement:decide", args=[world.referral.public_id]),
            _form(
                {**IOP_RATINGS, "6": 4}, chosen_level="3", refer_to="Cedar House", action="record"
            ),
        )
        page = client.get(
            reverse("placement:level_of_care", args=[world.referral.public_id])
        ).content.decode()
    assert f"decided on Fri 20 Nov 2026 by {world.intake}." in page
    assert "Referred to <strong>Cedar House</strong> for " in page
    assert " on Fri 20 Nov 2026. " in page
    assert "<h3>Fri 20 Nov 2026 — " in page
    assert ">2026-11-20" not in page and " 2026-11-20" not in page


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("more", [1, 5])
def test_the_tab_query_count_does_not_grow_with_decisions(world, login, more):
    client = login(world.therapist)
    url = reverse("placement:level_of_care", args=[world.participant.public_id])
    record(world.episode, by=world.therapist)
    baseline = _count(client, url)
    for _ in range(more):
        record(world.episode, by=world.therapist)
    assert _count(client, url) == baseline
