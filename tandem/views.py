"""Plain error pages: they never echo the request or any participant data."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control

from tandem.dates import BadDateParameter
from tandem.methods import serves


def error_page(request: HttpRequest, title: str, message: str, *, status: int) -> HttpResponse:
    """The one error page: a title and a sentence that is safe to show, never the request's
    own values or a participant's data."""
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Our own refusals carry a message that is safe to show; anything else stays generic."""
    message = (
        getattr(exception, "message", None) if isinstance(exception, BadDateParameter) else None
    )
    return error_page(
        request,
        gettext("Bad request"),
        message or gettext("This address or form could not be read."),
        status=400,
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, gettext("Not allowed"), gettext("You do not have access to this page."), status=403
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, gettext("Not found"), gettext("There is no page at this address."), status=404
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        gettext("Something went wrong"),
        gettext(
            "The error was logged without any participant data. Try again, or tell your "
            "administrator."
        ),
        status=500,
    )


@serves("GET")
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site; answer with the app's icon, not a 404."""
    icon = (settings.BASE_DIR / "static" / "favicon.svg").read_bytes()
    return HttpResponse(icon, content_type="image/svg+xml")
