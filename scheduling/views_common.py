"""What every schedule page shares: loading the program, role checks, local-time rendering."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.http import SignedInRequest
from participants.access import may, uses_staff_pages
from scheduling import selectors
from tandem.views import error_page


def refused(request: HttpRequest, what: str = "see this page") -> HttpResponse:
    return error_page(request, "Not allowed", f"Your role cannot {what}.", status=403)


def missing(request: HttpRequest, what: str = "page") -> HttpResponse:
    return error_page(request, "Not found", f"There is no such {what}.", status=404)


def render_local(
    request: HttpRequest, program, template: str, context: dict, status: int = 200
) -> HttpResponse:
    """Render with times shown in the program's own time zone."""
    with timezone.override(program.tz):
        return render(request, template, {"program": program, **context}, status=status)


def staff_only(view: Callable) -> Callable:
    @login_required
    @wraps(view)
    def wrapper(request: SignedInRequest, *args, **kwargs) -> HttpResponse:
        if not uses_staff_pages(request.user):
            return refused(request)
        return view(request, *args, **kwargs)

    return wrapper


def program_page(view: Callable) -> Callable:
    """Load the program from `program_id` for a staff member who may read its calendar."""

    @staff_only
    @wraps(view)
    def wrapper(request: HttpRequest, program_id, **kwargs) -> HttpResponse:
        program = selectors.program_for(request.user, program_id)
        if program is None:
            return missing(request, "program")
        return view(request, program, **kwargs)

    return wrapper


def allowed_to_read(request: HttpRequest, program) -> bool:
    return may(request.user, "calendar.read", program.organization_id)


def form_errors(form) -> str:
    """One sentence listing a form's errors, for a message after a redirect."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label or name.replace("_", " ") if name != "__all__" else ""
        parts.append(f"{label.capitalize()}: {' '.join(errors)}" if label else " ".join(errors))
    return " ".join(parts)
