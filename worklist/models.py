"""The staff to-do list: one task, one owner, one due date, and what made it."""

from django.conf import settings
from django.db import models

from participants.models import CareTeamRole
from tandem.dates import validate_in_range
from tandem.models import TimeStamped, Versioned


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"
    HANDED_OVER = "handed_over", "Handed over"


class Task(TimeStamped, Versioned):
    """Something a named staff member must do by a date.

    `source_type`/`source_id` point at the record that made the task (a referral to verify, a
    follow-up call, a level-of-care review); `kind` says what the task is for that record, so
    one source never holds two open tasks of the same kind. A task is never deleted: it ends
    done, cancelled (with a reason) or handed over to a new task with a new owner.
    """

    # Set by the pages that list or show tasks, not stored: past its due date and still open.
    overdue: bool

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    kind = models.CharField(max_length=40, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="worklist_tasks"
    )
    owner_role = models.CharField(
        "care-team role", max_length=20, blank=True, choices=CareTeamRole.choices
    )
    due_on = models.DateField("due date", validators=[validate_in_range])
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_note = models.TextField(blank=True)
    handed_over_to = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="handed_over_from"
    )
    # Since when the owner cannot open the participant's record and no one on the care team
    # could take the task back: the program's oversight lists it until someone takes it.
    out_of_reach_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "status", "due_on"]),
            models.Index(fields=["participant", "status"]),
            models.Index(fields=["organization", "status", "due_on"]),
            models.Index(fields=["source_type", "source_id"]),
            # The open tasks of an organization with what the director's home counts of them
            # (owner, due date, out of reach), read from the index alone: its done tasks, four
            # in five of all, are never visited.
            models.Index(
                fields=["organization"],
                include=["owner", "due_on", "out_of_reach_since", "id"],
                condition=models.Q(status="open"),
                name="task_open_of_organization",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind"],
                condition=models.Q(status="open") & ~models.Q(kind="") & ~models.Q(source_id=""),
                name="worklist_one_open_task_per_source_kind",
            ),
            # The program itself (no person) hands back a task whose owner lost the record.
            models.CheckConstraint(
                condition=models.Q(status="open")
                | (
                    models.Q(closed_at__isnull=False)
                    & (models.Q(closed_by__isnull=False) | models.Q(status="handed_over"))
                ),
                name="worklist_closed_task_says_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN
