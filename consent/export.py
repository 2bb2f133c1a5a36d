"""The consents' part of the record export and print."""

from consent.models import Consent, Expiry
from consent.recipients import LISTS
from consent.selectors import consents_for
from participants.models import Participant
from participants.selectors import program_today


def _expiry(consent: Consent) -> str:
    if consent.expiry == Expiry.ON_DATE and consent.expires_on:
        return consent.expires_on.isoformat()
    if consent.expiry == Expiry.ON_EVENT:
        happened = consent.event_happened_on
        return consent.expiry_event + (f" (happened {happened.isoformat()})" if happened else "")
    return consent.get_expiry_display()


def _signed_by(consent: Consent) -> str:
    if consent.representative_name:
        return f"{consent.representative_name} ({consent.representative_relationship})"
    return consent.get_signer_display()


def consent_row(c: Consent) -> dict:
    """One consent as the export, the print and a disclosed copy give it (`c.status` and
    `c.named` set by `selectors.consents_for`): the recipients in words, then those picked
    from each list (`payers_named`), empty when it names none from it; the parts of the record
    it covers by their titles (`parts_covered`), empty when it lists none."""
    revocation = c.revocation_or_none
    named = {group.key: group.names for group in c.named}
    picked = {f"{lst.key}_named": named.get(lst.key, "") for lst in LISTS.implementations()}
    return {
        "id": str(c.public_id),
        "kind": c.get_kind_display(),
        "status": c.status_label,
        "signed_on": c.signed_on,
        "signed_by": _signed_by(c),
        "who_may_disclose": c.discloser,
        "information": c.information,
        "parts_covered": ", ".join(c.part_titles),
        "recipients": c.recipients,
        **picked,
        "purpose": c.purpose,
        "tpo": c.tpo,
        "expires": _expiry(c),
        "revoked_on": revocation.revoked_on if revocation else None,
    }


def consents_section(participant: Participant) -> list[dict]:
    """Each current consent with its status today: what it allows, to whom, until when."""
    return [consent_row(c) for c in consents_for(participant, program_today(participant))]
