"""Writes of support people: adding one, withdrawing one added by mistake.

Each asks the access policy first (a change to the clinical record), then writes in one
transaction with its audit event.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.models import Action
from audit.services import record_event
from consent.models import Consent
from family.models import Sharing, SupportPerson
from participants.access import Scope, require, require_with_capability, uses_support_pages
from participants.models import Participant
from participants.selectors import program_zone
from signin import invitations
from signin.staff import check_username
from tandem import lifecycle
from tandem.errors import InvalidInput
from tandem.validation import validate


def add_support_person(
    participant: Participant,
    *,
    by: Any,
    name: str,
    relationship: str,
    phone: str = "",
    email: str = "",
    emergency_contact: bool = False,
    now: datetime | None = None,
) -> SupportPerson:
    """Record someone the participant names as a support; a missing name or relationship is
    refused by name, nothing written."""
    decision = require(by, participant, Action.CREATE, Scope.CLINICAL)
    person = SupportPerson(
        participant=participant,
        name=(name or "").strip(),
        relationship=(relationship or "").strip(),
        phone=(phone or "").strip(),
        email=(email or "").strip(),
        emergency_contact=bool(emergency_contact),
        recorded_by=by,
        recorded_at=now or timezone.now(),
    )
    validate(person, exclude=["participant", "recorded_by"])
    with transaction.atomic():
        person.save()
        record_event(
            actor=by,
            event_type="support_person.added",
            decision=decision,
            participant=participant,
            record=person,
            details={"emergency_contact": person.emergency_contact},
        )
    return person


def mark_entered_in_error(
    person: SupportPerson, *, by: Any, reason: str, now: datetime | None = None
) -> SupportPerson:
    """Withdraw a support person added by mistake: they stay in the history and leave the list."""
    decision = require(by, person.participant, Action.CHANGE, Scope.CLINICAL)
    with transaction.atomic():
        return lifecycle.mark_entered_in_error(
            person,
            by=by,
            reason=reason,
            decision=decision,
            now=now,
            what="support person",
            event_type="support_person.entered_in_error",
        )


def names(recipients: str, name: str) -> bool:
    """Whether a consent's recipients name this person (§2.31(a): the consent names whom the
    records go to), ignoring case and spacing; a support person shares only under a consent
    that names them."""
    return " ".join(name.split()).casefold() in " ".join(recipients.split()).casefold()


def record_sharing(
    person: SupportPerson,
    consent: Consent,
    *,
    by: Any,
    schedule: bool = False,
    attendance: bool = False,
    contact: bool = False,
    now: datetime | None = None,
) -> Sharing:
    """Record what a Part 2 consent naming this support person shares with them, as the
    consent describes it. Recorded by whoever records consents; the consent must be the
    participant's own Part 2 consent in force today and not already shared with someone."""
    participant = person.participant
    decision = require_with_capability(
        by,
        participant,
        "consent.record",
        Action.CREATE,
        Scope.CLINICAL,
        refusal="Your role does not record consents.",
    )
    if not (schedule or attendance or contact):
        raise InvalidInput("Choose at least one thing the consent shares.", field="schedule")
    now = now or timezone.now()
    with transaction.atomic():
        row = Consent._base_manager.select_for_update().get(pk=consent.pk)
        if row.participant_id != participant.pk or not row.is_part2:
            raise InvalidInput("Choose a Part 2 consent of this participant.", field="consent")
        if row.tpo:
            raise InvalidInput(
                "A consent for treatment, payment and health care operations does not name "
                "family or friends: record a Part 2 consent that names them.",
                field="consent",
            )
        if not names(row.recipients, person.name):
            raise InvalidInput(
                f"The consent's recipients do not name {person.name}: record a Part 2 consent "
                "that names them.",
                field="consent",
            )
        if not row.in_force_on(now.astimezone(program_zone(participant)).date()):
            raise InvalidInput("Choose a Part 2 consent in force today.", field="consent")
        if person.entered_in_error or Sharing.objects.filter(consent=row).exists():
            raise InvalidInput(
                "This consent already shares with a support person.", field="consent"
            )
        sharing = Sharing(
            consent=row,
            support_person=person,
            schedule=bool(schedule),
            attendance=bool(attendance),
            contact=bool(contact),
            recorded_by=by,
            recorded_at=now,
        )
        sharing.save()
        record_event(
            actor=by,
            event_type="support_person.shared",
            decision=decision,
            participant=participant,
            record=sharing,
            details={"categories": sorted(sharing.categories)},
        )
    return sharing


def link_login(person: SupportPerson, user: Any, *, by: Any) -> SupportPerson:
    """Give a support person their sign-in: a support person's account, linked to them only.
    What it then shows is what the participant's consents share, nothing more."""
    decision = require(by, person.participant, Action.CHANGE, Scope.CLINICAL)
    if not uses_support_pages(user):
        raise InvalidInput("Only a support person's account can be linked.", field="user")
    with transaction.atomic():
        row = SupportPerson._base_manager.select_for_update().get(pk=person.pk)
        if row.entered_in_error or row.user_id is not None:
            raise InvalidInput("This support person already has a sign-in.", field="user")
        if SupportPerson.objects.filter(user=user).exists():
            raise InvalidInput("This account belongs to another support person.", field="user")
        row.user = user
        row.save(update_fields=["user", "modified_at"])
        record_event(
            actor=by,
            event_type="support_person.login_linked",
            decision=decision,
            participant=person.participant,
            record=row,
        )
    person.user = user
    return person


def shares_now(person: SupportPerson, *, now: datetime) -> bool:
    """Whether a Part 2 consent in force today shares something with this support person: only
    then is a sign-in worth giving them."""
    today = now.astimezone(program_zone(person.participant)).date()
    sharings = (
        Sharing.objects.current()
        .filter(support_person=person, consent__entered_in_error_at__isnull=True)
        .select_related("consent__episode", "consent__revocation")
    )
    return any(s.consent.in_force_on(today) for s in sharings)


def invite_support_person(
    person: SupportPerson, *, by: Any, username: str = "", now: datetime | None = None
) -> invitations.IssuedInvitation:
    """Give a support person whom a consent in force shares with their sign-in: the first time
    a support person's account with `username`, linked to them (`link_login`); then a new
    sign-in link, which stops the earlier. Their e-mail on the tab is the account's, so the
    link is e-mailed when there is one."""
    participant = person.participant
    decision = require_with_capability(
        by,
        participant,
        "portal.invite",
        Action.CHANGE,
        Scope.CLINICAL,
        refusal="Your role does not give sign-ins.",
    )
    now = now or timezone.now()
    if person.entered_in_error or not shares_now(person, now=now):
        raise InvalidInput(
            "Nothing is shared with them now: record a Part 2 consent in force that names "
            "them first.",
            field="username",
        )
    with transaction.atomic():
        row = SupportPerson._base_manager.select_for_update().get(pk=person.pk)
        created = row.user_id is None
        if created:
            account = User(
                username=check_username(username),
                display_name=row.name,
                first_name=row.name[:150],
                email=row.email,
                kind=User.Kind.SUPPORT,
            )
            account.set_unusable_password()
            account.save()
            link_login(row, account, by=by)
        else:
            account = User.objects.select_for_update().get(support_person=row)
        issued = invitations.issue_on_record(
            account,
            email=row.email,
            made=created,
            event_type="support_person.invited",
            by=by,
            participant=participant,
            decision=decision,
            now=now,
        )
    person.user = account
    return issued
