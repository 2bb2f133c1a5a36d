"""Issue, open and spend single-use links.

`issue_link(participant, target, ref=..., by=..., now=...)` returns the new link and its
token; the token is shown once (put it in the reminder) and only its SHA-256 is stored.
A link opens one target for one participant, answers once, and expires 24 hours after
issue (or sooner when the caller says so).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from audit.services import record_event
from links.models import SingleUseLink
from links.registry import get_target, target_for
from participants.access import Decision, link_holder_decision
from participants.models import Participant
from tandem.errors import InvalidInput, TandemError
from tandem.tokens import new_token, token_hash

LIFETIME = timedelta(hours=24)


# Marked for the catalogue here: the page says it in every portal language, as it cannot
# know whose link it was (links.views).
UNAVAILABLE_MESSAGE = gettext_noop(
    "This link no longer works. It may have been used already or be more than a day "
    "old. Ask your care team for a new one, or sign in to your portal."
)


class LinkUnavailable(TandemError):
    """The link is unknown, expired, already used or revoked; the holder learns nothing more."""

    def __init__(self) -> None:
        super().__init__(UNAVAILABLE_MESSAGE)


# Marked for the catalogue here, translated where the page is rendered in the participant's
# language (links.views).
CLOSED_MESSAGE = gettext_noop(
    "Your time in the program has ended, so this link no longer takes answers, and nothing "
    "sent through it was kept. If you agreed to hear from the program after you left, it "
    "will send you its own follow-up questions."
)


class LinkClosed(LinkUnavailable):
    """The participant left care after the link was sent: what it opens belongs to the chart
    that discharge closed, so nothing is kept, and the participant is told why. `decision`
    is the refusal still to be audited when it came from inside the answer's transaction,
    which rolls back (see `audit_refused`)."""

    def __init__(self, participant: Participant, decision: Decision | None = None) -> None:
        TandemError.__init__(self, CLOSED_MESSAGE)
        self.participant = participant
        self.decision = decision


@dataclass(frozen=True)
class IssuedLink:
    link: SingleUseLink
    token: str

    @property
    def path(self) -> str:
        return reverse("links:open", args=[self.token])


def issue_link(
    participant: Participant,
    target: str,
    *,
    ref: str = "",
    by=None,
    now: datetime | None = None,
    lifetime: timedelta = LIFETIME,
) -> IssuedLink:
    """Make a link to one target; `by` is the staff member, or None when a job sends it."""
    kind = get_target(target)
    if kind is None:
        raise InvalidInput(f"No link target {target!r} is registered.", field="target")
    problem = kind.check_ref(ref)
    if problem:
        raise InvalidInput(problem, field="ref")
    if not timedelta(0) < lifetime <= LIFETIME:
        raise InvalidInput("A link lasts at most 24 hours.", field="lifetime")
    now = now or timezone.now()
    token = new_token()
    with transaction.atomic():
        link = SingleUseLink.objects.create(
            participant=participant,
            target=target,
            target_ref=ref,
            token_hash=token_hash(token),
            issued_by=by if getattr(by, "is_authenticated", False) else None,
            issued_at=now,
            expires_at=now + lifetime,
        )
        record_event(
            actor=by,
            event_type="link.issued",
            participant=participant,
            record=link,
            details={"target": target, "ref": ref, "expires_at": link.expires_at.isoformat()},
        )
    return IssuedLink(link, token)


def _usable(now: datetime):
    return {"used_at__isnull": True, "revoked_at__isnull": True, "expires_at__gt": now}


def find_usable(token: str, *, now: datetime) -> SingleUseLink:
    """The link this token opens, if it is still usable and its participant's record was not
    entered in error (it left every page); LinkUnavailable otherwise."""
    if not token or len(token) > 100:
        raise LinkUnavailable()
    link = (
        SingleUseLink.objects.filter(
            token_hash=token_hash(token),
            participant__entered_in_error_at__isnull=True,
            **_usable(now),
        )
        .select_related("participant")
        .first()
    )
    if link is None or get_target(link.target) is None:
        raise LinkUnavailable()
    return link


@dataclass
class LinkVisit:
    """What a target's handler gets: the link, its participant, the access decision, the time."""

    link: SingleUseLink
    decision: Decision
    now: datetime

    @property
    def participant(self) -> Participant:
        return self.link.participant

    def spend(self, *, answer: UUID | None = None, details: dict | None = None) -> None:
        """Use the link up; call inside the transaction that stores the answer, whose public
        id is `answer` (kept, so a critical answer's crisis page can be shown again).

        The update is conditional, so two answers sent at once store one: the second
        raises LinkUnavailable and its transaction rolls back. The closed chart is asked
        again here, under a lock on the stay, since a discharge can commit between the
        link's opening and this write: then LinkClosed, and the answer rolls back.
        """
        decision = link_holder_decision(
            self.participant, self.link.target, target_for(self.link.target).scope, storing=True
        )
        if not decision.allowed:
            raise LinkClosed(self.participant, decision)
        spent = SingleUseLink.objects.filter(pk=self.link.pk, **_usable(self.now)).update(
            used_at=self.now, answer_id=answer
        )
        if spent != 1:
            raise LinkUnavailable()
        self.link.used_at = self.now
        self.link.answer_id = answer
        record_event(
            actor=None,
            event_type="link.used",
            decision=self.decision,
            participant=self.participant,
            record=self.link,
            details={"target": self.link.target, **(details or {})},
        )


def open_link(token: str, *, method: str | None, now: datetime | None = None) -> LinkVisit:
    """Resolve a token for a visit; a GET is audited here as the link's opening. A link to
    a part of the record closed since it was sent (the participant was discharged) is refused
    here, audited as refused, and left unused."""
    now = now or timezone.now()
    link = find_usable(token, now=now)
    decision = link_holder_decision(link.participant, link.target, target_for(link.target).scope)
    opening = method in ("GET", "HEAD")
    if not decision.allowed:
        audit_refused(link, decision, opening=opening)
        raise LinkClosed(link.participant)
    if opening:
        with transaction.atomic():
            if link.opened_at is None:
                SingleUseLink.objects.filter(pk=link.pk).update(opened_at=now)
            record_event(
                actor=None,
                event_type="link.opened",
                decision=decision,
                participant=link.participant,
                record=link,
                details={"target": link.target, "ref": link.target_ref},
            )
    return LinkVisit(link, decision, now)


@dataclass(frozen=True)
class SpentAfterCrisis:
    """A link that took a critical answer, opened again: its page shows the crisis lines."""

    link: SingleUseLink
    answer: Any

    @property
    def participant(self) -> Participant:
        return self.link.participant


def open_spent_after_crisis(token: str, *, now: datetime | None = None) -> SpentAfterCrisis | None:
    """The link this token opened, when it was used within the last day for a critical
    answer (a yes to the safety question): someone in crisis who reloads the page must find
    the crisis lines again. Nothing can be answered through it; each showing is audited as
    the link's opening. None for any other token, and once the participant has left care."""
    now = now or timezone.now()
    if not token or len(token) > 100:
        return None
    link = (
        SingleUseLink.objects.filter(
            token_hash=token_hash(token),
            participant__entered_in_error_at__isnull=True,
            revoked_at__isnull=True,
            answer_id__isnull=False,
            used_at__gt=now - LIFETIME,
        )
        .select_related("participant")
        .first()
    )
    target = get_target(link.target) if link is not None else None
    if link is None or target is None:
        return None
    answer = target.critical_answer(link)
    if answer is None:
        return None
    decision = link_holder_decision(link.participant, link.target, target.scope)
    if not decision.allowed:
        return None
    record_event(
        actor=None,
        event_type="link.opened",
        decision=decision,
        participant=link.participant,
        record=link,
        details={"target": link.target, "ref": link.target_ref, "spent": True},
    )
    return SpentAfterCrisis(link, answer)


def audit_refused(link: SingleUseLink, decision: Decision, *, opening: bool) -> None:
    """A link the closed chart refused, audited as refused; outside the answer's transaction
    when the refusal came from inside it, so the event is kept while the answer is not."""
    record_event(
        actor=None,
        event_type="link.opened" if opening else "link.used",
        decision=decision,
        participant=link.participant,
        record=link,
        details={"target": link.target, "ref": link.target_ref},
    )


def audit_shown_again(visit: LinkVisit) -> None:
    """The link's target shown again without being answered (its form came back with errors)."""
    record_event(
        actor=None,
        event_type="link.opened",
        decision=visit.decision,
        participant=visit.participant,
        record=visit.link,
        details={"target": visit.link.target, "ref": visit.link.target_ref, "again": True},
    )


def revoke(link: SingleUseLink, *, by, now: datetime | None = None) -> None:
    """Stop a link that is no longer wanted (the participant left care, a resend)."""
    now = now or timezone.now()
    with transaction.atomic():
        SingleUseLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=now)
        record_event(
            actor=by,
            event_type="link.revoked",
            participant=link.participant,
            record=link,
            details={"target": link.target},
        )
