"""A participant's own portal login: invite them (making the login the first time), send a
new sign-in link, turn portal access off.

Each asks the policy for the participant's record and the `portal.invite` capability first
(a refusal is audited), then writes in one transaction with its audit event. The login's
password is chosen by the participant through the link (`signin.invitations`); nobody on
staff ever knows it.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import record_event
from participants.access import Scope, require_with_capability, uses_portal
from participants.models import Participant
from signin import invitations
from signin.staff import check_username
from tandem.errors import InvalidInput

REFUSAL = "Your role does not give participants portal logins."


def _require(by: User, participant: Participant):
    return require_with_capability(
        by, participant, "portal.invite", Action.CHANGE, Scope.DEMOGRAPHICS, refusal=REFUSAL
    )


def invite_to_portal(
    participant: Participant, *, by: User, username: str = "", now: datetime | None = None
) -> invitations.IssuedInvitation:
    """Make the participant's portal login (with `username`) if they have none, or a new
    sign-in link for the one they have; the earlier link stops working. The login's e-mail is
    the record's, so the link is e-mailed when the record has an address."""
    decision = _require(by, participant)
    with transaction.atomic():
        row = Participant.objects.select_for_update().get(pk=participant.pk)
        if row.entered_in_error_at is not None:
            raise InvalidInput("This record was entered in error.", field="username")
        created = row.user_id is None
        if created:
            account = User(
                username=check_username(username),
                first_name=row.preferred_name or row.legal_first_name,
                last_name=row.legal_last_name,
                email=row.email,
                kind=User.Kind.PARTICIPANT,
            )
            account.set_unusable_password()
            account.save()
            row.user = account
            row.save(update_fields=["user", "modified_at"])
        else:
            account = User.objects.select_for_update().get(pk=row.user_id)
            if not uses_portal(account):
                raise InvalidInput("This record's login is not a participant's.", field="username")
        issued = invitations.issue_on_record(
            account,
            email=row.email,
            made=created,
            event_type="portal.invited",
            by=by,
            participant=participant,
            decision=decision,
            now=now,
        )
    participant.user = account
    return issued


def turn_off_portal(participant: Participant, *, by: User, now: datetime | None = None) -> None:
    """The participant can no longer sign in to the portal (signed out at their next page)
    and their open sign-in link stops working; a new invitation turns it on again once they
    choose a password with it."""
    decision = _require(by, participant)
    now = now or timezone.now()
    with transaction.atomic():
        row = Participant.objects.select_for_update().get(pk=participant.pk)
        account = User.objects.select_for_update().filter(pk=row.user_id).first()
        if account is None or not uses_portal(account):
            raise InvalidInput("They have no portal login.", field="user")
        revoked = invitations.revoke_open(account, now=now)
        if not account.is_active and not revoked:
            raise InvalidInput("Their portal access is already off.", field="user")
        account.is_active = False
        account.save(update_fields=["is_active"])
        record_event(
            actor=by,
            event_type="portal.turned_off",
            decision=decision,
            participant=participant,
            record=account,
            details={"invitations_revoked": revoked},
        )
