"""Single-use links: one target, answered once, within 24 hours, token never stored or queried."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from assessments.models import Administration
from audit.models import AuditEvent
from links.models import SingleUseLink
from links.services import (
    LinkUnavailable,
    find_usable,
    issue_link,
    open_spent_after_crisis,
    revoke,
    token_hash,
)
from monitoring.models import Alert
from participants.models import CareTeamMember, Episode
from participants.services import mark_entered_in_error
from tandem.errors import InvalidInput

PHQ9_CALM = {f"item-{i}": "0" for i in range(1, 10)}


@pytest.fixture
def issued(world):
    return issue_link(world.participant, "questionnaire", ref="phq-9", by=world.therapist)


def test_only_the_hash_of_the_token_is_stored(world, issued):
    row = SingleUseLink.objects.get()
    assert row.token_hash == token_hash(issued.token)
    assert issued.token not in row.token_hash
    assert issued.path == f"/l/{issued.token}/"
    assert "?" not in issued.path


def test_issuing_is_audited(world, issued):
    event = AuditEvent.objects.filter(event_type="link.issued").get()
    assert event.participant == world.participant
    assert issued.token not in str(event.details)


def test_a_link_opens_its_questionnaire_and_nothing_else(client, world, issued):
    response = client.get(issued.path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>How you have been feeling (PHQ-9)</h1>" in body
    assert "Patient Health Questionnaire" not in body
    assert world.participant.legal_last_name not in body
    assert world.participant.record_number not in body
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "strict-origin"
    assert AuditEvent.objects.filter(event_type="link.opened").count() == 1


def test_the_english_wording_is_marked_english_for_a_screen_reader(client, world, issued):
    """On a Spanish page the questionnaire stays English: a screen reader must read it so."""
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    body = client.get(issued.path).content.decode()
    assert "<h1>Cómo se ha sentido (PHQ-9)</h1>" in body
    assert 'id="q-1" data-item="1" lang="en"' in body
    assert '<p class="recall">Periodo al que se refiere: <strong lang="en">2 weeks</strong>' in body


def test_a_link_that_no_longer_works_offers_the_way_to_sign_in(client, world, issued):
    """The page tells the participant to sign in to their portal: it links there, in each
    language it speaks, so it is not a dead end."""
    client.post(issued.path, PHQ9_CALM)
    response = client.get(issued.path)
    assert response.status_code == 410
    body = response.content.decode()
    assert '<a class="button" href="/accounts/login/">Sign in to my portal</a>' in body
    assert '<a class="button" href="/accounts/login/">Entrar a mi portal</a>' in body


def test_answering_stores_the_questionnaire_once(client, world, issued):
    response = client.post(issued.path, PHQ9_CALM)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    administration = Administration.objects.get()
    assert administration.participant == world.participant
    assert administration.mode == "self-report"
    assert SingleUseLink.objects.get().used_at is not None
    assert AuditEvent.objects.filter(event_type="link.used").count() == 1
    again = client.post(issued.path, PHQ9_CALM)
    assert again.status_code == 410
    assert Administration.objects.count() == 1
    assert client.get(issued.path).status_code == 410


def test_opening_does_not_use_the_link_up(client, world, issued):
    client.get(issued.path)
    client.get(issued.path)
    assert SingleUseLink.objects.get().used_at is None
    assert client.post(issued.path, PHQ9_CALM).status_code == 200


def test_bad_answers_leave_the_link_usable(client, world, issued):
    response = client.post(issued.path, {"item-1": "0"})
    assert response.status_code == 400
    assert Administration.objects.count() == 0
    assert SingleUseLink.objects.get().used_at is None


def test_a_questionnaire_sent_back_says_so_at_the_top_once(client, world, issued):
    """A missing answer is named at the top with a link to its question, as on the portal,
    and a problem of the whole questionnaire is listed once."""
    body = client.post(issued.path, {"item-1": "0"}).content.decode()
    start = body.index('<div class="error-summary" role="alert">')
    summary = body[start : body.index("</div>", start)]
    assert '<a href="#q-2">Question 2</a>' in summary
    assert '<ul class="errors">' not in body


def test_a_link_expires_after_24_hours(client, world):
    issued_at = timezone.now() - timedelta(hours=24, seconds=1)
    old = issue_link(world.participant, "questionnaire", ref="phq-9", now=issued_at)
    assert client.get(old.path).status_code == 410
    assert client.post(old.path, PHQ9_CALM).status_code == 410
    assert Administration.objects.count() == 0
    fresh = issue_link(
        world.participant, "questionnaire", ref="phq-9", now=timezone.now() - timedelta(hours=23)
    )
    assert client.get(fresh.path).status_code == 200


def test_expiry_is_decided_by_the_time_given(world, issued):
    link = issued.link
    assert find_usable(issued.token, now=link.expires_at - timedelta(seconds=1)) == link
    with pytest.raises(LinkUnavailable):
        find_usable(issued.token, now=link.expires_at)


def test_a_link_lasts_at_most_a_day(world):
    with pytest.raises(InvalidInput):
        issue_link(world.participant, "questionnaire", ref="phq-9", lifetime=timedelta(days=2))


def test_an_unknown_or_revoked_token_shows_nothing(client, world, issued):
    assert client.get("/l/not-a-real-token/").status_code == 410
    revoke(issued.link, by=world.therapist)
    assert client.get(issued.path).status_code == 410


def test_only_registered_targets_and_self_report_questionnaires(world):
    with pytest.raises(InvalidInput):
        issue_link(world.participant, "chart", ref="")
    with pytest.raises(InvalidInput):
        issue_link(world.participant, "questionnaire", ref="cssrs-screener")  # paper form only
    assert SingleUseLink.objects.count() == 0


def test_a_critical_answer_shows_crisis_lines_and_alerts_the_team(client, world, issued):
    answers = {**PHQ9_CALM, "item-9": "2"}
    response = client.post(issued.path, answers)
    body = response.content.decode()
    assert "988" in body
    assert "has been alerted" in body
    assert Alert.objects.filter(participant=world.participant, kind="suicide-risk").exists()


def test_a_link_s_crisis_page_dials_the_after_hours_line_by_its_digits(client, world, issued):
    world.program.after_hours_phone = "(555) 010-0100"
    world.program.save(update_fields=["after_hours_phone"])
    body = client.post(issued.path, {**PHQ9_CALM, "item-9": "2"}).content.decode()
    assert '<a class="button" href="tel:5550100100"><strong>' in body
    assert "call (555) 010-0100" in body


def test_other_methods_are_refused(client, world, issued):
    assert client.put(issued.path).status_code == 405


def test_a_link_s_crisis_page_claims_an_alert_only_when_someone_was_alerted(client, world, issued):
    CareTeamMember.objects.filter(episode=world.episode).delete()
    Episode.objects.filter(pk=world.episode.pk).update(primary_clinician=None)
    Membership.objects.filter(user__in=[world.director, world.supervisor]).update(is_active=False)
    body = client.post(issued.path, {**PHQ9_CALM, "item-9": "2"}).content.decode()
    assert "988" in body
    assert "has been alerted" not in body
    assert "please reach someone now" in body


def test_a_questionnaire_sent_back_with_its_errors_is_audited(client, world, issued):
    before = AuditEvent.objects.count()
    assert client.post(issued.path, {"item-1": "0"}).status_code == 400
    shown = AuditEvent.objects.order_by("id")[before:]
    assert [(e.event_type, e.participant_id) for e in shown] == [
        ("link.opened", world.participant.pk)
    ]


def test_a_link_to_a_questionnaire_the_library_no_longer_carries_is_unavailable(
    client, world, issued
):
    SingleUseLink.objects.update(target_ref="retired-instrument")
    assert client.get(issued.path).status_code == 410
    assert client.post(issued.path, PHQ9_CALM).status_code == 410
    assert Administration.objects.count() == 0


def test_a_link_to_a_record_entered_in_error_no_longer_works(client, world, issued):
    """A record opened by mistake leaves every page; a reminder sent before it was withdrawn
    must not open its questionnaire or store answers on it."""
    mark_entered_in_error(world.participant, by=world.director, reason="Duplicate of T-000099")
    opened = AuditEvent.objects.filter(event_type__startswith="link.").count()

    assert client.get(issued.path).status_code == 410
    assert client.post(issued.path, PHQ9_CALM).status_code == 410

    assert Administration.objects.count() == 0
    assert AuditEvent.objects.filter(event_type__startswith="link.").count() == opened


def test_a_reload_after_a_critical_answer_shows_the_crisis_lines_again(client, world, issued):
    """Someone in crisis who reloads the page finds the crisis lines again, not "no longer
    works"; the link takes no second answer and the page shows nothing of what was answered."""
    world.program.after_hours_phone = "(555) 010-0100"
    world.program.save(update_fields=["after_hours_phone"])
    client.post(issued.path, {**PHQ9_CALM, "item-9": "2"})
    for response in (client.get(issued.path), client.post(issued.path, PHQ9_CALM)):
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"
        body = response.content.decode()
        assert "You do not have to face this alone" in body
        assert "This link does not work any more" not in body
        assert "988" in body
        assert "Your care team has been alerted" in body
        assert "call (555) 010-0100" in body
        assert '<a class="button" href="/accounts/login/">Sign in to my portal</a>' in body
        assert world.participant.legal_last_name not in body
        assert "Patient Health Questionnaire" not in body
        assert "<form" not in body
    assert Administration.objects.count() == 1
    assert Alert.objects.filter(participant=world.participant, kind="suicide-risk").count() == 1
    again = AuditEvent.objects.filter(event_type="link.opened", details__spent=True)
    assert again.count() == 2
    assert {e.participant_id for e in again} == {world.participant.pk}


def test_a_reload_after_a_calm_answer_says_the_link_no_longer_works(client, world, issued):
    client.post(issued.path, PHQ9_CALM)
    response = client.get(issued.path)
    assert response.status_code == 410
    assert "You do not have to face this alone" not in response.content.decode()


def test_the_crisis_lines_come_back_for_a_day_after_the_answer(client, world, issued):
    client.post(issued.path, {**PHQ9_CALM, "item-9": "2"})
    used_at = SingleUseLink.objects.get().used_at
    assert used_at is not None
    assert open_spent_after_crisis(issued.token, now=used_at + timedelta(hours=23)) is not None
    assert open_spent_after_crisis(issued.token, now=used_at + timedelta(hours=25)) is None


def test_a_spent_link_s_crisis_page_speaks_the_participant_s_language(client, world, issued):
    world.participant.preferred_language = "Spanish"
    world.participant.save(update_fields=["preferred_language"])
    client.post(issued.path, {**PHQ9_CALM, "item-9": "2"})
    response = client.get(issued.path)
    assert response["Content-Language"] == "es"
    assert "Entrar a mi portal" in response.content.decode()
    assert "Este enlace ya se usó" in response.content.decode()
