"""A participant's support people: the family members and friends they name, recorded by staff.

A support person is a clinical record of the participant's (who is close to them says
something about their care), so it is read and written under the clinical scope and never
deleted: one recorded by mistake is marked entered in error.
"""

from django.db import models

from participants.access import SUPPORT_ATTENDANCE, SUPPORT_CONTACT, SUPPORT_SCHEDULE
from tandem.records import ClinicalRecord, Immutable


class SupportPerson(ClinicalRecord):
    """Someone the participant names as a support: their name, how they are related, how to
    reach them, and whether to call them in an emergency."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="support_people"
    )
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=120, help_text="In the participant's words, for example mother, partner."
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    emergency_contact = models.BooleanField("emergency contact", default=False)
    user = models.OneToOneField(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_person",
        help_text="Their sign-in, a support person's account, if they have one.",
    )

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["participant", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class Sharing(ClinicalRecord, Immutable):
    """What one Part 2 consent shares with the support person it names: the one place the
    categories a consent covers are kept. It lasts exactly as long as the consent is in force
    (the consent's own status rule); it never changes, as the consent never does."""

    consent = models.OneToOneField(
        "consent.Consent", on_delete=models.PROTECT, related_name="support_sharing"
    )
    support_person = models.ForeignKey(
        SupportPerson, on_delete=models.PROTECT, related_name="sharings"
    )
    schedule = models.BooleanField("upcoming session times", default=False)
    attendance = models.BooleanField("attendance this week", default=False)
    contact = models.BooleanField("how to reach the program and its crisis line", default=False)

    class Meta(ClinicalRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"Sharing with {self.support_person}"

    @property
    def categories(self) -> frozenset[str]:
        shared = {SUPPORT_SCHEDULE: self.schedule, SUPPORT_ATTENDANCE: self.attendance}
        shared[SUPPORT_CONTACT] = self.contact
        return frozenset(name for name, on in shared.items() if on)
