"""A program's measurement settings and a participant's reminder choices.

These are settings, not clinical records: the schedule rows (see `schedule.py`), how many
weeks without reliable improvement make a participant not on track, and whether the
participant asked for reminders (and how).
"""

from django.db import models

from tandem.models import TimeStamped, Versioned


class ProgramMeasurement(TimeStamped, Versioned):
    program = models.OneToOneField(
        "accounts.Program", on_delete=models.CASCADE, related_name="measurement"
    )
    rows = models.JSONField(
        default=list, blank=True, help_text="Schedule rows; empty means Tandem's default."
    )
    weeks_to_improve = models.PositiveSmallIntegerField(
        default=6,
        help_text="Weeks in care without reliable improvement before a review is asked for.",
    )

    def __str__(self) -> str:
        return f"measurement settings of {self.program}"


class ReminderChoice(TimeStamped, Versioned):
    participant = models.OneToOneField(
        "participants.Participant", on_delete=models.CASCADE, related_name="reminder_choice"
    )
    email = models.BooleanField(default=False, help_text="Opted in to e-mail reminders.")
    sms = models.BooleanField(default=False, help_text="Opted in to text-message reminders.")

    def __str__(self) -> str:
        return f"reminder choice {self.public_id}"


class ReminderSent(TimeStamped):
    """One reminder sent (or refused) for one due questionnaire or check-in; no content."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    link = models.ForeignKey("links.SingleUseLink", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10)  # email | sms
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "link"], name="one_reminder_per_link")
        ]
