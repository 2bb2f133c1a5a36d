"""Append-only audit events, chained per organization by a keyed MAC (audit/chain.py)."""

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


def _refusal(model: type[models.Model], change: str) -> TypeError:
    plural = str(model._meta.verbose_name_plural)
    return TypeError(f"{plural[:1].upper()}{plural[1:]} are append-only; they cannot be {change}.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refusal(self.model, "updated")

    def delete(self):
        raise _refusal(self.model, "deleted")


class AppendOnly(models.Model):
    """Rows of the trail: written once, never changed or deleted, by instance or queryset (and
    the database's own triggers refuse it too, see the migrations)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise _refusal(type(self), "updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refusal(type(self), "deleted")


class AuditEvent(AppendOnly):
    """Who did what to whose record, when, from where and why; never edited afterwards.

    Each organization has its own chain (`organization`, `seq` 1, 2, 3 …), so audited work
    of different organizations never waits on one lock; events that belong to no single
    organization (a failed sign-in under an unknown name) form the installation's chain
    (`organization` empty). The order across chains is `id`.
    """

    organization = models.ForeignKey(
        "accounts.Organization", null=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveBigIntegerField()
    occurred_at = models.DateTimeField(db_index=True)
    event_type = models.CharField(max_length=60)
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
    hash = models.CharField(max_length=64)  # HMAC-SHA256 of prev_hash + content

    class Meta:
        ordering = ["-id"]
        get_latest_by = "id"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "seq"], name="audit_event_one_seq_per_chain"
            ),
            models.UniqueConstraint(
                fields=["seq"],
                condition=models.Q(organization__isnull=True),
                name="audit_event_one_seq_installation_chain",
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "-id"]),
            models.Index(fields=["actor", "-id"]),
            models.Index(fields=["action", "-id"]),
            models.Index(fields=["organization", "-id"]),
            models.Index(fields=["event_type", "-id"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_label} {self.event_type} {self.record_type}"

    @property
    def was_refused(self) -> bool:
        return self.outcome == Outcome.REFUSED


class ListedParticipant(AppendOnly):
    """One participant an event lists among several (a roll call, a caseload, a worklist), so
    "who has seen this person's record?" finds the event as it finds one naming them alone.

    Written with its event, never changed; the event's `details["participants"]`, which its
    MAC covers, says which rows it has, and `audit_verify` reports any that differ.
    """

    # No index of their own: the event's rows are read by the unique (event, participant) one,
    # a participant's events by (participant, -event), and each index costs every append.
    event = models.ForeignKey(
        AuditEvent, on_delete=models.PROTECT, related_name="listed", db_index=False
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "participant"], name="audit_listed_once_per_event"
            ),
        ]
        indexes = [models.Index(fields=["participant", "-event"])]

    def __str__(self) -> str:
        return f"participant {self.participant_id} listed by event {self.event_id}"


class ChainHead(models.Model):
    """The last link of one chain; each append moves it under its row lock, which serialises
    appends to that chain only.

    The installation's chain has no organization; its row is made by migration.
    """

    organization = models.OneToOneField(
        "accounts.Organization", null=True, on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"chain head of {self.organization_id or 'the installation'} at #{self.seq}"
