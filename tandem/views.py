"""Plain error pages: they never echo the request or any participant data."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from tandem.dates import BadDateParameter


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Our own refusals carry a message that is safe to show; anything else stays generic."""
    message = (
        getattr(exception, "message", None) if isinstance(exception, BadDateParameter) else None
    )
    return render(
        request,
        "error.html",
        {"title": "Bad request", "message": message or "This address or form could not be read."},
        status=400,
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"title": "Not allowed", "message": "You do not have access to this page."},
        status=403,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "error.html",
        {"title": "Not found", "message": "There is no page at this address."},
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "error.html",
        {
            "title": "Something went wrong",
            "message": "The error was logged without any participant data. Try again, or tell your administrator.",
        },
        status=500,
    )


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site; answer with the app's icon, not a 404."""
    icon = (settings.BASE_DIR / "static" / "favicon.svg").read_bytes()
    return HttpResponse(icon, content_type="image/svg+xml")
