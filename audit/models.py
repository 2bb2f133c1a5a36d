"""Append-only, hash-chained audit events."""

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "View"
    SEARCH = "search", "Search"
    CREATE = "create", "Create"
    CHANGE = "change", "Change"
    DELETE = "delete", "Delete"
    EXPORT = "export", "Export"
    PRINT = "print", "Print"
    BREAK_GLASS = "break_glass", "Break the glass"
    LOGIN = "login", "Log in"
    LOGIN_FAILED = "login_failed", "Failed log in"
    LOGOUT = "logout", "Log out"
    SECURITY = "security", "Security setting"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    REFUSED = "refused", "Refused"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit events are append-only; they cannot be updated.")

    def delete(self):
        raise TypeError("Audit events are append-only; they cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to whose record, when, from where and why; never edited afterwards."""

    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    participant = models.ForeignKey(
        "participants.Participant", null=True, on_delete=models.PROTECT, related_name="+"
    )
    record_type = models.CharField(max_length=60, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    break_glass = models.ForeignKey(
        "participants.BreakGlassGrant", null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["participant", "-seq"]),
            models.Index(fields=["actor", "-seq"]),
            models.Index(fields=["action", "-seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.action} {self.record_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events are append-only; they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are append-only; they cannot be deleted.")


class ChainHead(models.Model):
    """The last link of the chain; locking this row serialises appends."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain head at #{self.seq}"
