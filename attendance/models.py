"""Attendance: who came to a session, for how long, as the roll call recorded it.

One row per session × participant. It is schedule-scope data (front desk takes roll call,
billing reads it for claims); a correction is an edit with a new version and an audit
event, never a deletion.
"""

from django.db import models
from django.db.models import Q

from tandem.models import Versioned
from tandem.records import ClinicalRecord


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"
    VIRTUAL = "virtual", "Attended virtually"
    EXCUSED = "excused", "Absent, excused"
    UNEXCUSED = "unexcused", "Absent, unexcused"


# Statuses that cover the whole session: minutes attended are the session's minutes.
FULL_STATUSES = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.VIRTUAL})
# Part of the session: the minutes attended must be written down.
PARTIAL_STATUSES = frozenset({AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY})
ABSENT_STATUSES = frozenset({AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED})


class Attendance(ClinicalRecord, Versioned):
    """What the roll call recorded for one participant at one session."""

    session = models.ForeignKey(
        "scheduling.Session", on_delete=models.PROTECT, related_name="attendance"
    )
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="attendance"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="attendance"
    )
    status = models.CharField(max_length=12, choices=AttendanceStatus.choices)
    minutes = models.PositiveIntegerField(help_text="Minutes attended.")
    note = models.CharField(max_length=300, blank=True)

    class Meta(ClinicalRecord.Meta):
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["session", "participant"], name="attendance_once_per_session"
            ),
        ]
        indexes = [
            models.Index(fields=["participant", "session"]),
            # Who attended a week's sessions (the service days to bill): read from this index
            # alone, not from a row of every roll call of the week.
            models.Index(
                fields=["session", "participant"],
                condition=Q(minutes__gt=0, entered_in_error_at__isnull=True),
                name="attendance_with_minutes",
            ),
            # A page of participants' days attended in a week (the service days to bill): read
            # from this index alone, not from a row of every roll call of their years in care.
            models.Index(
                fields=["participant", "session"],
                include=["episode", "minutes"],
                condition=Q(minutes__gt=0, entered_in_error_at__isnull=True),
                name="attendance_minutes_by_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} at {self.session_id}: {self.get_status_display()}"

    @property
    def is_absent(self) -> bool:
        return self.status in ABSENT_STATUSES

    @property
    def is_partial(self) -> bool:
        return self.status in PARTIAL_STATUSES


class WeeklyMinutes(models.Model):
    """Attended minutes of one episode in one week (Monday to Sunday), summed from its roll
    calls in force at scheduled sessions. Derived, never edited: `attendance.weekly` keeps it
    current in each roll call's transaction, so the outcomes board's weekly dose reads one row
    per participant-week instead of every roll call. It carries the episode's participant, so
    the dose figures, which add up a participant's episodes, read a week of the program's
    participants without joining every episode of the installation."""

    episode = models.ForeignKey("participants.Episode", on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField(help_text="The Monday the week starts.")
    minutes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["episode", "week"], name="weekly_minutes_once"),
        ]
        # The dose page reads one week of every participant in care: one range of this
        # index instead of a lookup per episode.
        indexes = [
            models.Index(
                fields=["week", "episode"], include=["minutes"], name="weekly_minutes_by_week"
            ),
            # The under-dosed count and list: a week's minutes per participant in care.
            models.Index(
                fields=["week", "participant"],
                include=["minutes"],
                name="weekly_minutes_by_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.episode_id} week of {self.week}: {self.minutes} min"


# The days of the week, Monday first, as `WeeklyDose` names each day's open sessions.
DOSE_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_PARTS = [
    f"{day}_{part}"
    for day in DOSE_DAYS
    for part in ("open_minutes", "first_open_end", "last_open_end")
]


class WeeklyDose(models.Model):
    """One participant's week (Monday to Sunday, in local dates) as the dose counts it: the
    minutes of the sessions they are enrolled in, attended (roll calls in force), and still
    open (enrolled, no roll call yet), with the first and last end of those open sessions.
    Derived, never edited: `attendance.weekly` keeps it current in the transaction of every
    write that changes it, so the dose page and the under-dosed panel read one row per
    participant instead of summing every enrolment of the week. What remains to attend
    depends on the clock, so it is not stored: before `first_open_end` every open minute is
    still to come, from `last_open_end` on none is, and in between (a roll call not yet
    taken) the same holds of each day's open sessions; only a clock between two open
    sessions of one day reads that participant's sessions again."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    # The participant's organization, kept on the row so the under-dosed count reads a week
    # of one organization's doses from its index instead of the whole installation's.
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        db_index=False,  # the week index below leads with it
    )
    week = models.DateField(help_text="The Monday the week starts.")
    scheduled = models.PositiveIntegerField()
    attended = models.PositiveIntegerField()
    open_minutes = models.PositiveIntegerField()
    first_open_end = models.DateTimeField(null=True)
    last_open_end = models.DateTimeField(null=True)
    # The same three for the open sessions of each day of the week (by their local date): a
    # participant whose earlier roll calls lag behind the clock has open sessions on both
    # sides of it, and the day's own first and last end say which are still to come, unless
    # the clock stands between two open sessions of one day.
    monday_open_minutes = models.PositiveIntegerField(default=0)
    monday_first_open_end = models.DateTimeField(null=True)
    monday_last_open_end = models.DateTimeField(null=True)
    tuesday_open_minutes = models.PositiveIntegerField(default=0)
    tuesday_first_open_end = models.DateTimeField(null=True)
    tuesday_last_open_end = models.DateTimeField(null=True)
    wednesday_open_minutes = models.PositiveIntegerField(default=0)
    wednesday_first_open_end = models.DateTimeField(null=True)
    wednesday_last_open_end = models.DateTimeField(null=True)
    thursday_open_minutes = models.PositiveIntegerField(default=0)
    thursday_first_open_end = models.DateTimeField(null=True)
    thursday_last_open_end = models.DateTimeField(null=True)
    friday_open_minutes = models.PositiveIntegerField(default=0)
    friday_first_open_end = models.DateTimeField(null=True)
    friday_last_open_end = models.DateTimeField(null=True)
    saturday_open_minutes = models.PositiveIntegerField(default=0)
    saturday_first_open_end = models.DateTimeField(null=True)
    saturday_last_open_end = models.DateTimeField(null=True)
    sunday_open_minutes = models.PositiveIntegerField(default=0)
    sunday_first_open_end = models.DateTimeField(null=True)
    sunday_last_open_end = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "week"], name="weekly_dose_once"),
        ]
        # The under-dosed count and list read a week of an organization's participants in
        # care: one range of this index, without visiting the table.
        indexes = [
            models.Index(
                fields=["organization", "week", "participant"],
                include=["attended", "open_minutes", "first_open_end", "last_open_end", *DAY_PARTS],
                name="weekly_dose_by_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} week of {self.week}: {self.attended}/{self.scheduled} min"
