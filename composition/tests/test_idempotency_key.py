"""An Idempotency-Key makes an API write safe to resend: the first response comes back and
nothing is written twice; the same key for another request is refused."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accounts.models import IdempotentRequest
from audit.models import AuditEvent
from composition.idempotency import API_PREFIX, HEADER
from participants.models import BreakGlassGrant, Episode


def _url(world) -> str:
    return (
        f"/api/v1/participants/{world.referral.public_id}"
        f"/episodes/{world.referral_episode.public_id}/transition"
    )


def _screen(client, world, key: str, on: str = "2026-11-05"):
    return client.post(
        _url(world),
        {"to_status": "screening", "on": on, "version": 1},
        content_type="application/json",
        headers={HEADER: key},
    )


def test_a_resend_with_the_same_key_gets_the_first_response_and_writes_nothing(world, login):
    client = login(world.director)
    first = _screen(client, world, "7c1e0a52-transition")
    assert first.status_code == 200
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    again = _screen(client, world, "7c1e0a52-transition")
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Episode.objects.get(pk=world.referral_episode.pk).version == 2
    # Nothing is written again, but the resent answer shows the participant: one audit event.
    resent = AuditEvent.objects.filter(pk__gt=last_event)
    assert list(resent.values_list("event_type", "participant_id", "actor_id")) == [
        ("api.response_resent", world.referral.pk, world.director.pk)
    ]


def test_the_same_key_for_a_different_request_is_refused_with_a_message(world, login):
    client = login(world.director)
    _screen(client, world, "one-key")
    other = _screen(client, world, "one-key", on="2026-11-06")
    assert other.status_code == 422
    assert other.json()["detail"][0]["field"] == HEADER
    assert "different request" in other.json()["detail"][0]["message"]
    assert Episode.objects.get(pk=world.referral_episode.pk).version == 2


def test_keys_belong_to_one_person(world, login):
    _screen(login(world.director), world, "shared-key")
    second = _screen(login(world.supervisor), world, "shared-key")
    # The supervisor's request runs on its own: the version it names is gone, so 409.
    assert second.status_code == 409
    assert "Idempotent-Replayed" not in second


def test_an_expired_key_is_forgotten(world, login):
    client = login(world.director)
    _screen(client, world, "old-key")
    IdempotentRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    again = _screen(client, world, "old-key")
    assert again.status_code == 409
    assert IdempotentRequest.objects.get(key="old-key").status == 409


def test_a_key_that_is_not_visible_text_is_refused(world, login):
    response = _screen(login(world.director), world, "x" * 256)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == HEADER
    assert Episode.objects.get(pk=world.referral_episode.pk).version == 1


def test_every_api_route_is_behind_the_key(db):
    assert reverse("api:openapi-json").startswith(API_PREFIX)


def test_a_resent_answer_is_kept_out_of_caches_like_the_first(world, login):
    """The resent answer shows the same participant as the first: no shared cache keeps it."""
    client = login(world.director)
    first = _screen(client, world, "cached-key")
    again = _screen(client, world, "cached-key")
    assert again["Idempotent-Replayed"] == "true"
    for header in ("Cache-Control", "Content-Security-Policy", "X-Frame-Options"):
        assert again[header] == first[header], header
    assert again["Cache-Control"] == "no-store"


def test_a_resend_after_access_has_ended_is_refused_and_shows_nothing(world, login):
    """Resending shows no more than sending again would: once an emergency grant has run out,
    the first answer (the participant's episode) is not given back."""
    client = login(world.outsider)
    client.post(
        reverse("participants:break_glass", args=[world.referral.public_id]),
        {"reason": "On call; participant in crisis at the front desk"},
    )
    first = _screen(client, world, "ends-with-the-grant")
    assert first.status_code == 200
    BreakGlassGrant.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    again = _screen(client, world, "ends-with-the-grant")

    assert again.status_code == 403
    assert "new key" in again.json()["detail"]
    assert str(world.referral_episode.public_id) not in again.content.decode()
    assert not AuditEvent.objects.filter(pk__gt=last_event, event_type="api.response_resent")
