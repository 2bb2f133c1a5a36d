"""The director's staff page: who works here, in which roles, locked out or not."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.http import SignedInRequest
from accounts.models import Membership, User
from participants.access import organizations_with
from signin import services
from tandem.views import error_page


def _director_orgs(user) -> list[int]:
    return organizations_with(user, "staff.manage")


def _staff_of(orgs: list[int]):
    return (
        services.with_lockout(User.objects.all())
        .filter(memberships__organization_id__in=orgs, memberships__is_active=True)
        .distinct()
        .annotate(has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.filter(organization_id__in=orgs))
        )
        .order_by("last_name", "first_name")
    )


def _refuse(request: HttpRequest) -> HttpResponse:
    return error_page(
        request, "Not allowed", "Only program directors manage staff accounts.", status=403
    )


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    orgs = _director_orgs(request.user)
    if not orgs:
        return _refuse(request)
    return render(request, "accounts/staff.html", {"staff": list(_staff_of(orgs))})


@require_POST
@login_required
def staff_action(request: SignedInRequest, user_id: int, action: str) -> HttpResponse:
    orgs = _director_orgs(request.user)
    account = _staff_of(orgs).filter(pk=user_id).first() if orgs else None
    if account is None:
        return _refuse(request)
    if action == "unlock":
        services.unlock(account, by=request.user)
        messages.success(request, f"{account} can sign in again.")
    elif action == "reset-two-factor":
        services.reset_two_factor(account, by=request.user)
        messages.success(request, f"{account} will set up two-factor again at next sign-in.")
    return redirect("accounts:staff")
