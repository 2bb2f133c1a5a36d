"""The outcomes app's own tables: the program's public profile (the front door), race and
ethnicity for equity reporting, and the self-referral form's rate-limit ledger."""

from django.conf import settings
from django.db import models

from tandem.models import TimeStamped, Versioned


class Race(models.TextChoices):
    """The OMB minimum race categories (Statistical Policy Directive No. 15, 1997 revision,
    62 FR 58782), plus the two answers a form needs besides them."""

    AMERICAN_INDIAN = "american_indian", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black", "Black or African American"
    PACIFIC_ISLANDER = "pacific_islander", "Native Hawaiian or Other Pacific Islander"
    WHITE = "white", "White"
    MORE_THAN_ONE = "more_than_one", "More than one race"
    NOT_REPORTED = "not_reported", "Not reported"


class Ethnicity(models.TextChoices):
    """The OMB ethnicity question (same source as `Race`)."""

    HISPANIC = "hispanic", "Hispanic or Latino"
    NOT_HISPANIC = "not_hispanic", "Not Hispanic or Latino"
    NOT_REPORTED = "not_reported", "Not reported"


class ReportingDemographics(TimeStamped, Versioned):
    """Race and ethnicity as the participant reported them, kept for equity reporting only:
    the board counts them and never shows whose they are."""

    participant = models.OneToOneField(
        "participants.Participant",
        on_delete=models.PROTECT,
        related_name="reporting_demographics",
    )
    race = models.CharField(max_length=20, choices=Race.choices, default=Race.NOT_REPORTED)
    ethnicity = models.CharField(
        max_length=20, choices=Ethnicity.choices, default=Ethnicity.NOT_REPORTED
    )

    class Meta:
        indexes = [models.Index(fields=["race", "ethnicity"])]

    def __str__(self) -> str:
        return f"{self.get_race_display()} / {self.get_ethnicity_display()}"


class ProgramProfile(TimeStamped, Versioned):
    """What the public program page says about one program, in English and Spanish.

    Program data, written by the program; `slug` is the page's address. Self-referrals from
    the page are opened in the name of `self_referral_recipient` (an intake coordinator), so
    the referral has an owner from the first minute.
    """

    program = models.OneToOneField(
        "accounts.Program", on_delete=models.PROTECT, related_name="public_profile"
    )
    slug = models.SlugField(unique=True)
    is_published = models.BooleanField(default=True)
    summary = models.TextField(help_text="Who the program is for, in a few sentences.")
    summary_es = models.TextField(blank=True)
    treats = models.TextField(help_text="What the program treats, one item a line.")
    treats_es = models.TextField(blank=True)
    hours = models.TextField(help_text="Tracks and hours, one a line.")
    hours_es = models.TextField(blank=True)
    in_person = models.BooleanField(default=True)
    virtual = models.BooleanField(default=False)
    languages = models.CharField(max_length=200, help_text="Languages sessions are held in.")
    languages_es = models.CharField(max_length=200, blank=True)
    insurance = models.TextField(help_text="Insurance and payment accepted, one a line.")
    insurance_es = models.TextField(blank=True)
    staff_qualifications = models.TextField(help_text="Who treats, one a line.")
    staff_qualifications_es = models.TextField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    self_referral_recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The intake coordinator self-referrals are opened for.",
    )

    def __str__(self) -> str:
        return f"Public page of {self.program}"

    def text(self, field: str, language: str) -> str:
        """The field in the page's language, the English when no translation is written."""
        if language.startswith("es"):
            return getattr(self, f"{field}_es") or getattr(self, field)
        return getattr(self, field)

    def lines(self, field: str, language: str) -> list[str]:
        return [line.strip() for line in self.text(field, language).splitlines() if line.strip()]


class SelfReferralAttempt(models.Model):
    """One submission of the public form, kept to rate-limit by sender. `sender` is a keyed
    hash of the address: the raw address is never stored."""

    sender = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["sender", "at"])]

    def __str__(self) -> str:
        return f"self-referral attempt at {self.at:%Y-%m-%d %H:%M}"


class EpisodeFacts(models.Model):
    """What the director's board counts about one episode, stored so the board aggregates one
    row per episode instead of working every figure out from the records on each load.

    Written only by `outcomes.facts` with the board's own live definitions (the same
    expressions, restricted to the episode), after every change to a record the figures read
    (a task queued when the change commits) and in full by `manage.py outcome_facts`. An
    episode of a participant entered in error has no row. Aggregates only ever leave it.
    """

    episode = models.OneToOneField(
        "participants.Episode", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    organization_id = models.BigIntegerField()
    program_id = models.BigIntegerField()
    site_id = models.BigIntegerField(null=True)
    participant_id = models.BigIntegerField()
    level_of_care = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=30)
    sex_at_birth = models.CharField(max_length=20, blank=True)
    date_of_birth = models.DateField(null=True)
    # As reported (ReportingDemographics); null when nothing was ever recorded, which the
    # board tells apart from a recorded "not reported" exactly as the live query does.
    race = models.CharField(max_length=20, null=True)  # noqa: DJ001
    ethnicity = models.CharField(max_length=20, null=True)  # noqa: DJ001
    referred_on = models.DateField(null=True)
    admitted_on = models.DateField(null=True)
    discharged_on = models.DateField(null=True)
    # The same days as day numbers (date.toordinal()), and the week number of the discharge's
    # Monday, so the board subtracts them in the database alike on SQLite and PostgreSQL.
    referred_day = models.IntegerField(null=True)
    admitted_day = models.IntegerField(null=True)
    discharged_day = models.IntegerField(null=True)
    stop_week = models.IntegerField(null=True)
    completed = models.BooleanField(default=False)
    # The month before discharge (care_figures.abstinence_at_discharge).
    reported = models.BooleanField(default=False)
    used = models.BooleanField(default=False)
    screened = models.BooleanField(default=False)
    positive = models.BooleanField(default=False)
    # First and latest scored total, kept only when they are two different administrations.
    phq9_first = models.IntegerField(null=True)
    phq9_last = models.IntegerField(null=True)
    gad7_first = models.IntegerField(null=True)
    gad7_last = models.IntegerField(null=True)
    pcl5_first = models.IntegerField(null=True)
    pcl5_last = models.IntegerField(null=True)
    # Whole weeks at or above the program's weekly minimum: character i is "1" when the week
    # starting `met_from` + 7·i days met it ("0" otherwise); `met_from` is the week number
    # (Monday ordinal // 7) of the first whole week in care.
    met_from = models.IntegerField(null=True)
    met_weeks = models.TextField(blank=True, default="")
    refreshed_at = models.DateTimeField()

    class Meta:
        # The board's figures by discharge and by admission read every column they need from
        # these two indexes (with the default breakdown and no filter on who), not the table.
        indexes = [
            models.Index(
                fields=["organization_id", "discharged_on"],
                include=[
                    "episode",
                    "status",
                    "admitted_on",
                    "sex_at_birth",
                    "completed",
                    "reported",
                    "used",
                    "screened",
                    "positive",
                    "phq9_first",
                    "phq9_last",
                    "gad7_first",
                    "gad7_last",
                    "pcl5_first",
                    "pcl5_last",
                ],
                name="outcomes_ep_facts_left",
            ),
            models.Index(
                fields=["organization_id", "admitted_on"],
                include=[
                    "episode",
                    "status",
                    "referred_day",
                    "admitted_day",
                    "discharged_day",
                    "stop_week",
                    "met_from",
                    "met_weeks",
                ],
                name="outcomes_ep_facts_admitted",
            ),
            models.Index(fields=["organization_id", "refreshed_at"]),
        ]

    def __str__(self) -> str:
        return f"outcome facts of episode {self.episode_id}"


class NoteFacts(models.Model):
    """A progress note the board's notes-on-time figure counts (a first version in force
    with a due time), narrowed to what it reads, so the figure scans a small index instead of
    every note. Written by `outcomes.facts` with the participant's episode facts; like them,
    never for a participant entered in error, so an unfiltered board reads an organization's
    rows without matching them against its episodes."""

    ON_TIME, LATE, UNSIGNED = "on_time", "late", "unsigned"

    note = models.OneToOneField(
        "notes.ProgressNote", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    organization_id = models.BigIntegerField()
    participant_id = models.BigIntegerField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=8)
    # The due time of the participant's counted note before this one (by due time, then id),
    # so the figure counts the people with a note due in a range as the notes in it whose
    # previous one is due before it (or is none), without a distinct count.
    previous_due_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization_id", "due_at"],
                include=["participant_id", "state", "previous_due_at"],
                name="outcomes_note_facts_due",
            ),
            models.Index(fields=["participant_id"], name="outcomes_note_facts_person"),
        ]

    def __str__(self) -> str:
        return f"outcome facts of note {self.note_id}"


class NoteDays(models.Model):
    """The note facts of an organization counted by the day each note was due and the day
    the participant's note before it was due, both as local days in one of the time zones of
    the organization's programs, so an unfiltered board counts notes on time from a few
    thousand rows instead of every note in its range. Written by `outcomes.facts` with the
    note facts: in full by a rebuild, then by each refresh's difference.

    Days are ordinals (`date.toordinal()`); `previous_day` 0 means no note before. The row
    with `day` 0 says the zone's counts are complete (a rebuild wrote them); without it the
    board counts from the note facts."""

    organization_id = models.BigIntegerField()
    zone = models.CharField(max_length=64)
    day = models.IntegerField()
    previous_day = models.IntegerField()
    due = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    unsigned = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id", "zone", "day", "previous_day"],
                name="outcomes_note_days_once",
            )
        ]

    def __str__(self) -> str:
        return f"notes of organization {self.organization_id} due on day {self.day}"


class DoseWeeks(models.Model):
    """The weekly-dose figure's episode facts of an organization counted by week number, so an
    unfiltered board works the figure out from a row a week instead of every episode's weeks.
    Written by `outcomes.facts` with the episode facts: in full by a rebuild, then by each
    refresh's difference.

    An episode counted (admitted, not declined) has its whole weeks in care from `met_from`:
    up to `stop_week` when it has ended (`began` there, `ended` at `stop_week`, when that
    span is not empty), or on until this week when it is still in care
    (`began_in_care`); `met` counts its weeks at or above the program's minimum. The row
    with `week` 0 says the organization's counts are complete (a rebuild wrote them); without
    it the board counts from the episode facts."""

    organization_id = models.BigIntegerField()
    week = models.IntegerField()
    began = models.IntegerField(default=0)
    ended = models.IntegerField(default=0)
    began_in_care = models.IntegerField(default=0)
    met = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id", "week"], name="outcomes_dose_weeks_once"
            )
        ]

    def __str__(self) -> str:
        return f"weekly dose of organization {self.organization_id} in week {self.week}"


class AlertFacts(models.Model):
    """An alert the board's alert-response figure counts (one not entered in error), narrowed
    to what it reads. Written by `outcomes.facts` with the participant's episode facts (none
    for a participant entered in error), after every raising and closing
    (`monitoring.services.CHANGED`) and withdrawal."""

    alert = models.OneToOneField(
        "monitoring.Alert", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    organization_id = models.BigIntegerField()
    participant_id = models.BigIntegerField()
    severity = models.CharField(max_length=10)
    recorded_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True)
    # When the participant's alert of the same severity before this one was raised (by
    # time, then id), so the figure counts people as `NoteFacts.previous_due_at` does.
    previous_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organization_id", "recorded_at"],
                include=["participant_id", "severity", "acknowledged_at", "previous_at"],
                name="outcomes_alert_facts_raised",
            ),
            models.Index(fields=["participant_id"], name="outcomes_alert_facts_person"),
        ]

    def __str__(self) -> str:
        return f"outcome facts of alert {self.alert_id}"


class FollowUpFacts(models.Model):
    """A follow-up the board's follow-up figures count (not stopped, of a discharge not
    entered in error, of a participant not entered in error), with what its answers say: written by `outcomes.facts` with its
    episode's facts, with `care_figures.follow_up_stages`' own definitions."""

    follow_up = models.OneToOneField(
        "discharge.FollowUp", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    organization_id = models.BigIntegerField()
    episode_id = models.BigIntegerField()
    # The episode's discharge day when it counts as having left care (`selectors.left_care`:
    # admitted, then discharged or transferred out), so the board reads the follow-ups of
    # the episodes that left care in its range from an index, without matching episodes.
    left_on = models.DateField(null=True)
    day = models.IntegerField()
    due_on = models.DateField()
    reached = models.BooleanField()
    # Its answers (not entered in error): given at all, use since discharge, and whether a
    # screen in the month before them was taken and showed an unexpected positive (a tampered
    # specimen is one: clinical reference §10).
    answered = models.BooleanField()
    used = models.BooleanField()
    screened = models.BooleanField()
    positive = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(
                fields=["organization_id", "due_on"],
                include=[
                    "episode_id",
                    "day",
                    "reached",
                    "answered",
                    "used",
                    "screened",
                    "positive",
                ],
                name="outcomes_follow_up_facts_due",
            ),
            models.Index(
                fields=["organization_id", "left_on"],
                include=[
                    "episode_id",
                    "due_on",
                    "day",
                    "reached",
                    "answered",
                    "used",
                    "screened",
                    "positive",
                ],
                name="outcomes_follow_up_facts_left",
            ),
            models.Index(fields=["episode_id"], name="outcomes_follow_up_facts_ep"),
        ]

    def __str__(self) -> str:
        return f"outcome facts of follow-up {self.follow_up_id}"
