"""Consents: to treatment, to telehealth, and to disclose 42 CFR Part 2 records.

A Part 2 disclosure consent holds every element 42 CFR §2.31(a) asks of the written consent
(clinical reference §4a): the patient (the participant), who may disclose, a specific
description of the information, the recipients (named, or the class a single consent for
treatment, payment and health care operations may name), the purpose, the expiry (a date, an
event or condition the form states, the end of treatment, or none for a TPO consent), who
signed (the participant or an authorised representative) and when. The right to revoke is
stated on the page the consent is recorded and read on (`RIGHT_TO_REVOKE`).

A consent never changes once recorded: it is revoked (a `ConsentRevocation` beside it) or, when
recorded by mistake, marked entered in error. One thing is written on it later, once: the day
the event it expires on happened, as a clinician marks it.
"""

from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop

from participants.export import SECTIONS
from tandem.dates import validate_in_range
from tandem.models import Versioned
from tandem.records import ENTERED_IN_ERROR_FIELDS, ClinicalRecord, Immutable
from tandem.validation import NAMES_ITS_FIELD

if TYPE_CHECKING:
    from consent.recipients import NamedGroup

# The statements below are printed on the consent form the participant signs, in their
# language (`consent:form`; the catalogue translates them from a variable).
# 42 CFR §2.31(a), clinical reference §4a: the consent states the right to revoke it in
# writing, how, and that a revocation does not undo what was done relying on it.
RIGHT_TO_REVOKE = gettext_noop(
    "The participant may revoke this consent at any time, in writing: by handing or sending "
    "a signed written revocation (on paper or electronically) to the program. A revocation "
    "does not undo a disclosure already made relying on the consent (42 CFR §2.31(a))."
)
# 42 CFR §2.31(a), clinical reference §4a: when the recipients are HIPAA covered entities or
# business associates, the consent says the records may be redisclosed as HIPAA allows, except
# in proceedings against the patient.
HIPAA_REDISCLOSURE = gettext_noop(
    "Records disclosed under this consent to a HIPAA covered entity or business associate may "
    "be further disclosed by them as the HIPAA rules allow, except for uses and disclosures in "
    "civil, criminal, administrative or legislative proceedings against the participant "
    "(42 CFR §2.31(a))."
)
# 42 CFR §2.31(a), clinical reference §4a: a statement on the consequences of refusing to
# sign. The reference marks it ⚠️ and gives no wording, so this says only what refusing changes
# under this consent and sends the participant to their care team; the program's counsel
# reviews it.
REFUSING_TO_SIGN = gettext_noop(
    "You may refuse to sign this consent. If you refuse, the program does not disclose the "
    "information described here to the recipients named here under this consent. Ask your "
    "care team what refusing to sign means for you."
)
# The class of recipients a single TPO consent may name (clinical reference §4a, §2.31(a)).
TPO_RECIPIENTS = gettext_noop(
    "My treating providers, health plans, third-party payers, and people helping to operate "
    "this program"
)
TPO_PURPOSE = "Treatment, payment and health care operations"


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Consent to treatment"
    TELEHEALTH = "telehealth", "Consent to telehealth"
    PART2 = "part2", "Consent to disclose Part 2 records"
    # Clinical reference §4a (⚠️): SUD counseling notes need a separate consent that cannot be
    # combined with others.
    SUD_NOTES = "sud_notes", "Consent to disclose SUD counseling notes"


# What a consent for SUD counseling notes may describe: those notes alone (§4a, ⚠️).
SUD_NOTES_INFORMATION = "SUD counseling notes only"
# The kinds that hold every element §2.31(a) asks of a written Part 2 consent.
PART2_KINDS = frozenset({ConsentKind.PART2, ConsentKind.SUD_NOTES})
# What a new Part 2 consent that ticks no part of the record is told.
PARTS_REQUIRED = (
    "Tick the parts of the record this consent covers, as its description of the information "
    "says: a copy under it carries those alone."
)


class Expiry(models.TextChoices):
    ON_DATE = "date", "On a date"
    # 42 CFR §2.31(a), clinical reference §4a: an "expiry date or event"; the form states the
    # event or condition ("when my probation ends") and a clinician marks the day it happened.
    ON_EVENT = "event", "On an event or condition"
    END_OF_TREATMENT = "end_of_treatment", "At the end of treatment"
    NONE = "none", "None: until revoked"


class Signer(models.TextChoices):
    PARTICIPANT = "participant", "The participant"
    REPRESENTATIVE = "representative", "An authorised representative"


class ConsentStatus(models.TextChoices):
    NOT_YET = "not_yet", "Not yet signed"
    IN_FORCE = "in_force", "In force"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


def status_label(status: str) -> str:
    """A status in words, lower case, for a sentence."""
    return ConsentStatus(status).label.lower()


class RevocationReceived(models.TextChoices):
    PAPER = "paper", "In writing, on paper"
    ELECTRONIC = "electronic", "In writing, electronically (e-mail, portal message, e-signature)"


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code=NAMES_ITS_FIELD)


def section_names() -> list[str]:
    """The parts of the record a copy may carry, by name, in the record's order."""
    return [s.name for s in SECTIONS.implementations()]


def _titles(names: list[str]) -> list[str]:
    titles = {s.name: s.title for s in SECTIONS.implementations()}
    return [titles.get(name, name) for name in names]


class Consent(ClinicalRecord, Versioned, Immutable):
    """One signed consent. Only its `version` moves after it is recorded (a revocation bumps
    it, so a page still offering to revoke a consent someone else revoked is refused)."""

    # Set by `selectors.consents_for`, not stored: the status on the program's today, and
    # the recipients it names from the lists other modules keep (`recipients.attach_named`).
    status: str
    named: "list[NamedGroup]"

    # The expiry event's marking is written once, by `services.mark_expiry_event`.
    mutable_fields: ClassVar[frozenset[str]] = ENTERED_IN_ERROR_FIELDS | {
        "version",
        "event_happened_on",
        "event_marked_by",
        "event_marked_at",
    }

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="consents"
    )
    episode = models.ForeignKey(
        "participants.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The stay it was signed for; its end ends a consent that expires with treatment.",
    )
    kind = models.CharField(max_length=12, choices=ConsentKind.choices)
    discloser = models.CharField(
        "who may disclose", max_length=200, blank=True, help_text="The program, by name."
    )
    information = models.TextField(
        "information to be disclosed",
        max_length=2000,
        blank=True,
        help_text="A specific, meaningful description of what may be disclosed.",
    )
    # The parts of the record (export section names, in the record's order) a Part 2 consent
    # covers, ticked beside the participant's words in `information`: a copy under it carries
    # these alone. A new one ticks at least one (`clean`). Empty for one recorded before parts
    # were ticked: a copy under it carries the parts the discloser ticks against the words.
    parts = models.JSONField("parts of the record it covers", default=list, blank=True)
    tpo = models.BooleanField(
        "a single consent for treatment, payment and health care operations", default=False
    )
    recipients = models.TextField(
        max_length=2000,
        blank=True,
        help_text="Named people or organisations, or for a TPO consent the class of recipients.",
    )
    recipients_hipaa = models.BooleanField(
        "recipients are HIPAA covered entities or business associates", default=False
    )
    purpose = models.TextField("purpose of the disclosure", max_length=1000, blank=True)
    expiry = models.CharField(max_length=20, choices=Expiry.choices, blank=True)
    expires_on = models.DateField(null=True, blank=True, validators=[validate_in_range])
    expiry_event = models.CharField(
        "the event or condition it expires on",
        max_length=300,
        blank=True,
        help_text='As the signed form words it, for example "when my probation ends".',
    )
    event_happened_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_in_range],
        help_text="The day the expiry event happened, as a clinician marked it; expired from it.",
    )
    event_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_marked_at = models.DateTimeField(null=True, blank=True)
    signer = models.CharField(max_length=16, choices=Signer.choices, default=Signer.PARTICIPANT)
    representative_name = models.CharField(max_length=200, blank=True)
    representative_relationship = models.CharField(
        max_length=120, blank=True, help_text="For example parent, legal guardian."
    )
    signed_on = models.DateField(validators=[validate_in_range])
    note = models.TextField(max_length=2000, blank=True)

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["participant", "signed_on"])]
        constraints = [
            *ClinicalRecord.Meta.constraints,
            # Only a consent that expires on an event is marked, and a marking is whole.
            models.CheckConstraint(
                condition=Q(
                    event_happened_on__isnull=True,
                    event_marked_by__isnull=True,
                    event_marked_at__isnull=True,
                )
                | Q(
                    expiry="event",
                    event_happened_on__isnull=False,
                    event_marked_by__isnull=False,
                    event_marked_at__isnull=False,
                ),
                name="consent_event_marked_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_part2(self) -> bool:
        """A consent to disclose Part 2 records, which a copy of the record or a support
        person's sharing may rely on (a consent for SUD counseling notes covers those notes
        alone, so neither relies on it)."""
        return self.kind == ConsentKind.PART2

    @property
    def holds_part2_elements(self) -> bool:
        """A Part 2 consent of either kind, holding every element of §2.31(a)."""
        return self.kind in PART2_KINDS

    @property
    def is_sud_notes(self) -> bool:
        return self.kind == ConsentKind.SUD_NOTES

    def clean(self) -> None:
        """Every element §2.31(a) asks of a Part 2 consent, each refused by name when missing
        (a new consent to disclose Part 2 records also lists the parts of the record it covers);
        an expiry that fits the consent; a representative named with how they are related."""
        super().clean()
        errors: dict[str, ValidationError] = {}
        if self.is_sud_notes:
            if self.information.strip() != SUD_NOTES_INFORMATION:
                errors["information"] = _refused(
                    "A consent for SUD counseling notes covers those notes alone and cannot "
                    "name other information: record a separate consent for the rest."
                )
            if self.tpo:
                errors["tpo"] = _refused(
                    "A consent for SUD counseling notes cannot be combined with others, so it "
                    "cannot be a TPO consent."
                )
            if self.parts:
                errors["parts"] = _refused(
                    "A consent for SUD counseling notes covers those notes alone, which are no "
                    "part of the record a copy carries: tick no parts, or record a separate "
                    "consent for them."
                )
        known = section_names()
        if not isinstance(self.parts, list) or any(p not in known for p in self.parts):
            errors["parts"] = _refused("Tick parts of the record from the list.")
        if self.holds_part2_elements:
            if not self.discloser.strip():
                errors["discloser"] = _refused("Name who may disclose: the program.")
            if not self.information.strip():
                errors["information"] = _refused(
                    "Describe specifically the information that may be disclosed."
                )
            if self.is_part2 and not self.parts and self._state.adding:
                # A new consent says which parts its words cover, so a copy under it is checked
                # against them; one recorded before parts were ticked stays as it was.
                errors["parts"] = _refused(PARTS_REQUIRED)
            if not self.recipients.strip():
                errors["recipients"] = _refused(
                    "Name the recipients: a person or organisation, or for a TPO consent the "
                    "class of recipients."
                )
            if not self.purpose.strip():
                errors["purpose"] = _refused("Say the purpose of the disclosure.")
            if not self.expiry:
                errors["expiry"] = _refused(
                    "Say when the consent expires: on a date, on an event or condition, at the "
                    "end of treatment, or (for a TPO consent) none."
                )
            elif self.expiry == Expiry.NONE and not self.tpo:
                errors["expiry"] = _refused(
                    "Only a TPO consent may have no expiry: give a date or the end of treatment."
                )
        if self.expiry == Expiry.ON_DATE and self.expires_on is None:
            errors["expires_on"] = _refused("Give the date the consent expires.")
        elif self.expiry != Expiry.ON_DATE and self.expires_on is not None:
            errors["expires_on"] = _refused("An expiry date goes with an expiry on a date.")
        elif self.expires_on and self.signed_on and self.expires_on < self.signed_on:
            errors["expires_on"] = _refused("The expiry date cannot be before the signing date.")
        if self.expiry == Expiry.ON_EVENT and not self.expiry_event.strip():
            errors["expiry_event"] = _refused(
                "Say the event or condition the consent expires on, as the signed form words "
                'it, for example "when my probation ends".'
            )
        elif self.expiry != Expiry.ON_EVENT and self.expiry_event.strip():
            errors["expiry_event"] = _refused(
                "An expiry event goes with an expiry on an event or condition."
            )
        if self.expiry == Expiry.END_OF_TREATMENT and self.episode_id is None:
            errors["expiry"] = _refused("A consent that ends with treatment needs a stay.")
        if self.signer == Signer.REPRESENTATIVE:
            if not self.representative_name.strip():
                errors["representative_name"] = _refused(
                    "Name the authorised representative who signed."
                )
            if not self.representative_relationship.strip():
                errors["representative_relationship"] = _refused(
                    "Say how the representative is related to the participant or authorised "
                    "to sign."
                )
        elif self.representative_name.strip() or self.representative_relationship.strip():
            errors["representative_name"] = _refused(
                "A representative is named only when a representative signed."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def lists_parts(self) -> bool:
        """Whether it lists the parts of the record it covers (one recorded before parts were
        ticked lists none: its words alone say what it covers)."""
        return bool(self.parts)

    @property
    def part_titles(self) -> list[str]:
        """The titles of the parts of the record it covers (the portal translates each)."""
        return _titles(self.parts)

    def covers(self, part: str) -> bool:
        """Whether a copy under it may carry `part` (an export section's name): one it lists,
        or any when it lists none (then its words alone say, and the discloser checks)."""
        return not self.parts or part in self.parts

    @property
    def revocation_or_none(self) -> "ConsentRevocation | None":
        try:
            return self.revocation
        except ObjectDoesNotExist:
            return None

    @property
    def ends_on(self) -> date | None:
        """The last day it is in force, when its expiry has come or is a date: for an event,
        the day before the one it happened on, so it is expired from that day."""
        if self.expiry == Expiry.ON_DATE:
            return self.expires_on
        if self.expiry == Expiry.ON_EVENT and self.event_happened_on is not None:
            return self.event_happened_on - timedelta(days=1)
        if self.expiry == Expiry.END_OF_TREATMENT and self.episode is not None:
            return self.episode.discharged_on
        return None

    def status_on(self, day: date) -> str:
        """In force, expired or revoked on `day` (the program's date): the one place a
        consent's status is decided. A revocation counts from its day; an expiry the day after
        the consent's last day (`ends_on`: a date, an event marked as happened, the end of
        treatment)."""
        revocation = self.revocation_or_none
        if revocation is not None and revocation.revoked_on <= day:
            return ConsentStatus.REVOKED
        if day < self.signed_on:
            return ConsentStatus.NOT_YET
        ends_on = self.ends_on
        if ends_on is not None and ends_on < day:
            return ConsentStatus.EXPIRED
        return ConsentStatus.IN_FORCE

    @property
    def is_in_force(self) -> bool:
        """The status `selectors.consents_for` set is "in force"."""
        return self.status == ConsentStatus.IN_FORCE

    @property
    def status_label(self) -> str:
        """The status `selectors.consents_for` set, in words."""
        return ConsentStatus(self.status).label

    def in_force_on(self, day: date) -> bool:
        return self.entered_in_error_at is None and self.status_on(day) == ConsentStatus.IN_FORCE

    def discloses_on(self, day: date) -> bool:
        """A consent to disclose Part 2 records in force on `day`: one a disclosure that day
        may rely on, to the recipients it names (a TPO consent: the class it names)."""
        return self.is_part2 and self.in_force_on(day)

    def names_in_words(self, recipient: str) -> bool:
        """Whether the recipients in words contain `recipient` (a payer's name), case aside.
        A hint for a reader to check, never a match: "Aetna" is in "Aetna Better Health", and
        a short name is in longer words. What a consent names for certain is what was picked
        from a list (`named`, `consent.recipients`)."""
        name = recipient.strip().casefold()
        return bool(name) and name in self.recipients.casefold()


class ConsentRevocation(ClinicalRecord, Immutable):
    """A consent's revocation, received in writing (§2.31(a)); never changed once recorded."""

    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, related_name="revocation")
    revoked_on = models.DateField(validators=[validate_in_range])
    received = models.CharField(
        "how it was received", max_length=12, choices=RevocationReceived.choices
    )
    note = models.TextField(max_length=2000, blank=True)

    class Meta(ClinicalRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"Revocation of {self.consent}"

    def clean(self) -> None:
        super().clean()
        if self.revoked_on and self.consent_id and self.revoked_on < self.consent.signed_on:
            raise ValidationError(
                {"revoked_on": _refused("A consent cannot be revoked before it was signed.")}
            )


class DisclosedCopy(models.TextChoices):
    PRINT = "print", "The clinical record, printed"
    EXPORT = "export", "The clinical record, as a JSON file"
    FACE_SHEET = "face_sheet", "The face sheet, printed"
    HISTORY = "history", "The record's history, as a CSV file"


# The copies that are files (audited as exports); the others are printed (audited as prints).
EXPORTED_COPIES = frozenset({DisclosedCopy.EXPORT, DisclosedCopy.HISTORY})
# The copies of the record itself, which carry the parts of it the discloser ticks.
RECORD_COPIES = frozenset({DisclosedCopy.PRINT, DisclosedCopy.EXPORT})


class Disclosure(ClinicalRecord, Immutable):
    """A copy of the record given out: to whom, under which Part 2 consent (none for the
    participant's own copy), what, when (`recorded_at`) and by whom (`recorded_by`). The
    accounting of disclosures (42 CFR §2.25) reads these rows."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="disclosures"
    )
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    to_participant = models.BooleanField("the participant's own copy", default=False)
    recipient = models.CharField(max_length=300, blank=True)
    what = models.CharField(max_length=10, choices=DisclosedCopy.choices)
    # The parts of the record (export section names) a copy of the record carried, as the
    # discloser ticked them against the consent's description of the information (§2.31(a)):
    # empty for a face sheet or a history, and for a copy logged before parts were picked
    # (it carried every part its maker could read).
    parts = models.JSONField(default=list, blank=True)

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["participant", "recorded_at"])]

    def __str__(self) -> str:
        return f"Disclosure to {self.recipient or 'the participant'}"

    @property
    def part_titles(self) -> list[str]:
        """The titles of the parts of the record the copy carried (the portal translates
        each)."""
        return _titles(self.parts) if self.is_record_copy else []

    @property
    def parts_label(self) -> str:
        """The parts of the record the copy carried, by their titles, for the accounting."""
        if not self.is_record_copy:
            return ""
        return ", ".join(self.part_titles) or "every part its maker could read"

    @property
    def is_record_copy(self) -> bool:
        """A copy of the record itself (printed or a file), which carries parts of it."""
        return self.what in RECORD_COPIES

    @property
    def is_exported(self) -> bool:
        """A file (the JSON record, the history's CSV), not a printed copy."""
        return self.what in EXPORTED_COPIES
