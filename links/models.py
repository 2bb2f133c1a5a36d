"""Single-use links: one participant, one target, used once, within 24 hours.

Only a hash of the token is stored; the token itself travels once, in the reminder, as a
path segment (never in a query string, so it does not reach logs of query parameters or
the Referer of a later page).
"""

from django.conf import settings
from django.db import models

from tandem.models import TimeStamped


class SingleUseLink(TimeStamped):
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="single_use_links"
    )
    target = models.CharField(max_length=40, help_text="Registered target kind, e.g. checkin.")
    target_ref = models.CharField(
        max_length=80, blank=True, help_text="What the target opens, e.g. an instrument code."
    )
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    answer_id = models.UUIDField(
        null=True, blank=True, help_text="Public id of the record the answer stored."
    )

    class Meta:
        indexes = [models.Index(fields=["participant", "target", "issued_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("issued_at")),
                name="single_use_link_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} link {self.public_id}"
