"""The language of a page shown before anyone is known: the sign-in page and a single-use
link that no longer opens anything.

Nobody's record can say which language to speak there, so the visitor's own choice does:
the sign-in page's Español / English switch (kept in Django's language cookie, never in the
address) or else the browser's Accept-Language, limited to the languages Tandem ships
(`settings.LANGUAGES`), and English otherwise. Once signed in, staff pages are English and
the portal speaks the record's language (`participants.language`).
"""

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def visitor_language(request: HttpRequest) -> str:
    """The switch's choice, else the first browser language Tandem ships, else English."""
    return translation.get_language_from_request(request)


def told_language(response: HttpResponse) -> HttpResponse:
    """Say which language the page is in, and that it depends on what the browser sent, so
    no cache hands one visitor's language to another."""
    response.headers["Content-Language"] = translation.get_language()
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response
