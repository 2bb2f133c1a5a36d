"""The director's staff page: who works here, in which roles, locked out or not; adding
someone, re-adding someone whose membership ended, changing their roles, ending their
membership, sending a new sign-in link."""

from collections.abc import Callable
from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.http import SignedInRequest
from accounts.models import Membership, Organization, User
from participants.access import organizations_with
from signin import services, staff
from signin.forms import (
    EndMembershipForm,
    RejoinForm,
    RolesForm,
    StaffMemberForm,
    StaffSearchForm,
)
from signin.invitations import IssuedInvitation
from signin.views import link_shown
from tandem.errors import AccessDenied, ConcurrentEdit, InvalidInput
from tandem.fields import refuse_on
from tandem.methods import serves
from tandem.paging import kept_beside, page_of
from tandem.views import error_page

# Rows on a page of the staff list and of former staff.
PAGE_SIZE = 25
# The page numbers of the two lists and the search's fields, the only values their pagers'
# links carry over.
STAFF_PAGE = "page"
FORMER_PAGE = "former"
LIST_PARAMETERS = (*StaffSearchForm.base_fields, STAFF_PAGE, FORMER_PAGE)


def _director_orgs(user) -> list[int]:
    return organizations_with(user, "staff.manage")


def _active_here(orgs: list[int]) -> QuerySet[Membership]:
    return Membership.objects.filter(organization_id__in=orgs, is_active=True)


def _staff_of(orgs: list[int]) -> QuerySet[User]:
    """Everyone with a role here now, each once (a membership is asked about, not joined),
    by name."""
    return (
        services.with_lockout(
            User.objects.filter(Exists(_active_here(orgs).filter(user=OuterRef("pk"))))
        )
        .annotate(has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=_active_here(orgs).select_related("organization").order_by("role"),
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def _working_in(account: User) -> list[Organization]:
    """The director's organizations the member of staff works in now (read with them by
    `_staff_of`), by name: each is a membership the director may end."""
    found = {m.organization_id: m.organization for m in account.memberships.all()}
    return sorted(found.values(), key=lambda o: (o.name, o.pk))


def _roles_by_organization(account: User) -> list[tuple[Organization, list[str]]]:
    """Their roles in each of those organizations, for a list that says which role is
    held where when someone works in more than one."""
    return [
        (o, [m.get_role_display() for m in account.memberships.all() if m.organization_id == o.pk])
        for o in _working_in(account)
    ]


def _refuse(request: HttpRequest) -> HttpResponse:
    return error_page(request, "Not allowed", staff.REFUSAL, status=403)


def _directing(
    view: Callable[[SignedInRequest, list[int]], HttpResponse],
) -> Callable[[SignedInRequest], HttpResponse]:
    """A staff page view, given the organizations whose staff the user manages; refused for
    anyone who manages none."""

    @wraps(view)
    def wrapper(request: SignedInRequest) -> HttpResponse:
        orgs = _director_orgs(request.user)
        return view(request, orgs) if orgs else _refuse(request)

    return wrapper


def _organizations(orgs: list[int]) -> list[tuple[int, str]]:
    return [(o.pk, o.name) for o in Organization.objects.filter(pk__in=orgs).order_by("name")]


def _former_of(orgs: list[int]) -> QuerySet[User]:
    """Who may be re-added, each with the roles they held here, by name."""
    return (
        staff.former_staff(orgs)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(organization_id__in=orgs).order_by("role"),
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def _found(rows: QuerySet[User], held: QuerySet[Membership], search: dict) -> QuerySet[User]:
    """The rows whose first name, last name or username holds every word searched for and,
    with a role chosen, who hold it in `held`."""
    for word in search.get("text", "").split():
        rows = rows.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    if search.get("role"):
        rows = rows.filter(Exists(held.filter(user=OuterRef("pk"), role=search["role"])))
    return rows


def _page(
    request: HttpRequest,
    orgs: list[int],
    form=None,
    rejoin_form=None,
    status: int = 200,
) -> HttpResponse:
    """The staff page: a page of the staff and one of former staff, each found by the search
    (the whole lists when it is empty or refused), and the add and re-add forms."""
    query = request.GET
    search_form = StaffSearchForm(query)
    search = search_form.cleaned_data if search_form.is_valid() else {}
    here = Membership.objects.filter(organization_id__in=orgs)
    organizations = _organizations(orgs)
    staff_page = page_of(
        _found(_staff_of(orgs), _active_here(orgs), search), query.get(STAFF_PAGE), PAGE_SIZE
    )
    for person in staff_page.object_list:
        person.roles_by_organization = _roles_by_organization(person)
    return render(
        request,
        "accounts/staff.html",
        {
            "search_form": search_form,
            "searched": bool(search.get("text") or search.get("role")),
            "staff_page": staff_page,
            "staff_keep": kept_beside(query, LIST_PARAMETERS, STAFF_PAGE),
            "former_page": page_of(
                _found(_former_of(orgs), here, search), query.get(FORMER_PAGE), PAGE_SIZE
            ),
            "former_keep": kept_beside(query, LIST_PARAMETERS, FORMER_PAGE),
            "form": form or StaffMemberForm(organizations=organizations),
            "rejoin_form": rejoin_form
            or RejoinForm(organizations=organizations, auto_id="id_rejoin_%s"),
            "me": request.user.pk,
        },
        status=400 if search_form.errors else status,
    )


@serves("GET")
@login_required
@_directing
def staff_list(request: SignedInRequest, orgs: list[int]) -> HttpResponse:
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
            refuse_on(form, exc)
        except AccessDenied:
            return _refuse(request)
        else:
            return link_shown(request, issued, back_url=reverse("accounts:staff"), **shown)
    return _page(request, orgs, status=400, **{page_form: form})


@serves("POST")
@login_required
@_directing
def staff_add(request: SignedInRequest, orgs: list[int]) -> HttpResponse:
    """Add a member of staff and make their first sign-in link."""
    form = StaffMemberForm(request.POST, organizations=_organizations(orgs))
    return _made(request, orgs, form, staff.add_staff_member, "form", first=True)


@serves("POST")
@login_required
@_directing
def staff_rejoin(request: SignedInRequest, orgs: list[int]) -> HttpResponse:
    """Re-add a former member of staff under the account they had, and make their sign-in
    link."""
    form = RejoinForm(request.POST, organizations=_organizations(orgs), auto_id="id_rejoin_%s")
    return _made(request, orgs, form, staff.rejoin_staff_member, "rejoin_form", rejoined=True)


def _managed(request: SignedInRequest, staff_id: UUID) -> User | None:
    """The member of staff, with their roles in the organizations the director manages, or
    None when they have none there."""
    orgs = _director_orgs(request.user)
    return _staff_of(orgs).filter(public_id=staff_id).first() if orgs else None


def _working_or_worked_here(orgs: list[int], staff_id: UUID) -> User | None:
    """The person, when they work or once worked in one of the organizations the director
    manages, or None: ending a membership again is answered for someone whose every
    membership here has ended, and refused for anyone else."""
    worked_here = Membership.objects.filter(user=OuterRef("pk"), organization_id__in=orgs)
    return User.objects.filter(Exists(worked_here), public_id=staff_id).first() if orgs else None


def _member_and_an_organization(
    request: SignedInRequest, staff_id: UUID
) -> tuple[User, Organization] | None:
    """The member of staff and the first by name of the director's organizations they work
    in, or None: for an action on the whole account, whose event and e-mail name one
    organization."""
    account = _managed(request, staff_id)
    if account is None:
        return None
    return account, _working_in(account)[0]


def _roles_page(
    request: HttpRequest,
    account: User,
    forms: list[tuple[Organization, RolesForm]],
    status: int,
    conflict: str = "",
) -> HttpResponse:
    return render(
        request,
        "accounts/staff_roles.html",
        {
            "account": account,
            "organizations": [organization for organization, _ in forms],
            "forms": forms,
            "conflict": conflict,
        },
        status=status,
    )


def _prefix(organization: Organization) -> str:
    """The names of one organization's fields on the page, apart from another's."""
    return f"org{organization.pk}"


def _roles_now(
    account: User, organizations: list[Organization]
) -> list[tuple[Organization, RolesForm]]:
    """A form per organization with their roles there as saved now (read again: after a
    refused save they are another director's), which the page then shows as seen."""
    held: dict[int, list[str]] = {o.pk: [] for o in organizations}
    for org_id, role in Membership.objects.filter(
        user=account, organization__in=organizations, is_active=True
    ).values_list("organization_id", "role"):
        held[org_id].append(role)
    return [
        (
            o,
            RolesForm(
                initial={"roles": held[o.pk], "seen": RolesForm.shown(held[o.pk])},
                prefix=_prefix(o),
            ),
        )
        for o in organizations
    ]


@serves("GET", "POST")
@login_required
def staff_change_roles(request: SignedInRequest, staff_id: UUID) -> HttpResponse:
    """One person's roles in each organization the director manages that they work in: the
    forms on a page of their own, which each row of the staff list links to, saved together;
    a refusal comes back on the form of the organization it concerns."""
    account = _managed(request, staff_id)
    if account is None:
        return _refuse(request)
    organizations = _working_in(account)
    if request.method != "POST":
        return _roles_page(request, account, _roles_now(account, organizations), 200)
    forms = [(o, RolesForm(request.POST, prefix=_prefix(o))) for o in organizations]
    # Every form is checked, so each shows its own errors.
    valid = [form.is_valid() for _, form in forms]
    if all(valid):
        try:
            staff.change_roles_in(
                account,
                [(o, form.cleaned_data["roles"], form.cleaned_data["seen"]) for o, form in forms],
                by=request.user,
            )
        except ConcurrentEdit as exc:
            now = _roles_now(account, organizations)
            return _roles_page(request, account, now, 409, conflict=exc.message)
        except staff.RolesRefused as exc:
            form = next(form for o, form in forms if o == exc.organization)
            refuse_on(form, exc)
        except AccessDenied:
            return _refuse(request)
        else:
            messages.success(request, f"{account}'s roles are saved.")
            return redirect("accounts:staff")
    return _roles_page(request, account, forms, 400)


@serves("POST")
@login_required
def staff_end(request: SignedInRequest, staff_id: UUID) -> HttpResponse:
    """End the person's membership in the organization the form names: a director of several
    organizations ends one of them and leaves the others as they are."""
    orgs = _director_orgs(request.user)
    account = _working_or_worked_here(orgs, staff_id)
    if account is None:
        return _refuse(request)
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, EndMembershipForm.UNREAD)
        return redirect("accounts:staff")
    organization = form.cleaned_data["organization"]
    managed = organization.pk in orgs
    if managed and not account.memberships.filter(organization=organization).exists():
        return _refuse(request)
    # A membership here that has ended (a second press, another tab) is the service's to say,
    # writing nothing. An organization the director does not manage goes on to the service
    # too, which refuses it and keeps the refusal in the audit trail.
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
def staff_invite(request: SignedInRequest, staff_id: UUID) -> HttpResponse:
    """Send a new sign-in link: for a first link lost, or a forgotten password."""
    found = _member_and_an_organization(request, staff_id)
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
def staff_action(request: SignedInRequest, staff_id: UUID, action: str) -> HttpResponse:
    # Unlocking and a two-factor reset are the account's, whichever organization it works in.
    account = _managed(request, staff_id)
    if account is None:
        return _refuse(request)
    if action == "unlock":
        services.unlock(account, by=request.user)
        messages.success(request, f"{account} can sign in again.")
    elif action == "reset-two-factor":
        services.reset_two_factor(account, by=request.user)
        messages.success(request, f"{account} will set up two-factor again at next sign-in.")
    return redirect("accounts:staff")
