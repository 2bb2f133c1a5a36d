"""A participant's support people: the family members and friends they name, recorded by staff.

A support person is a clinical record of the participant's (who is close to them says
something about their care), so it is read and written under the clinical scope and never
deleted: one recorded by mistake is marked entered in error.
"""

from django.db import models

from tandem.records import ClinicalRecord


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

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["participant", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"
