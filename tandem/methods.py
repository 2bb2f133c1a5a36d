"""Pages declare the HTTP methods they serve; every other method gets 405 and nothing else.

A page that answers any method renders participant data for OPTIONS, PUT or DELETE too, and
(because those are not the reads and writes it expects) without the audit event. Declaring
the methods closes that door before the page loads anything.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, cast

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

READS = frozenset({"GET", "HEAD"})


def served_methods(methods: Iterable[str]) -> frozenset[str]:
    """The declared methods, upper-cased; a page that serves GET also answers HEAD."""
    served = frozenset(m.upper() for m in methods)
    if not served:
        raise ValueError("A page must serve at least one method.")
    return served | READS if "GET" in served else served


def serves(*methods: str) -> Callable:
    """Answer only `methods` (GET implies HEAD); 405 with an empty body for the rest."""
    served = served_methods(methods)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in served:
                return HttpResponseNotAllowed(sorted(served))
            return view(request, *args, **kwargs)

        cast(Any, wrapper).served_methods = served
        return wrapper

    return decorator
