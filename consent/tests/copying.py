"""Posting the copy page, as a staff member giving a copy of the record does."""

from typing import Any

from django.http import HttpResponse
from django.urls import reverse

from consent.models import Consent
from consent.tests.test_disclosures import CLINIC


def post_copy(
    client: Any, world: Any, consent: Consent | None = None, **fields: Any
) -> HttpResponse:
    """Post the world participant's copy page: a copy for the clinic under `consent` when one
    is given (`fields` added to or replacing what that sends), else `fields` alone."""
    body: dict[str, Any] = (
        {"to": "other", "recipient": CLINIC, "consent": consent.public_id}
        if consent is not None
        else {}
    )
    return client.post(
        reverse("consent:disclose", args=[world.participant.public_id]), body | fields
    )
