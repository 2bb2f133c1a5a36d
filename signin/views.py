"""Sign in, two-factor check and enrolment, sign out."""

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from accounts.http import SignedInRequest
from audit.services import record_event
from participants.access import uses_portal, uses_staff_pages
from signin import invitations, services
from signin.forms import ChoosePasswordForm
from tandem.errors import InvalidInput
from tandem.languages import told_language, visitor_language
from tandem.methods import serves
from tandem.views import error_page

# How long the sign-in page remembers the language chosen with its switch.
LANGUAGE_KEPT_FOR = 365 * 24 * 60 * 60


def link_shown(
    request: HttpRequest,
    issued: invitations.IssuedInvitation,
    *,
    back_url: str,
    first: bool = False,
    rejoined: bool = False,
) -> HttpResponse:
    """A new sign-in link, shown this once to the staff member who made it (a director, or a
    participant's or support person's clinician): it is kept nowhere but in the e-mail, when
    the account has an address, so the page is never cached. `first` for an account just
    made, `rejoined` for a former member of staff's account opened again."""
    response = render(
        request,
        "accounts/invitation_made.html",
        {
            "account": issued.invitation.user,
            "url": request.build_absolute_uri(issued.path),
            "expires_at": issued.invitation.expires_at,
            "first": first,
            "rejoined": rejoined,
            "back_url": back_url,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


def login_view(request: HttpRequest) -> HttpResponse:
    """The sign-in page, in the visitor's language (`tandem.languages`): a participant whose
    browser asks for Spanish, or who chose Español, reads it in Spanish."""
    with translation.override(visitor_language(request)):
        return told_language(_login(request))


def _login(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            user = services.sign_in(
                request, request.POST.get("username", ""), request.POST.get("password", "")
            )
        except InvalidInput as exc:
            error = exc.message
        else:
            login(request, user)
            record_event(actor=user, event_type="account.signed_in", record=user)
            if uses_staff_pages(user) and (
                services.confirmed_device(user) or settings.TANDEM_REQUIRE_2FA
            ):
                return redirect(f"{reverse('accounts:two_factor')}?next={_next_url(request)}")
            if uses_portal(user):
                return redirect("portal:home")
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/login.html",
        {
            "error": error,
            "next": request.GET.get("next", ""),
            "other_languages": [
                (code, name)
                for code, name in settings.LANGUAGES
                if code != translation.get_language()
            ],
        },
        status=200 if error is None else 400,
    )


@serves("POST")
def choose_language(request: HttpRequest) -> HttpResponse:
    """The sign-in page's Español / English switch: the choice is kept in Django's language
    cookie, so the address carries nothing, and the sign-in page opens in it from then on."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        with translation.override(visitor_language(request)):
            return error_page(
                request,
                gettext("Not available"),
                gettext("Choose English or Español."),
                status=400,
            )
    response = redirect("accounts:login")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=LANGUAGE_KEPT_FOR,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@login_required
def two_factor(request: SignedInRequest) -> HttpResponse:
    device = services.confirmed_device(request.user)
    if device is None:
        return redirect("accounts:enrol")
    error = None
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            otp_login(request, device)
            return redirect(_next_url(request))
        error = "That code did not match. Enter the 6-digit code your authenticator app shows now."
    return render(
        request,
        "accounts/two_factor.html",
        {"error": error, "next": request.GET.get("next", "")},
        status=200 if error is None else 400,
    )


@login_required
def enrol(request: SignedInRequest) -> HttpResponse:
    """Set up an authenticator. Replacing an enrolled one needs that one's code first, so a
    password alone can never swap in a device of someone else's choosing."""
    if services.confirmed_device(request.user) is not None and not services.two_factor_passed(
        request.user
    ):
        return redirect("accounts:two_factor")
    error = None
    if request.method == "POST":
        try:
            device = services.confirm_device(request.user, request.POST.get("token", ""))
        except InvalidInput as exc:
            error = exc.message
        else:
            otp_login(request, device)
            messages.success(request, "Two-factor sign-in is on for your account.")
            return redirect(settings.LOGIN_REDIRECT_URL)
    device = services.pending_device(request.user)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(
        request,
        "accounts/enrol.html",
        {"qr_svg": qr_svg, "secret": _base32(device.bin_key), "error": error},
        status=200 if error is None else 400,
    )


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_event(actor=request.user, event_type="account.signed_out", record=request.user)
    logout(request)
    messages.info(request, gettext("You are signed out."))
    return redirect("accounts:login")


def _private(response: HttpResponse) -> HttpResponse:
    """A page whose address holds a token: never cached or indexed, and the next page's
    Referer carries the origin alone (as a single-use link's page, `links.views`)."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _unavailable(request: HttpRequest, exc: invitations.InvitationUnavailable) -> HttpResponse:
    """The same page for a link used, run out, replaced or never made, in the visitor's
    language: it tells nothing of whose link it was."""
    with translation.override(visitor_language(request)):
        response = render(
            request,
            "accounts/invitation_unavailable.html",
            {"message": gettext(exc.message)},
            status=410,
        )
        return _private(told_language(response))


def _language_of(request: HttpRequest, account) -> str:
    """A participant's page speaks their record's language (as the portal does, and as the
    link's e-mail did); anyone else's the visitor's."""
    return invitations.language_of(account) or visitor_language(request)


@serves("GET", "POST")
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Choose a password through a sign-in link. A link that no longer works says so in the
    same words whoever it was for, and whether or not it ever named an account. Choosing the
    password signs nobody in: the person signs in with it next."""
    try:
        found = invitations.find_usable(token)
    except invitations.InvitationUnavailable as exc:
        return _unavailable(request, exc)
    account = found.user
    with translation.override(_language_of(request, account)):
        form = ChoosePasswordForm(account, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                invitations.accept(token, form.cleaned_data["new_password1"])
            except invitations.InvitationUnavailable as exc:
                return _unavailable(request, exc)
            except InvalidInput as exc:
                form.add_error("new_password1", exc.message)
            else:
                page = render(
                    request, "accounts/password_chosen.html", {"username": account.username}
                )
                return _private(told_language(page))
        page = render(
            request,
            "accounts/invitation.html",
            {"form": form, "username": account.username},
            status=400 if form.is_bound else 200,
        )
        return _private(told_language(page))
