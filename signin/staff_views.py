"""The director's staff page: who works here, in which roles, locked out or not; adding
someone, re-adding someone whose membership ended, changing their roles, ending their
membership, sending a new sign-in link."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.http import SignedInRequest
from accounts.models import Membership, Organization, User
from participants.access import organizations_with
from signin import services, staff
from signin.forms import RejoinForm, RolesForm, StaffMemberForm
from signin.invitations import IssuedInvitation
from signin.views import link_shown
from tandem.errors import AccessDenied, InvalidInput
from tandem.methods import serves
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
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(organization_id__in=orgs, is_active=True),
            )
        )
        .order_by("last_name", "first_name")
    )


def _refuse(request: HttpRequest) -> HttpResponse:
    return error_page(request, "Not allowed", staff.REFUSAL, status=403)


def _organizations(orgs: list[int]) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in Organization.objects.filter(pk__in=orgs).order_by("name")]


def _former_of(orgs: list[int]):
    """Who may be re-added, each with the roles they held here, by name."""
    return (
        staff.former_staff(orgs)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(organization_id__in=orgs).order_by("role"),
            )
        )
        .order_by("last_name", "first_name")
    )


def _page(
    request: HttpRequest,
    orgs: list[int],
    form=None,
    rejoin_form=None,
    status: int = 200,
) -> HttpResponse:
    members = list(_staff_of(orgs))
    for member in members:
        member.roles_form = RolesForm(
            initial={"roles": [m.role for m in member.memberships.all()]},
            auto_id=f"id_{member.pk}_%s",
        )
    organizations = _organizations(orgs)
    return render(
        request,
        "accounts/staff.html",
        {
            "staff": members,
            "former": list(_former_of(orgs)),
            "form": form or StaffMemberForm(organizations=organizations),
            "rejoin_form": rejoin_form
            or RejoinForm(organizations=organizations, auto_id="id_rejoin_%s"),
            "me": request.user.pk,
        },
        status=status,
    )


@serves("GET")
@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    orgs = _director_orgs(request.user)
    if not orgs:
        return _refuse(request)
    return _page(request, orgs)


def _made(
    request: SignedInRequest,
    orgs: list[int],
    form: StaffMemberForm | RejoinForm,
    make: Callable[..., IssuedInvitation],
    page_form: str,
    **shown: bool,
) -> HttpResponse:
    """The staff page's two ways to an account and its sign-in link (add, re-add): `make`
    takes the form's organization and fields; what the service refuses is said on the form,
    and the page comes back with it (as `page_form`)."""
    if form.is_valid():
        data = dict(form.cleaned_data)
        organization = Organization.objects.get(pk=data.pop("organization"))
        try:
            issued = make(organization, by=request.user, **data)
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        except AccessDenied:
            return _refuse(request)
        else:
            return link_shown(request, issued, back_url=reverse("accounts:staff"), **shown)
    return _page(request, orgs, status=400, **{page_form: form})


@serves("POST")
@login_required
def staff_add(request: SignedInRequest) -> HttpResponse:
    """Add a member of staff and make their first sign-in link."""
    orgs = _director_orgs(request.user)
    if not orgs:
        return _refuse(request)
    form = StaffMemberForm(request.POST, organizations=_organizations(orgs))
    return _made(request, orgs, form, staff.add_staff_member, "form", first=True)


@serves("POST")
@login_required
def staff_rejoin(request: SignedInRequest) -> HttpResponse:
    """Re-add a former member of staff under the account they had, and make their sign-in
    link."""
    orgs = _director_orgs(request.user)
    if not orgs:
        return _refuse(request)
    form = RejoinForm(request.POST, organizations=_organizations(orgs), auto_id="id_rejoin_%s")
    return _made(request, orgs, form, staff.rejoin_staff_member, "rejoin_form", rejoined=True)


def _member(request: SignedInRequest, user_id: int) -> tuple[User, Organization] | None:
    """The member of staff and the director's organization they work in, or None."""
    orgs = _director_orgs(request.user)
    account = _staff_of(orgs).filter(pk=user_id).first() if orgs else None
    if account is None:
        return None
    org_id = next(m.organization_id for m in account.memberships.all())
    return account, Organization.objects.get(pk=org_id)


@serves("POST")
@login_required
def staff_change_roles(request: SignedInRequest, user_id: int) -> HttpResponse:
    found = _member(request, user_id)
    if found is None:
        return _refuse(request)
    account, organization = found
    form = RolesForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Choose at least one role for {account}.")
        return redirect("accounts:staff")
    try:
        staff.change_roles(account, organization, by=request.user, roles=form.cleaned_data["roles"])
    except InvalidInput as exc:
        messages.error(request, exc.message)
    except AccessDenied:
        return _refuse(request)
    else:
        messages.success(request, f"{account}'s roles are saved.")
    return redirect("accounts:staff")


@serves("POST")
@login_required
def staff_end(request: SignedInRequest, user_id: int) -> HttpResponse:
    found = _member(request, user_id)
    if found is None:
        return _refuse(request)
    account, organization = found
    try:
        staff.end_membership(account, organization, by=request.user)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    except AccessDenied:
        return _refuse(request)
    else:
        messages.success(
            request,
            f"{account} no longer signs in to {organization}. Their name stays on their work.",
        )
    return redirect("accounts:staff")


@serves("POST")
@login_required
def staff_invite(request: SignedInRequest, user_id: int) -> HttpResponse:
    """Send a new sign-in link: for a first link lost, or a forgotten password."""
    found = _member(request, user_id)
    if found is None:
        return _refuse(request)
    account, organization = found
    try:
        issued = staff.send_new_link(account, organization, by=request.user)
    except InvalidInput as exc:
        messages.error(request, exc.message)
        return redirect("accounts:staff")
    except AccessDenied:
        return _refuse(request)
    return link_shown(request, issued, back_url=reverse("accounts:staff"))


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
