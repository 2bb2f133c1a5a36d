"""Recipients a Part 2 consent names by picking them from a list another module keeps (the
organization's payers, which billing keeps), beside the recipients in words.

The words stay the consent's legal wording; what was picked is what other modules match on
(billing: whether a payer may be sent a claim). The modules that keep such lists sit above
consent (billing imports consent), so consent declares the extension point and they register
into it from their `AppConfig.ready()`: the form, the API and the blank form to sign offer
a list's choices, `services.record_consent` has its module write what was picked inside the
recording's transaction, and the tab, the record's print and export and a disclosed copy show
the names. What was picked is part of what was signed: the module keeps it in rows that never
change.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from consent.models import Consent
from tandem.hooks import Hook


@dataclass(frozen=True)
class NamedRecipient:
    """One recipient a consent names from a list: its public id and its name."""

    id: str
    name: str


@dataclass(frozen=True)
class RecipientList:
    """A list a consent's recipients may be picked from.

    `key` names the form's field, the API's entry and the audit detail ("payers");
    `choices(organization_id)` gives the organization's (public id, name) pairs by name;
    `record(consent, ids)` writes the picks for a consent being recorded, refusing an id not
    among its organization's choices (`InvalidInput` naming `key`), and returns the picked
    rows' ids for the audit event; `named(consent_ids)` reads the recipients each consent
    names, by consent id, in one query.
    """

    key: str
    label: str
    help_text: str
    choices: Callable[[int], list[tuple[str, str]]]
    record: Callable[[Consent, list[str]], list[int]]
    named: Callable[[Sequence[int]], dict[int, list[NamedRecipient]]]


LISTS: Hook[RecipientList] = Hook("consent.recipient_lists", key=lambda lst: lst.key)


@dataclass(frozen=True)
class NamedGroup:
    """What a consent names from one list, for a page: the list's label and the names."""

    key: str
    label: str
    recipients: list[NamedRecipient]

    @property
    def names(self) -> str:
        return ", ".join(r.name for r in self.recipients)


def attach_named(consents: Sequence[Consent]) -> None:
    """Set `named` on each consent: the groups of recipients it names from the lists, one
    query per list whatever the number of consents."""
    lists = LISTS.implementations()
    ids = [c.pk for c in consents]
    found = [(lst, lst.named(ids)) for lst in lists] if ids else []
    for consent in consents:
        consent.named = [
            NamedGroup(lst.key, lst.label, by_consent[consent.pk])
            for lst, by_consent in found
            if by_consent.get(consent.pk)
        ]


def offered(organization_id: int) -> list[NamedGroup]:
    """Each list's choices for a consent in the organization, the lists that have any: what
    the blank form to sign offers to tick, so the paper names the recipients the tab records."""
    groups = (
        NamedGroup(
            lst.key,
            lst.label,
            [NamedRecipient(value, name) for value, name in lst.choices(organization_id)],
        )
        for lst in LISTS.implementations()
    )
    return [g for g in groups if g.recipients]
