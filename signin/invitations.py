"""Invitations: one set-your-password link for every kind of account.

A new member of staff, a participant's portal login and a support person's sign-in all start
the same way, and a forgotten password ends the same way: a staff member who may give that
account its sign-in makes an invitation, hands over (or lets the program e-mail) the link, and
the person chooses their own password on the page it opens. The services that make one
(`signin.staff`, `portal.services`, `family.services`) ask the policy first; this module only
keeps the link.

Single-use links (`links`) are not reused for this: each belongs to one participant and opens
a part of their record under the closed-chart rule for at most a day, while an invitation
belongs to an account (a member of staff has no participant) and opens no record at all. The
token itself is the same kind (`tandem.tokens`): a path segment, kept only as its SHA-256.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django_tasks import task

from accounts.models import Organization, Program, User
from audit.services import record_event
from participants.access import own_record
from participants.language import code_for
from signin.models import Invitation
from tandem.delivery import delivering
from tandem.errors import InvalidInput, TandemError
from tandem.tasks import enqueue_after_commit
from tandem.templatetags.clock import portal_when
from tandem.tokens import MAX_LENGTH, new_token, seal, token_hash, unseal

# Long enough to reach someone who checks their e-mail every other day; short enough that a
# link left in a mailbox soon stops working.
LIFETIME = timedelta(hours=72)

# Marked for the catalogue here, said in the visitor's language where the page is rendered
# (signin.views): whose link it was is not told.
UNAVAILABLE_MESSAGE = gettext_noop(
    "This sign-in link no longer works. It may have been used already, be more than three "
    "days old, or have been replaced by a newer one. Ask the program for a new link."
)


class InvitationUnavailable(TandemError):
    """Unknown, used, expired or revoked: the holder learns nothing more, not even whether the
    account exists."""

    def __init__(self) -> None:
        super().__init__(UNAVAILABLE_MESSAGE)


@dataclass(frozen=True)
class IssuedInvitation:
    """The invitation and its token: the token is shown once to whoever made it and never
    kept."""

    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return invitation_path(self.token)


def invitation_path(token: str) -> str:
    return reverse("accounts:invitation", args=[token])


def _usable(now: datetime) -> dict[str, Any]:
    return {"used_at__isnull": True, "revoked_at__isnull": True, "expires_at__gt": now}


def revoke_open(account: User, *, now: datetime, organization: Organization | None = None) -> int:
    """Stop every invitation of the account still open (a newer one, an ended membership,
    portal access turned off), or only those `organization` made; call inside the caller's
    transaction, whose event says so."""
    open_ones = Invitation.objects.filter(user=account, **_usable(now))
    if organization is not None:
        open_ones = open_ones.filter(organization=organization)
    return open_ones.update(revoked_at=now)


def issue(
    account: User,
    *,
    by: User,
    organization: Organization,
    event_type: str,
    role: str = "",
    decision: Any = None,
    participant: Any = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> IssuedInvitation:
    """Make a new invitation for `account`, revoking any earlier one still open, and write
    `event_type` (the caller's, after its own permission check, with its `details`) without the
    token. When the
    account has an e-mail address the link is also sent there by a task."""
    now = now or timezone.now()
    token = new_token()
    with transaction.atomic():
        revoked = revoke_open(account, now=now)
        invitation = Invitation.objects.create(
            user=account,
            organization=organization,
            token_hash=token_hash(token),
            issued_by=by,
            issued_at=now,
            expires_at=now + LIFETIME,
        )
        emailed = bool(account.email)
        record_event(
            actor=by,
            event_type=event_type,
            decision=decision,
            role=role,
            participant=participant,
            organization=organization,
            record=account,
            details={
                "invitation": str(invitation.public_id),
                "expires_at": invitation.expires_at.isoformat(),
                "earlier_revoked": revoked,
                "emailed": emailed,
                **(details or {}),
            },
        )
        if emailed:
            enqueue_after_commit(send_invitation, invitation.pk, seal(token))
    return IssuedInvitation(invitation, token)


def issue_on_record(
    account: User,
    *,
    email: str,
    made: bool,
    event_type: str,
    by: User,
    participant: Any,
    decision: Any,
    now: datetime | None = None,
) -> IssuedInvitation:
    """A new link for the login a participant's record owns (theirs, or a support person's):
    the login's e-mail is first made the record's `email`, so the link goes where the record
    says, and the event on the participant says whether the login was `made` now."""
    if account.email != email:
        account.email = email
        account.save(update_fields=["email"])
    return issue(
        account,
        by=by,
        organization=participant.organization,
        event_type=event_type,
        decision=decision,
        participant=participant,
        details={"login_made": made},
        now=now,
    )


def open_invitation(account: User, *, now: datetime | None = None) -> Invitation | None:
    """The account's invitation still open, if any (a page says until when it works)."""
    return (
        Invitation.objects.filter(user=account, **_usable(now or timezone.now()))
        .order_by("-issued_at")
        .first()
    )


def find_usable(token: str, *, now: datetime | None = None) -> Invitation:
    """The open invitation this token names; InvitationUnavailable otherwise."""
    now = now or timezone.now()
    if not token or len(token) > MAX_LENGTH:
        raise InvitationUnavailable()
    found = (
        Invitation.objects.filter(token_hash=token_hash(token), **_usable(now))
        .select_related("user")
        .first()
    )
    if found is None:
        raise InvitationUnavailable()
    return found


def accept(token: str, password: str, *, now: datetime | None = None) -> User:
    """Set the account's password from its invitation and open the account; the invitation
    is used up in the same transaction. A password the validators refuse is refused by name
    and leaves the link usable. Nobody is signed in: the person signs in with it next."""
    now = now or timezone.now()
    invitation = find_usable(token, now=now)
    account = invitation.user
    try:
        password_validation.validate_password(password, account)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="new_password1") from None
    with transaction.atomic():
        spent = Invitation.objects.filter(pk=invitation.pk, **_usable(now)).update(used_at=now)
        if spent != 1:
            raise InvitationUnavailable()
        account.set_password(password)
        account.is_active = True
        account.save(update_fields=["password", "is_active"])
        record_event(
            actor=account,
            event_type="account.password_set",
            organization=invitation.organization,
            record=account,
            details={"invitation": str(invitation.public_id)},
        )
    return account


def language_of(account: User) -> str | None:
    """The language the account's own record names: a participant's record says which
    (`participants.language`); staff and support people have none on file, so None."""
    record = own_record(account)
    return code_for(record.preferred_language) if record is not None else None


def invitation_text(url: str, expires_at: datetime, username: str, zone: str) -> str:
    """The e-mail's words, in the language active where it is built: the link, the username
    and the link's end in the program's time zone as everything sent to a participant is
    written (`portal_when`), nothing else."""
    moment = portal_when(expires_at, zone)
    return (
        gettext("You have been invited to sign in to Tandem.")
        + "\n\n"
        + gettext("Your username is %(username)s. Choose your password here:")
        % {"username": username}
        + f"\n{url}\n\n"
        + gettext(
            "The link works once, until %(moment)s. If it has stopped working, ask the "
            "program for a new one."
        )
        % {"moment": moment}
        + "\n"
    )


@task()
def send_invitation(invitation_id: int, sealed_token: str) -> bool:
    """E-mail an invitation's link to its account, in the language the set-your-password page
    speaks to them (a participant's record's; English otherwise, as no visitor is there to
    ask); nothing is sent once the invitation was used, replaced or has run out. The token
    comes sealed (`tandem.tokens.seal`) and reaches the message and nothing else: the error of
    a refused send names the invitation alone (`tandem.delivery`)."""
    invitation = Invitation.objects.select_related("user").get(pk=invitation_id)
    if not invitation.is_usable(timezone.now()):
        return False
    base = getattr(settings, "TANDEM_BASE_URL", "http://localhost:8000").rstrip("/")
    program = Program.objects.filter(organization=invitation.organization).order_by("pk").first()
    with translation.override(language_of(invitation.user) or settings.LANGUAGE_CODE):
        subject = gettext("Your sign-in to Tandem")
        body = invitation_text(
            base + invitation_path(unseal(sealed_token)),
            invitation.expires_at,
            invitation.user.username,
            program.time_zone if program is not None else "UTC",
        )
    with delivering(f"Invitation {invitation.public_id}"):
        send_mail(subject, body, None, [invitation.user.email])
    return True
