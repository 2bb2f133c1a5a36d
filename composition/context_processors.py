"""Values every template needs."""

from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from participants.access import may_open
from tandem.navigation import ITEMS, Menu, NavItem, arrange


def tandem(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    prefix = get_script_prefix()
    signed_in = user is not None and user.is_authenticated
    return {
        "TANDEM_DEMO": settings.TANDEM_DEMO,
        "IDLE_TIMEOUT_SECONDS": settings.TANDEM_IDLE_TIMEOUT_SECONDS,
        "shell": _shell(prefix),
        "nav": nav_links(user, request.path, prefix) if signed_in else "",
    }


@cache
def _shell(script_prefix: str) -> dict[str, str]:
    """The addresses the frame of every page links to (its styles, scripts, home and
    sign-out), found once per process and script prefix (which `reverse` and `static` use)
    instead of by a tag each on every page."""
    return {
        "icon": static("favicon.svg"),
        "css": static("css/tandem.css"),
        "htmx": static("vendor/htmx.min.js"),
        "js": static("js/tandem.js"),
        "home": reverse("home"),
        "logout": reverse("accounts:logout"),
    }


def nav_links(user, path: str, script_prefix: str) -> SafeString:
    """The top bar's links as HTML, the page being shown marked current, laid out by
    `navigation.arrange`: each link is built and escaped once per process, rather than by
    the template link by link on every page."""
    shown = [item for item in ITEMS.implementations() if may_open(user, item.url_name)]
    return mark_safe(
        "\n".join(
            _menu(entry.name, entry.items, script_prefix, path)
            if isinstance(entry, Menu)
            else _link(entry, script_prefix, path)
            for entry in arrange(shown)
        )
    )


def _link(item: NavItem, script_prefix: str, path: str) -> str:
    url = _url(item.url_name, script_prefix)
    return _nav_link(item.label, item.url_name, script_prefix, url == path)


def _menu(name: str, members: list[NavItem], script_prefix: str, path: str) -> str:
    """A button opening the menu's links; no script is needed to open it, and it says
    when the page shown is one of them, in bold and, to a screen reader, by name."""
    current = [item for item in members if _url(item.url_name, script_prefix) == path]
    return format_html(
        '<details class="navmenu"><summary{}>{}{}</summary><div>{}</div></details>',
        mark_safe(' class="current"') if current else "",
        name,
        format_html('<span class="visually-hidden">: {}, the page shown</span>', current[0].label)
        if current
        else "",
        mark_safe("".join(_link(item, script_prefix, path) for item in members)),
    )


@cache
def _nav_link(label: str, url_name: str, script_prefix: str, current: bool) -> str:
    return format_html(
        '<a href="{}"{}>{}</a>',
        _url(url_name, script_prefix),
        mark_safe(' aria-current="page"') if current else "",
        label,
    )


@cache
def _url(url_name: str, script_prefix: str) -> str:
    """A top-bar link's address, reversed once per process and script prefix (which
    `reverse` uses) rather than on every page."""
    return reverse(url_name)
