"""Plain error pages: they never echo the request or any participant data."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
