"""An `Idempotency-Key` makes a JSON API write safe to resend.

A client that sends a POST to the API with an `Idempotency-Key` header (any 1–255 visible
characters, new for each write, e.g. a UUID) may send it again after a timeout or a lost
connection: the same person resending the same key and the same request gets the first
response back (with `Idempotent-Replayed: true`) and nothing is written again. The same key
with a different request is refused (422), naming the header; a resend by a person who may no
longer see a record the first answer was about is refused (403). Keys are kept for
`TANDEM_IDEMPOTENCY_HOURS` (24 by default) per person.

The key is claimed (a unique row) in the same transaction as the write, so two copies of one
request sent at once run once: the second waits for the first to commit and then gets its
response. A response of 500 or more gives the key back, so the client may retry.
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from audit.context import counting_events
from audit.models import Action
from audit.services import record_event
from tandem.api_errors import field_errors

HEADER = "Idempotency-Key"
API_PREFIX = "/api/"
MAX_KEY = 255


class IdempotencyKeyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if (
            key is None
            or request.method != "POST"
            or not request.path.startswith(API_PREFIX)
            or not request.user.is_authenticated
        ):
            return self.get_response(request)
        if not 0 < len(key) <= MAX_KEY or not key.isascii() or not key.isprintable():
            return _refuse(f"Send 1 to {MAX_KEY} visible characters, for example a UUID.")
        from accounts.models import IdempotentRequest

        fingerprint = _fingerprint(request)
        now = timezone.now()
        with transaction.atomic():
            IdempotentRequest.objects.filter(user=request.user, expires_at__lte=now).delete()
            try:
                with transaction.atomic():
                    claim = IdempotentRequest.objects.create(
                        user=request.user,
                        key=key,
                        fingerprint=fingerprint,
                        expires_at=now + timedelta(hours=settings.TANDEM_IDEMPOTENCY_HOURS),
                    )
            except IntegrityError:
                first = IdempotentRequest.objects.get(user=request.user, key=key)
                return _replay(request, first, fingerprint)
            with counting_events() as events:
                response = self.get_response(request)
            if response.status_code >= 500 or getattr(response, "streaming", False):
                claim.delete()
                return response
            claim.status = response.status_code
            claim.content_type = response.get("Content-Type", "")
            claim.body = response.content
            claim.participant_ids = sorted(events.participant_ids)
            claim.subject_ids = sorted(events.subject_ids)
            claim.save(
                update_fields=["status", "content_type", "body", "participant_ids", "subject_ids"]
            )
            return response


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (str(request.method).encode(), request.get_full_path().encode(), request.body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _replay(request: HttpRequest, first, fingerprint: str) -> HttpResponse:
    if first.fingerprint != fingerprint:
        return _refuse(
            "This key was already used for a different request. Send a new key for a new write."
        )
    from participants.access import Scope, decide
    from participants.models import Participant

    # A resend shows no more than sending the request again would: a person whose access to
    # a record the first answer was about has ended since (an emergency grant run out, a
    # care team left) gets a refusal, not the record. People only listed in it, as a
    # referral's likely matches are, are shown by identity and need no access to the record.
    subjects = Participant.objects.filter(pk__in=first.subject_ids)
    if any(not decide(request.user, p, Action.VIEW, Scope.DEMOGRAPHICS).allowed for p in subjects):
        return JsonResponse(
            {
                "detail": "You may no longer see a record this answer carried. "
                "Send the request again with a new key."
            },
            status=403,
        )
    # The resent answer carries the same participants' data as the first: audit each again.
    for participant in Participant.objects.filter(pk__in=first.participant_ids):
        record_event(
            actor=request.user,
            event_type="api.response_resent",
            participant=participant,
            role="",
            details={"status": first.status},
        )
    response = HttpResponse(bytes(first.body), status=first.status, content_type=first.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


def _refuse(message: str) -> HttpResponse:
    return JsonResponse(field_errors((HEADER, message)), status=422)
