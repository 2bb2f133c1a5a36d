"""Organizations, programs, sites, staff roles and user accounts."""

import uuid
import zoneinfo
from datetime import date, datetime

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.models import TimeStamped


class LevelOfCare(models.TextChoices):
    """ASAM 3rd-edition level codes, stored as data (no criteria text is shipped); names from
    the clinical reference §2b, 3rd-edition column."""

    OUTPATIENT = "1", "Level 1 — Outpatient"
    IOP = "2.1", "Level 2.1 — Intensive outpatient"
    PHP = "2.5", "Level 2.5 — Partial hospitalisation"
    RESIDENTIAL = "3", "Level 3 — Residential"
    INPATIENT = "4", "Level 4 — Medically managed intensive inpatient"
    WITHDRAWAL = "wm", "Withdrawal management"


class Organization(TimeStamped):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    is_synthetic = models.BooleanField(
        default=False, help_text="Demo organizations hold synthetic data only."
    )

    def __str__(self) -> str:
        return self.name


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (for example America/Chicago).")


class Program(TimeStamped):
    class AgeGroup(models.TextChoices):
        ADULT = "adult", "Adults"
        ADOLESCENT = "adolescent", "Adolescents"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(max_length=200)
    level_of_care = models.CharField(
        max_length=8, choices=LevelOfCare.choices, default=LevelOfCare.IOP
    )
    age_group = models.CharField(max_length=12, choices=AgeGroup.choices, default=AgeGroup.ADULT)
    min_weekly_minutes = models.PositiveIntegerField(
        default=540, help_text="ASAM 2.1: at least 9 hours a week for adults, 6 for adolescents."
    )
    time_zone = models.CharField(
        max_length=64, default="America/Chicago", validators=[validate_time_zone]
    )
    plan_review_interval_days = models.PositiveIntegerField(default=30)
    # Database defaults too, so rows written by code that predates a column still insert.
    critical_alert_escalation_hours = models.PositiveIntegerField(
        default=4,
        db_default=4,
        validators=[MinValueValidator(1)],
        help_text="A critical alert still unacknowledged after this many hours is escalated "
        "to the program's directors and supervisors.",
    )
    after_hours_phone = models.CharField(
        max_length=30,
        blank=True,
        db_default="",
        help_text="The program's own after-hours number, shown to participants in a crisis.",
    )
    home_questionnaires = models.JSONField(
        default=list,
        db_default=[],
        blank=True,
        help_text="Instrument codes participants are asked to answer at home (e.g. phq-9).",
    )
    home_questionnaire_interval_days = models.PositiveIntegerField(
        default=14,
        db_default=14,
        validators=[MinValueValidator(1)],
        help_text="A home questionnaire is due again this many days after the last answer.",
    )
    morning_hour = models.PositiveSmallIntegerField(
        default=8,
        db_default=8,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="The hour of the program's day (in its time zone) from which its daily work "
        "runs: questionnaire reminders, the not-on-track review, the look for missed "
        "check-ins.",
    )

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def today(self, now: datetime | None = None) -> date:
        """The program's own date (not the server's) at `now`, the clock's when not given: a
        day of the program's, as reminders, check-in rules and ended places count it."""
        return (now or timezone.now()).astimezone(self.tz).date()


class ProgramMorning(models.Model):
    """The last of a program's days on which a daily job did its morning work for it, and the
    tick working it now, if any.

    Such a job ticks every hour and works for each program once its clock is past the
    program's `morning_hour` and this day is not yet recorded (`accounts.mornings`)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    job = models.CharField(max_length=200, help_text="The daily job's task path.")
    worked_on = models.DateField(null=True, help_text="The program's day, in its time zone.")
    worked_at = models.DateTimeField(null=True)
    claimed_at = models.DateTimeField(
        null=True, help_text="The time of the tick working the program's day now, if any."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "job"], name="one_morning_per_program_job")
        ]

    def __str__(self) -> str:
        return f"{self.job} for program {self.program_id} on {self.worked_on}"


class Site(TimeStamped):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    DIRECTOR = "director", "Program director"
    SUPERVISOR = "supervisor", "Clinical supervisor"
    THERAPIST = "therapist", "Therapist"
    COUNSELLOR = "counsellor", "Addiction counsellor"
    PRESCRIBER = "prescriber", "Psychiatric prescriber"
    NURSE = "nurse", "Nurse"
    CASE_MANAGER = "case_manager", "Case manager"
    PEER = "peer", "Peer specialist"
    INTAKE = "intake", "Intake coordinator"
    FRONT_DESK = "front_desk", "Front desk"
    BILLING = "billing", "Billing"
    AUDITOR = "auditor", "Auditor"


class User(AbstractUser):
    """One login. Staff hold roles through memberships; a participant links to their record."""

    class Kind(models.TextChoices):
        STAFF = "staff", "Staff"
        PARTICIPANT = "participant", "Participant"
        SUPPORT = "support", "Support person"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.STAFF)
    # The id a member of staff is named by outside Tandem (FHIR's Practitioner), never the row
    # number, as every record's public id.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    display_name = models.CharField(max_length=150, blank=True)
    credentials = models.CharField(max_length=60, blank=True, help_text="For example LCSW, CADC.")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Membership(TimeStamped):
    """A staff member's role in an organization; one user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class UsedFormToken(models.Model):
    """A form page that was sent: its one-time token stops a double click saving twice."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"form sent {self.sent_at:%Y-%m-%d %H:%M}"


class IdempotentRequest(models.Model):
    """A JSON API write sent with an `Idempotency-Key`: a resend with the same key by the same
    person gets this first response back and writes nothing. Kept until `expires_at`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    participant_ids = models.JSONField(
        default=list, help_text="Whose data the first response carried: a resend audits each."
    )
    subject_ids = models.JSONField(
        default=list,
        help_text="Whose record the first response was about: a resend is refused to a person "
        "who may no longer see one of them.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_request_per_user_key")
        ]

    def __str__(self) -> str:
        return f"API request {self.created_at:%Y-%m-%d %H:%M}"
