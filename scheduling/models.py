"""The program calendar, participants' availability, solver runs and the published schedule.

Recurring things (groups, staff hours, availability) are stored in the program's local time
(weekday + wall-clock time). Dated sessions are stored as UTC instants computed from the
local date and time in the program's zone, so a 9:00 group stays at 9:00 across a
daylight-saving change.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tandem.models import TimeStamped, Versioned

WEEKDAY = [MinValueValidator(0), MaxValueValidator(6)]  # Monday = 0


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIRTUAL = "virtual", "Virtual"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", "In person only"
    VIRTUAL = "virtual", "Virtual only"
    EITHER = "either", "In person or virtual"


class Room(TimeStamped):
    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(max_length=100)
    capacity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.name} ({self.site})"


class Track(TimeStamped):
    """A named bundle of groups a participant usually follows (morning, evening, virtual)."""

    program = models.ForeignKey("accounts.Program", on_delete=models.PROTECT, related_name="tracks")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name


class Group(TimeStamped, Versioned):
    """A recurring weekly group session (for example Monday 9:00–12:00 relapse prevention)."""

    program = models.ForeignKey("accounts.Program", on_delete=models.PROTECT, related_name="groups")
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="groups"
    )
    title = models.CharField(max_length=150)
    curriculum_module = models.CharField(max_length=150, blank=True)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, validators=WEEKDAY)
    start_time = models.TimeField()
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(15)])
    mode = models.CharField(max_length=10, choices=SessionMode.choices)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT)
    video_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    min_size = models.PositiveIntegerField(default=3)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["weekday", "start_time", "title"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M} {self.title}"

    @property
    def is_virtual(self) -> bool:
        return self.mode == SessionMode.VIRTUAL


class StaffHours(TimeStamped):
    """When a staff member works for the program, per weekday (several windows allowed)."""

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.CASCADE, related_name="staff_hours"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, validators=WEEKDAY)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["user_id", "weekday", "start_time"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Closure(TimeStamped):
    """A day the whole program is closed (a holiday)."""

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField()
    reason = models.CharField(max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "date"], name="closure_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"


class Constraint(models.TextChoices):
    WORK = "work", "Work"
    SCHOOL = "school", "School"
    CHILDCARE = "childcare", "Childcare"
    TRANSPORT = "transport", "Transport"
    HEALTH = "health", "Health"
    OTHER = "other", "Other"


class SchedulingProfile(TimeStamped, Versioned):
    """What a participant's week must fit: mode, days, required minutes, individual session."""

    episode = models.OneToOneField(
        "participants.Episode", on_delete=models.CASCADE, related_name="scheduling_profile"
    )
    mode = models.CharField(
        max_length=10, choices=AttendanceMode.choices, default=AttendanceMode.EITHER
    )
    max_days = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    required_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Leave empty to use the program minimum (or the treatment plan's).",
    )
    individual_minutes = models.PositiveIntegerField(
        default=50, help_text="0 for no weekly individual session."
    )
    individual_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: the primary clinician.",
    )
    constraints = models.JSONField(
        default=list, blank=True, help_text="Constraint codes that shape their week."
    )
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Scheduling profile of {self.episode_id}"


class AvailabilityWindow(TimeStamped):
    """A weekly window when the participant can attend (local time)."""

    profile = models.ForeignKey(SchedulingProfile, on_delete=models.CASCADE, related_name="windows")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, validators=WEEKDAY)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class GroupPreference(TimeStamped):
    class Kind(models.TextChoices):
        PIN = "pin", "Keep in this group"
        EXCLUDE = "exclude", "Never in this group"

    profile = models.ForeignKey(
        SchedulingProfile, on_delete=models.CASCADE, related_name="preferences"
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "group"], name="one_preference_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.group}"


class ScheduleRun(TimeStamped):
    """One run of the weekly solver: its input, progress, proposal and any hand edits."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Proposal ready"
        FAILED = "failed", "Failed"
        PUBLISHED = "published", "Published"

    class Kind(models.TextChoices):
        WEEK = "week", "Whole week"
        ADMISSION = "admission", "Mid-week admission"

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="schedule_runs"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WEEK)
    episode = models.ForeignKey(
        "participants.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The newly admitted participant's episode (mid-week admission runs only).",
    )
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The run whose edited proposal seeded this one as the current week.",
    )
    week_start = models.DateField(help_text="The Monday of the week being scheduled.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=300, blank=True)
    time_limit = models.PositiveIntegerField(default=30)
    workers = models.PositiveSmallIntegerField(default=2)
    seed = models.PositiveIntegerField(default=0)
    problem = models.JSONField(default=dict)
    result = models.JSONField(default=dict, blank=True)
    edits = models.JSONField(
        default=list, blank=True, help_text="Hand changes applied to the proposal."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Schedule run for week of {self.week_start} ({self.status})"

    @property
    def is_in_progress(self) -> bool:
        """Queued or running: the status line keeps polling until this turns false."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED


class Publication(TimeStamped):
    """A proposal published for a date range; it created the enrolments in that range."""

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="publications"
    )
    run = models.ForeignKey(
        ScheduleRun, null=True, blank=True, on_delete=models.PROTECT, related_name="publications"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Schedule {self.starts_on}–{self.ends_on}"


class Session(TimeStamped, Versioned):
    """One dated session: an occurrence of a group, or a participant's individual session."""

    # Set by the front desk's home panel, not stored: how many have arrived so far.
    arrived: int

    class Kind(models.TextChoices):
        GROUP = "group", "Group"
        INDIVIDUAL = "individual", "Individual"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="sessions"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=150)
    date = models.DateField(help_text="Local date in the program's time zone.")
    starts_at = models.DateTimeField(help_text="UTC instant of the local start time.")
    ends_at = models.DateTimeField()
    minutes = models.PositiveIntegerField()
    mode = models.CharField(max_length=10, choices=SessionMode.choices)
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT)
    video_link = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(default=1)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="sessions_led")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(max_length=200, blank=True)
    publication = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    # Kept by the notes module in each note's writing transaction (`notes.session_notes`): a
    # group session whose group note is signed, an individual session with a note in force.
    # The lists of notes owed read the sessions without it from `session_owes_note` instead
    # of probing every recent session for its note.
    has_its_note = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["starts_at", "title"]
        indexes = [
            # A program's day in the order its pages list it, so a page of a busy day is
            # read from the index instead of sorting the whole day.
            models.Index(
                fields=["program", "date", "starts_at", "title"], name="session_day_order"
            ),
            models.Index(fields=["starts_at"]),
            # The sessions of a program held in the last days, which the notes board counts
            # on every supervisor's home for those still without their note: read from here
            # instead of every session the program ever held.
            models.Index(
                fields=["program", "ends_at"],
                # The kind and id too, so the sessions still owing their note are found from
                # the index alone (a director's home weighs the program's last two weeks of
                # sessions on every load), without reading each session's row.
                include=["kind", "id"],
                condition=models.Q(status="scheduled"),
                name="session_held_recently",
            ),
            # The sessions still owing their note, which the author's notes due and the notes
            # board count on every home: a few among all those held.
            models.Index(
                fields=["program", "ends_at"],
                include=["kind", "id"],
                condition=models.Q(status="scheduled", has_its_note=False),
                name="session_owes_note",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "date"],
                condition=models.Q(group__isnull=False),
                name="one_occurrence_of_a_group_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_virtual(self) -> bool:
        return self.mode == SessionMode.VIRTUAL

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP


class Enrolment(TimeStamped):
    """A participant expected at a session."""

    class Source(models.TextChoices):
        SCHEDULE = "schedule", "Published schedule"
        DROP_IN = "drop_in", "Drop-in"
        MAKE_UP = "make_up", "Make-up"
        HAND = "hand", "Added by hand"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="enrolments")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="enrolments"
    )
    episode = models.ForeignKey(
        "participants.Episode", on_delete=models.PROTECT, related_name="enrolments"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SCHEDULE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whether a roll call entry (in force or not) was ever written for this participant at
    # this session: the weekly dose's refresh and rebuild (`attendance.weekly`) set it in the
    # transaction of every write that keeps the dose. Once set it stays, as roll call entries
    # are never deleted. The minutes still to come read only the enrolments without it
    # (`enrolment_open`), a participant's few open ones rather than every one they ever had,
    # and still check for the roll call itself, so a row written past the services is
    # counted right, only read more slowly.
    roll_call_taken = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="enrolled_once_per_session"
            )
        ]
        indexes = [
            models.Index(fields=["participant", "session"]),
            models.Index(
                fields=["participant", "session"],
                condition=models.Q(roll_call_taken=False),
                name="enrolment_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} in {self.session_id}"

    @property
    def is_from_schedule(self) -> bool:
        """Put there by the published schedule, not a drop-in, a make-up or by hand: pages
        mark only the others."""
        return self.source == self.Source.SCHEDULE
