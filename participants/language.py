"""The portal speaks the participant's preferred language, read from their record.

`Participant.preferred_language` is free text written at referral ("Spanish", "Español");
the languages the portal is translated into are `settings.LANGUAGES`. Staff pages stay in
the program's language (settings.LANGUAGE_CODE).
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from participants.access import uses_portal
from participants.models import Participant

# Words a record may use for a language the portal has, lower-case, without accents.
NAMES = {
    "en-us": {"en", "english", "ingles"},
    "es": {"es", "spanish", "espanol", "castellano"},
}
_UNACCENT = str.maketrans("áéíóúñ", "aeioun")


def code_for(preferred_language: str) -> str:
    """The portal language for what the record says; the default when it has none of ours."""
    word = (preferred_language or "").strip().lower().translate(_UNACCENT)
    word = word.split("-")[0].split("(")[0].strip()
    for code, names in NAMES.items():
        if word in names:
            return code
    return settings.LANGUAGE_CODE


def speaking(participant: Participant) -> translation.override:
    """The participant's language, around building an e-mail or text to them: it leaves
    outside any request of theirs, so the portal's middleware has not chosen it."""
    return translation.override(code_for(participant.preferred_language))


def language_of(user: Any) -> str:
    """The language a signed-in person's pages speak: a participant's own, staff's the
    program's. Also for what is said to someone as they are signed out, before the
    sign-in page, which speaks the visitor's choice."""
    if not uses_portal(user):
        return settings.LANGUAGE_CODE
    preferred = (
        Participant.objects.filter(user=user).values_list("preferred_language", flat=True).first()
    )
    return code_for(preferred or "")


class ParticipantLanguageMiddleware:
    """Activate the signed-in participant's language for the request (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with translation.override(language_of(getattr(request, "user", None))):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def answered_in(language: str, page: Callable[[], HttpResponse]) -> HttpResponse:
    """Build a page handed to the participant on a staff member's device (the clinic tablet,
    kiosk mode) in the participant's language: the staff sign-in would otherwise pick English."""
    with translation.override(language):
        response = page()
        response.headers["Content-Language"] = translation.get_language()
    return response
