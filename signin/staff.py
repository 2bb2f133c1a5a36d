"""The director's writes about staff: adding someone, re-adding someone whose membership
ended, changing their roles, ending their membership, and sending a new sign-in link.

Each asks the policy for `staff.manage` in the organization first (a refusal is audited and
kept), then writes in one transaction with its audit event. An account is never deleted:
someone whose membership ended keeps their name on everything they wrote.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organization, Role, User
from audit.services import record_event
from participants.access import (
    Decision,
    require_capability,
    roles_grant,
    staff_holding,
    uses_staff_pages,
)
from signin import invitations
from tandem.errors import ConcurrentEdit, InvalidInput

REFUSAL = "Only program directors manage staff accounts."
# Said of any username someone has, whoever has it: a director learns nothing of accounts
# beyond their own organization's staff.
TAKEN = "That username is taken: choose another."


def _require(by: User, organization: Organization, event_type: str, account=None):
    return require_capability(
        by,
        "staff.manage",
        [organization.pk],
        event_type=event_type,
        record=account,
        refusal=REFUSAL,
    )


def check_username(username: str) -> str:
    """A username nobody has, in the characters Django's sign-in accepts; the message names
    the field."""
    username = (username or "").strip()
    if not username:
        raise InvalidInput("Enter a username.", field="username")
    if len(username) > 150:
        raise InvalidInput("A username is at most 150 characters.", field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise InvalidInput(
            "A username uses letters, digits and @ . + - _ only.", field="username"
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(TAKEN, field="username")
    return username


def _check_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted(set(roles))
    if not chosen:
        raise InvalidInput("Choose at least one role.", field="roles")
    unknown = [r for r in chosen if r not in Role.values]
    if unknown:
        raise InvalidInput("Choose roles from the list.", field="roles")
    return chosen


def _check_email(email: str) -> str:
    email = (email or "").strip()
    if len(email) > 254:
        raise InvalidInput("An e-mail address is at most 254 characters.", field="email")
    return email


def _sign_in_link(
    account: User,
    organization: Organization,
    *,
    by: User,
    decision: Any,
    now: datetime | None,
) -> invitations.IssuedInvitation:
    """A member of staff's sign-in link, their first, on coming back or a new one: each is
    the trail's `account.invited`, so an auditor finds every link sent to staff under one
    name."""
    return invitations.issue(
        account,
        by=by,
        organization=organization,
        event_type="account.invited",
        decision=decision,
        now=now,
    )


def add_staff_member(
    organization: Organization,
    *,
    by: User,
    first_name: str,
    last_name: str,
    username: str,
    email: str = "",
    credentials: str = "",
    roles: Iterable[str],
    now: datetime | None = None,
) -> invitations.IssuedInvitation:
    """A new member of staff with their roles here, and their first sign-in link; they have
    no password until they choose one through it."""
    decision = _require(by, organization, "staff.added")
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not first_name:
        raise InvalidInput("Enter their first name.", field="first_name")
    if not last_name:
        raise InvalidInput("Enter their last name.", field="last_name")
    if len(first_name) > 150 or len(last_name) > 150:
        raise InvalidInput("A name is at most 150 characters.", field="first_name")
    if len(credentials or "") > 60:
        raise InvalidInput("Credentials are at most 60 characters.", field="credentials")
    chosen = _check_roles(roles)
    former = former_staff([organization.pk]).filter(username__iexact=(username or "").strip())
    someone = former.first()
    if someone is not None:
        raise InvalidInput(
            f"{someone} worked here before: re-add them under Former staff, so their past "
            "work and this stay under one name.",
            field="username",
        )
    with transaction.atomic():
        account = User(
            username=check_username(username),
            first_name=first_name,
            last_name=last_name,
            email=_check_email(email),
            credentials=(credentials or "").strip(),
            kind=User.Kind.STAFF,
        )
        account.set_unusable_password()
        account.save()
        Membership.objects.bulk_create(
            [Membership(user=account, organization=organization, role=r) for r in chosen]
        )
        record_event(
            actor=by,
            event_type="staff.added",
            decision=decision,
            organization=organization,
            record=account,
            details={"roles": chosen},
        )
        return _sign_in_link(account, organization, by=by, decision=decision, now=now)


def former_staff(organization_ids: Iterable[int]) -> QuerySet[User]:
    """Who worked in these organizations and whose account closed when their every
    membership ended: the people a director may re-add (`rejoin_staff_member`). Each once,
    without a join, so the staff page pages them with a window count."""
    worked_here = Membership.objects.filter(
        user=OuterRef("pk"), organization_id__in=list(organization_ids)
    )
    still_active = Membership.objects.filter(user=OuterRef("pk"), is_active=True)
    return User.objects.filter(Exists(worked_here), kind=User.Kind.STAFF).exclude(
        Exists(still_active)
    )


def _former_member(organization: Organization, username: str) -> tuple[User, list[Membership]]:
    """The closed account of someone who worked here, locked, with its rows here. An account
    still open anywhere, or that never worked here, is refused as any taken username is."""
    username = (username or "").strip()
    if not username:
        raise InvalidInput("Enter their username.", field="username")
    account = User.objects.select_for_update().filter(username__iexact=username).first()
    if account is None:
        raise InvalidInput("No one who worked here has that username.", field="username")
    rows = list(Membership.objects.select_for_update().filter(user=account))
    here = [m for m in rows if m.organization_id == organization.pk]
    if any(m.is_active for m in here):
        raise InvalidInput(f"{account} is on the staff here already.", field="username")
    if not uses_staff_pages(account) or not here or any(m.is_active for m in rows):
        raise InvalidInput(TAKEN, field="username")
    return account, here


def rejoin_staff_member(
    organization: Organization,
    *,
    by: User,
    username: str,
    email: str = "",
    roles: Iterable[str],
    now: datetime | None = None,
) -> invitations.IssuedInvitation:
    """Re-add someone who worked here and whose account closed when their every membership
    ended: the same account comes back, so their name stays on what they wrote and signed,
    with the roles chosen now and the e-mail given now. What they signed in with before opens
    nothing: the password is cleared and the authenticator removed until they choose a new
    password through the sign-in link this makes, and enrol again."""
    decision = _require(by, organization, "staff.rejoined")
    chosen = _check_roles(roles)
    email = _check_email(email)
    with transaction.atomic():
        account, here = _former_member(organization, username)
        held = {m.role: m for m in here}
        Membership.objects.filter(pk__in=[held[r].pk for r in chosen if r in held]).update(
            is_active=True, modified_at=now or timezone.now()
        )
        Membership.objects.bulk_create(
            [
                Membership(user=account, organization=organization, role=r)
                for r in chosen
                if r not in held
            ]
        )
        account.set_unusable_password()
        account.is_active = True
        account.email = email
        account.save(update_fields=["password", "is_active", "email"])
        devices, _ = TOTPDevice.objects.filter(user=account).delete()
        record_event(
            actor=by,
            event_type="staff.rejoined",
            decision=decision,
            organization=organization,
            record=account,
            details={
                "roles": chosen,
                "password_cleared": True,
                "two_factor_reset": bool(devices),
            },
        )
        return _sign_in_link(account, organization, by=by, decision=decision, now=now)


def _left_without_a_manager(organization: Organization, account: User, keeps: set[str]) -> bool:
    """Whether this change would leave no one who may manage the organization's staff."""
    others = staff_holding("staff.manage", organization.pk).exclude(pk=account.pk)
    if others.exists():
        return False
    return not roles_grant(keeps, "staff.manage")


def _memberships(account: User, organization: Organization):
    return Membership.objects.select_for_update().filter(user=account, organization=organization)


class RolesRefused(InvalidInput):
    """The roles chosen in one organization of those being saved break a rule; nothing was
    saved in any of them."""

    def __init__(self, organization: Organization, refused: InvalidInput) -> None:
        super().__init__(refused.message, field=refused.field)
        self.organization = organization


# One organization's roles to save: the organization, the roles chosen, the roles the form
# showed (None: not asked).
RolesChoice = tuple[Organization, Iterable[str], Iterable[str] | None]


def change_roles(
    account: User,
    organization: Organization,
    *,
    by: User,
    roles: Iterable[str],
    seen: Iterable[str] | None = None,
) -> list[str]:
    """Give a member of staff exactly these roles here; roles taken away end (kept, marked
    inactive), so past work still names the role it was done in.

    `seen`: the roles the form showed; when another director changed them since, nothing is
    saved (`ConcurrentEdit`), so neither director's choice silently undoes the other's."""
    return change_roles_in(account, [(organization, roles, seen)], by=by)[0]


def change_roles_in(account: User, choices: list[RolesChoice], *, by: User) -> list[list[str]]:
    """`change_roles` in each of several organizations (a person working in more than one
    that the director manages), all saved or none: a refusal (`AccessDenied`,
    `RolesRefused`) or another director's change (`ConcurrentEdit`) in one of them saves
    nothing anywhere, so the page never leaves half of a choice behind."""
    checked = []
    for organization, roles, seen in choices:
        decision = _require(by, organization, "staff.roles_changed", account)
        try:
            chosen = _check_roles(roles)
        except InvalidInput as exc:
            raise RolesRefused(organization, exc) from exc
        checked.append((organization, decision, chosen, seen))
    with transaction.atomic():
        return [
            _set_roles(account, organization, decision, by=by, chosen=chosen, seen=seen)
            for organization, decision, chosen, seen in checked
        ]


def _set_roles(
    account: User,
    organization: Organization,
    decision: Decision,
    *,
    by: User,
    chosen: list[str],
    seen: Iterable[str] | None,
) -> list[str]:
    rows = {m.role: m for m in _memberships(account, organization)}
    before = sorted(r for r, m in rows.items() if m.is_active)
    if not before:
        raise RolesRefused(
            organization,
            InvalidInput(
                "Their membership here has ended; re-add them under Former staff.", field="roles"
            ),
        )
    if seen is not None and sorted(set(seen)) != before:
        raise ConcurrentEdit(
            message="Someone else changed their roles after you opened this page. "
            "Their roles now are ticked below: choose again and save."
        )
    if _left_without_a_manager(organization, account, set(chosen)):
        raise RolesRefused(
            organization,
            InvalidInput(
                "Someone must keep managing staff here: give another person the program "
                "director's role first.",
                field="roles",
            ),
        )
    for role, row in rows.items():
        if row.is_active != (role in chosen):
            row.is_active = role in chosen
            row.save(update_fields=["is_active", "modified_at"])
    Membership.objects.bulk_create(
        [
            Membership(user=account, organization=organization, role=r)
            for r in chosen
            if r not in rows
        ]
    )
    if before != chosen:
        record_event(
            actor=by,
            event_type="staff.roles_changed",
            decision=decision,
            organization=organization,
            record=account,
            details={"changes": {"roles": {"before": before, "after": chosen}}},
        )
    return chosen


def end_membership(
    account: User, organization: Organization, *, by: User, now: datetime | None = None
) -> None:
    """End every role of theirs here: they no longer sign in to this organization, and an
    account left with no organization is closed. The sign-in links this organization made
    stop working; so do all of theirs when the account closes, since a link opens it again.
    A link another organization made stays, as they still work there. Their name stays on
    what they did."""
    decision = _require(by, organization, "staff.membership_ended", account)
    if account.pk == by.pk:
        raise InvalidInput("You cannot end your own membership.", field="user")
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(_memberships(account, organization).filter(is_active=True))
        if not rows:
            raise InvalidInput(
                f"{account}'s membership in {organization} has already ended: nothing was changed.",
                field="user",
            )
        if _left_without_a_manager(organization, account, set()):
            raise InvalidInput(
                "Someone must keep managing staff here: give another person the program "
                "director's role first.",
                field="user",
            )
        Membership.objects.filter(pk__in=[m.pk for m in rows]).update(
            is_active=False, modified_at=now
        )
        elsewhere = (
            Membership.objects.filter(user=account, is_active=True)
            .exclude(organization=organization)
            .exists()
        )
        if not elsewhere:
            User.objects.filter(pk=account.pk).update(is_active=False)
            account.is_active = False
        revoked = invitations.revoke_open(
            account, now=now, organization=organization if elsewhere else None
        )
        record_event(
            actor=by,
            event_type="staff.membership_ended",
            decision=decision,
            organization=organization,
            record=account,
            details={
                "roles": sorted(m.role for m in rows),
                "account_closed": not elsewhere,
                "invitations_revoked": revoked,
            },
        )


def send_new_link(
    account: User, organization: Organization, *, by: User, now: datetime | None = None
) -> invitations.IssuedInvitation:
    """A new sign-in link for a member of staff (a first one lost, a forgotten password): the
    earlier link stops working, the password they had keeps working until they choose one."""
    decision = _require(by, organization, "account.invited", account)
    if not uses_staff_pages(account) or not account.is_active:
        raise InvalidInput("Their membership here has ended.", field="user")
    if not Membership.objects.filter(
        user=account, organization=organization, is_active=True
    ).exists():
        raise InvalidInput("Their membership here has ended.", field="user")
    return _sign_in_link(account, organization, by=by, decision=decision, now=now)
