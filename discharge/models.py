"""A discharge and what follows it: the summary, the aftercare plan, the follow-ups.

A discharge is a decision recorded once (type, TEDS reason, date, who decided, why); the
summary is a signed document; the aftercare plan keeps changing after discharge (the first
appointment kept or not); follow-ups are contacts at set days after discharge.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from discharge.types import TEDS_REASON, DischargeType
from participants.models import Participant
from tandem.models import TimeStamped, Versioned
from tandem.records import ClinicalRecord, Immutable, Signable, Supersedable

# Follow-up days after discharge unless the program sets its own (FollowUpSettings). The
# 7- and 30-day contacts follow HEDIS FUH/FUM (clinical reference, section 8); 90, 180 and
# 365 days are the program default, not a published standard.
DEFAULT_FOLLOW_UP_DAYS = (7, 30, 90, 180, 365)
# A follow-up not answered this many days after it was sent goes on the staff call list.
DEFAULT_CALL_AFTER_DAYS = 3


class Discharge(ClinicalRecord, Immutable):
    """The decision that ended an episode of care. Never edited: a wrong one is entered in
    error with a reason."""

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="discharges"
    )
    episode = models.OneToOneField(
        "participants.Episode", on_delete=models.PROTECT, related_name="discharge"
    )
    type = models.CharField(max_length=20, choices=DischargeType.choices)
    teds_reason = models.CharField(
        "TEDS discharge reason", max_length=2, choices=TEDS_REASON, editable=False
    )
    discharged_on = models.DateField("discharge date")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(max_length=2000)
    level_of_care = models.CharField(max_length=8, blank=True)

    class Meta(ClinicalRecord.Meta):
        indexes = [models.Index(fields=["discharged_on"])]

    def __str__(self) -> str:
        return f"Discharge {self.public_id} ({self.get_type_display()})"


class Handover(TimeStamped):
    """What happened at discharge to one item still open on the participant (an alert, a
    task): closed with a note, or handed over to a named staff member."""

    class Choice(models.TextChoices):
        CLOSED = "closed", "Closed"
        HANDED_OVER = "handed_over", "Handed over"

    discharge = models.ForeignKey(Discharge, on_delete=models.PROTECT, related_name="handovers")
    kind = models.CharField(max_length=20)
    item_id = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    choice = models.CharField(max_length=12, choices=Choice.choices)
    handed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)


class AppointmentKept(models.TextChoices):
    UNKNOWN = "", "Not checked yet"
    KEPT = "kept", "Kept"
    MISSED = "missed", "Missed"
    RESCHEDULED = "rescheduled", "Rescheduled"


class Aftercare(ClinicalRecord, Versioned):
    """The plan for after discharge: next level of care, the first appointment, who
    prescribes next, mutual help, housing, peer contact, the safety plan and crisis lines."""

    discharge = models.OneToOneField(Discharge, on_delete=models.PROTECT, related_name="aftercare")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    next_level_of_care = models.CharField(max_length=120, blank=True)
    next_provider = models.CharField(max_length=200, blank=True)
    first_appointment_on = models.DateField("first appointment date", null=True, blank=True)
    first_appointment_at = models.TimeField("first appointment time", null=True, blank=True)
    first_appointment_place = models.CharField(max_length=200, blank=True)
    first_appointment_kept = models.CharField(
        max_length=12, choices=AppointmentKept.choices, blank=True, default=""
    )
    on_moud = models.BooleanField(
        "on medication for opioid use disorder",
        default=False,
        help_text="Buprenorphine, methadone or naltrexone for opioid use disorder.",
    )
    medications = models.TextField("medications at discharge", max_length=2000, blank=True)
    next_prescriber = models.CharField(max_length=200, blank=True)
    mutual_help = models.TextField("mutual-help meetings", max_length=1000, blank=True)
    recovery_housing = models.TextField(max_length=1000, blank=True)
    peer_contact = models.TextField(max_length=500, blank=True)
    safety_plan = models.TextField("safety plan carried over", max_length=4000, blank=True)
    crisis_resources = models.TextField(max_length=1000, blank=True)

    @property
    def moud_gap(self) -> bool:
        """On medication for opioid use disorder with no one named to prescribe it next."""
        return self.on_moud and not self.next_prescriber.strip()


class FollowUpChannel(models.TextChoices):
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    PORTAL = "portal", "Portal"


class ContactConsent(TimeStamped, Versioned):
    """Whether the participant agreed at discharge to be contacted for follow-up, and how;
    an opt-out later stops every contact at once."""

    discharge = models.OneToOneField(Discharge, on_delete=models.PROTECT, related_name="consent")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    consented = models.BooleanField()
    channel = models.CharField(max_length=10, choices=FollowUpChannel.choices, blank=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    opted_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    @property
    def active(self) -> bool:
        return self.consented and self.opted_out_at is None


class FollowUpSettings(TimeStamped):
    """A program's own follow-up days and call-list delay (data, not code)."""

    program = models.OneToOneField(
        "accounts.Program", on_delete=models.CASCADE, related_name="follow_up_settings"
    )
    days = models.JSONField(default=list)
    call_after_days = models.PositiveSmallIntegerField(default=DEFAULT_CALL_AFTER_DAYS)


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Questionnaire sent"
    ANSWERED = "answered", "Answered"
    TO_CALL = "to_call", "On the call list"
    REACHED = "reached", "Reached by phone"
    NOT_REACHED = "not_reached", "Not reached"
    STOPPED = "stopped", "Stopped (opted out)"


# Follow-ups that count as reached when working out reach rates.
REACHED_STATUSES = frozenset({FollowUpStatus.ANSWERED, FollowUpStatus.REACHED})
# Follow-ups still waiting for something to happen.
PENDING_STATUSES = frozenset(
    {FollowUpStatus.SCHEDULED, FollowUpStatus.SENT, FollowUpStatus.TO_CALL}
)


class FollowUpQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Fill in each new row's organization from its participant, as `save` does."""
        objs = list(objs)
        missing = {o.participant_id for o in objs if o.organization_id is None}
        if missing:
            orgs = dict(
                Participant.objects.filter(pk__in=missing).values_list("pk", "organization_id")
            )
            for o in objs:
                if o.organization_id is None:
                    o.organization_id = orgs.get(o.participant_id)
        return super().bulk_create(objs, *args, **kwargs)


class FollowUp(TimeStamped, Versioned):
    """One contact after discharge, due `day` days after it."""

    discharge = models.ForeignKey(Discharge, on_delete=models.PROTECT, related_name="follow_ups")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="follow_ups"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the two indexes below lead with it
    )
    """The participant's, copied onto the row so the call list and the reach rates read one
    organization's follow-ups from an index instead of joining every participant."""
    day = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    call_note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["discharge", "day"], name="follow_up_one_per_day")
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            # The call list: one organization's calls waiting, longest waiting first.
            models.Index(fields=["organization", "status", "due_on"], name="follow_up_call_list"),
            # The reach rates: one organization's follow-ups counted per day and status.
            models.Index(
                fields=["organization", "day", "status", "due_on"], name="follow_up_reach"
            ),
        ]

    objects = FollowUpQuerySet.as_manager()

    def save(self, *args, **kwargs) -> None:
        if self.organization_id is None:
            self.organization_id = self.participant.organization_id
        super().save(*args, **kwargs)


class FollowUpAnswers(ClinicalRecord, Immutable):
    """The short outcomes questionnaire of one follow-up, as answered (by the participant
    through their link, or read back by staff on a call). Never edited."""

    class Employment(models.TextChoices):
        # TEDS EMPLOY codes (clinical reference, section 3) plus school, which TEDS records
        # under "not in labor force" (DETNLF 2, student).
        FULL_TIME = "1", "Working full-time"
        PART_TIME = "2", "Working part-time"
        UNEMPLOYED = "3", "Unemployed, looking for work"
        NOT_IN_LABOR_FORCE = "4", "Not working and not looking"
        STUDENT = "student", "In school or training"

    class Housing(models.TextChoices):
        # TEDS LIVARAG codes (clinical reference, section 3).
        HOMELESS = "1", "Homeless"
        DEPENDENT = "2", "Living with support (recovery housing, family, supervised)"
        INDEPENDENT = "3", "Living independently"

    class Medication(models.TextChoices):
        CONTINUING = "yes", "Yes, still taking it"
        STOPPED = "no", "No, stopped"
        NONE = "none", "Not prescribed any"

    follow_up = models.OneToOneField(FollowUp, on_delete=models.PROTECT, related_name="answers")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    used_since_discharge = models.BooleanField("used alcohol or drugs since discharge")
    days_used = models.PositiveSmallIntegerField("days of use in the past 30 days", default=0)
    in_treatment = models.BooleanField("still in treatment or attending aftercare")
    medication = models.CharField(max_length=4, choices=Medication.choices)
    employment = models.CharField(max_length=8, choices=Employment.choices)
    housing = models.CharField(max_length=1, choices=Housing.choices)
    arrests = models.PositiveSmallIntegerField("arrests since discharge", default=0)
    emergency_visits = models.PositiveSmallIntegerField(
        "emergency visits or hospital stays since discharge", default=0
    )
    who5_answers = models.JSONField(default=dict)
    who5_total = models.PositiveSmallIntegerField(null=True, blank=True)
    who5_band = models.CharField(max_length=20, blank=True)

    class Meta(ClinicalRecord.Meta):
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.CheckConstraint(
                condition=Q(days_used__lte=30), name="follow_up_days_used_at_most_30"
            ),
        ]


class DischargeSummary(ClinicalRecord, Signable, Supersedable, Immutable, Versioned):
    """The discharge summary: facts drafted from the record, the clinician's words, signed.
    Once signed it never changes; a change is an addendum (a new version superseding it)."""

    locked_when = Signable.SIGNED

    discharge = models.ForeignKey(Discharge, on_delete=models.PROTECT, related_name="summaries")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    facts = models.JSONField(default=dict, help_text="Drafted from the record at discharge.")
    translated_facts = models.JSONField(
        default=dict,
        blank=True,
        help_text="The same facts drafted in each other portal language, by its code.",
    )
    course = models.TextField("course of treatment", max_length=8000, blank=True)
    condition_at_discharge = models.TextField(max_length=4000, blank=True)
    recommendations = models.TextField(max_length=4000, blank=True)

    class Meta(ClinicalRecord.Meta):
        verbose_name_plural = "discharge summaries"

    def facts_in(self, language: str) -> tuple[str, dict[str, list[str]]]:
        """The facts as a participant reading `language` gets them, with the language they
        are in: drafted in theirs, or else in English, as recorded (a summary drafted before
        its facts were drafted in other languages has English only)."""
        if language in self.translated_facts:
            return language, self.translated_facts[language]
        return settings.LANGUAGE_CODE, self.facts


class ReadmissionSignal(TimeStamped):
    """A sign that a discharged participant needs care again: a new referral here, or a
    step-up elsewhere reported at a follow-up."""

    class Kind(models.TextChoices):
        RE_REFERRAL = "re_referral", "Referred again"
        STEP_UP_REPORTED = "step_up", "Emergency visit or hospital stay reported"

    discharge = models.ForeignKey(Discharge, on_delete=models.PROTECT, related_name="signals")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    noticed_on = models.DateField()
    source_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["discharge", "kind", "source_id"], name="readmission_signal_once"
            )
        ]
