"""The director's writes about staff: adding someone, changing their roles, ending their
membership, and sending a new sign-in link.

Each asks the policy for `staff.manage` in the organization first (a refusal is audited and
kept), then writes in one transaction with its audit event. An account is never deleted:
someone whose membership ended keeps their name on everything they wrote.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, Role, User
from audit.services import record_event
from participants.access import (
    require_capability,
    roles_grant,
    staff_holding,
    uses_staff_pages,
)
from signin import invitations
from tandem.errors import InvalidInput

REFUSAL = "Only program directors manage staff accounts."


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
        raise InvalidInput("That username is taken: choose another.", field="username")
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
        return invitations.issue(
            account,
            by=by,
            organization=organization,
            event_type="account.invited",
            decision=decision,
            now=now,
        )


def _left_without_a_manager(organization: Organization, account: User, keeps: set[str]) -> bool:
    """Whether this change would leave no one who may manage the organization's staff."""
    others = staff_holding("staff.manage", organization.pk).exclude(pk=account.pk)
    if others.exists():
        return False
    return not roles_grant(keeps, "staff.manage")


def _memberships(account: User, organization: Organization):
    return Membership.objects.select_for_update().filter(user=account, organization=organization)


def change_roles(
    account: User, organization: Organization, *, by: User, roles: Iterable[str]
) -> list[str]:
    """Give a member of staff exactly these roles here; roles taken away end (kept, marked
    inactive), so past work still names the role it was done in."""
    decision = _require(by, organization, "staff.roles_changed", account)
    chosen = _check_roles(roles)
    with transaction.atomic():
        rows = {m.role: m for m in _memberships(account, organization)}
        before = sorted(r for r, m in rows.items() if m.is_active)
        if not before:
            raise InvalidInput(
                "Their membership here has ended; add them again as new staff.", field="roles"
            )
        if _left_without_a_manager(organization, account, set(chosen)):
            raise InvalidInput(
                "Someone must keep managing staff here: give another person the program "
                "director's role first.",
                field="roles",
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
    """End every role of theirs here: they no longer sign in to this organization, their open
    sign-in links stop working, and an account left with no organization is closed. Their
    name stays on what they did."""
    decision = _require(by, organization, "staff.membership_ended", account)
    if account.pk == by.pk:
        raise InvalidInput("You cannot end your own membership.", field="user")
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(_memberships(account, organization).filter(is_active=True))
        if not rows:
            raise InvalidInput("Their membership here has already ended.", field="user")
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
        revoked = invitations.revoke_open(account, now=now)
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
    return invitations.issue(
        account,
        by=by,
        organization=organization,
        event_type="account.invited",
        decision=decision,
        now=now,
    )
