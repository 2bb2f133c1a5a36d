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
    """One reminder sent for one due questionnaire on one day of the participant's program;
    no content. `instrument` is the questionnaire it asks for (the link's target), so the
    database itself refuses a second reminder for it on the same day, even from two runs at
    once."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    link = models.ForeignKey("links.SingleUseLink", on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=40)
    channel = models.CharField(max_length=10)  # email | sms
    sent_on = models.DateField()
    # How many times it was sent; a reminder that reached nobody is sent again later that day,
    # a bounded number of times (`measurement.services.REMINDER_ATTEMPTS`).
    attempts = models.PositiveSmallIntegerField(default=1)
    # Its last attempt reached nobody and the next is queued: taken off as that attempt starts,
    # so a reminder is never sent again to someone it reached.
    retry_queued = models.BooleanField(default=False)
    # The channels that refused its last attempt ("sms", "email+sms"; empty when none did),
    # for the Measures tab: a reminder refused by one channel may still have reached the
    # participant by the other.
    refused = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "link"], name="one_reminder_per_link"),
            models.UniqueConstraint(
                fields=["participant", "instrument", "sent_on"],
                name="one_reminder_per_questionnaire_a_day",
            ),
        ]


class NextDue(models.Model):
    """When one schedule row next makes its instrument due for one episode in care.

    Derived, never edited by hand: `measurement.next_due` rewrites an episode's rows whenever
    an administration, a check-in, the episode's status or the program's schedule changes, so
    the program's lists and the completion figure are indexed queries instead of the rule run
    for everyone in care. `row` is the row's place in the program's schedule.
    """

    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.CASCADE, related_name="next_due"
    )
    row = models.PositiveSmallIntegerField()
    instrument = models.CharField(max_length=40)
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "row"], name="one_next_due_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.instrument} due {self.due_at:%Y-%m-%d}"


class FirstDue(models.Model):
    """The earliest of an episode's `NextDue` moments: the episode has something due once it
    has passed, and the due list waits longest-first on it (the same for every time now)."""

    episode = models.OneToOneField(
        "participants.Episode", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    program = models.ForeignKey("accounts.Program", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["program", "due_at", "episode"], name="first_due_by_program")
        ]

    def __str__(self) -> str:
        return f"first due {self.due_at:%Y-%m-%d}"
