"""Progress notes, group notes, note formats, the program's note settings and group curricula.

A note is a clinical record: a draft changes in place, a signed note never does. A late
entry is an addendum (a new signed note that supersedes the one it adds to, carrying the
time of the event and, as `recorded_at`, the time of the writing). A group session has one
group note (the shared narrative); each attending member's chart receives their own note,
which holds only their own section and points at the group note for the shared narrative.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from tandem.models import TimeStamped, Versioned
from tandem.records import ClinicalRecord, Immutable, Signable, Supersedable
from tandem.validation import NAMES_ITS_FIELD

DEFAULT_DUE_HOURS = 24
LOCATION_MAX = 200
TOPIC_MAX = 200
JUSTIFICATION_MAX = 200
ABSENCE_MAX = 300


class NoteFormat(TimeStamped):
    """A documentation format as data: its name and the sections a note in it fills in.

    Rows without a program are offered to every program; a program adds its own.
    """

    program = models.ForeignKey(
        "accounts.Program", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField(max_length=30)
    name = models.CharField(max_length=100)
    sections = models.JSONField(help_text="The section headings, in order.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="note_format_code_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(program__isnull=True), name="shared_format_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NoteSettings(TimeStamped, Versioned):
    """A program's note rules: how long after a session its note is due, and whose notes
    need a supervisor's co-signature (by role, and named staff)."""

    program = models.OneToOneField(
        "accounts.Program", on_delete=models.CASCADE, related_name="note_settings"
    )
    due_hours = models.PositiveIntegerField(
        default=DEFAULT_DUE_HOURS, help_text="Hours after the session's end a note is due."
    )
    cosign_roles = models.JSONField(
        default=list, blank=True, help_text="Roles whose notes need a co-signature."
    )
    cosign_staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    def __str__(self) -> str:
        return f"Note settings of {self.program_id}"


class Curriculum(TimeStamped):
    """A program's cycle of group modules (e.g. a 12-session relapse-prevention cycle)."""

    program = models.ForeignKey(
        "accounts.Program", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=150)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CurriculumModule(TimeStamped):
    curriculum = models.ForeignKey(Curriculum, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=150)

    class Meta:
        ordering = ["curriculum", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["curriculum", "number"], name="curriculum_module_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class GroupCurriculum(TimeStamped):
    """Which curriculum a recurring group runs (the group itself belongs to scheduling)."""

    group = models.OneToOneField(
        "scheduling.Group", on_delete=models.CASCADE, related_name="curriculum_link"
    )
    curriculum = models.ForeignKey(Curriculum, on_delete=models.PROTECT, related_name="groups")


class NoteKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    FAMILY = "family", "Family"
    MEDICATION = "medication", "Medication management"
    GROUP = "group", "Group"


class NoteMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    TELEHEALTH = "telehealth", "Telehealth"


class GroupNote(ClinicalRecord, Versioned, Signable, Immutable):
    """One group session's documentation: the shared narrative every member's note carries."""

    locked_when = Signable.SIGNED

    session = models.ForeignKey(
        "scheduling.Session", on_delete=models.PROTECT, related_name="group_notes"
    )
    module = models.ForeignKey(
        CurriculumModule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(max_length=TOPIC_MAX, blank=True)
    narrative = models.TextField(
        blank=True, help_text="What the group did: the part every member's note shares."
    )

    class Meta(ClinicalRecord.Meta):
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(entered_in_error_at__isnull=True),
                name="one_group_note_per_session",
            ),
        ]
        indexes = [
            # The group note in force of a session and when it was signed, read from the
            # index alone for each session of the last two weeks that the notes board and a
            # director's home weigh (`notes.selectors.sessions_needing_a_note`).
            models.Index(
                fields=["session"],
                include=["signed_at"],
                condition=Q(entered_in_error_at__isnull=True),
                name="group_note_signed_of_session",
            ),
        ]

    def __str__(self) -> str:
        return f"Group note {self.public_id}"


class ProgressNote(ClinicalRecord, Versioned, Signable, Supersedable, Immutable):
    """One note in one participant's chart: individual, family, medication management, or
    their own part of a group note."""

    locked_when = Signable.SIGNED

    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="progress_notes"
    )
    # The participant's organization, kept on the note so the notes board and the home count
    # an organization's notes from their own index instead of joining every participant.
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the two indexes below lead with it
    )
    episode = models.ForeignKey(
        "participants.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    session = models.ForeignKey(
        "scheduling.Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_notes",
    )
    group_note = models.ForeignKey(
        GroupNote, null=True, blank=True, on_delete=models.PROTECT, related_name="member_notes"
    )
    kind = models.CharField(max_length=12, choices=NoteKind.choices)
    format = models.ForeignKey(
        NoteFormat, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sections = models.JSONField(default=dict, blank=True, help_text="Section heading → text.")
    service_date = models.DateField("date of service")
    start_time = models.TimeField("start", null=True, blank=True)
    end_time = models.TimeField("end", null=True, blank=True)
    minutes = models.PositiveIntegerField(default=0)
    mode = models.CharField(max_length=12, choices=NoteMode.choices, default=NoteMode.IN_PERSON)
    participant_location = models.CharField(
        "participant's location", max_length=LOCATION_MAX, blank=True
    )
    no_objective_reason = models.CharField("why no plan objective", max_length=300, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # A late entry: the addendum's text and when what it records happened.
    addendum = models.TextField(blank=True)
    event_at = models.DateTimeField(null=True, blank=True)
    # The copy-forward check, as it stood when the note was signed.
    similarity = models.FloatField(null=True, blank=True)
    similar_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    copy_forward_justification = models.CharField(max_length=JUSTIFICATION_MAX, blank=True)
    cosign_required = models.BooleanField(default=False)

    class Meta(ClinicalRecord.Meta):
        indexes = [
            models.Index(fields=["participant", "service_date"]),
            models.Index(fields=["recorded_by", "participant", "recorded_at"]),
            # Notes overdue: the board and the home count an organization's from the index alone.
            models.Index(
                fields=["organization", "due_at", "id"],
                include=["participant"],
                condition=Q(signed_at__isnull=True, entered_in_error_at__isnull=True),
                name="note_unsigned_due",
            ),
            # The notes board's co-signature queue: only an organization's notes that need one,
            # never the rest of the history.
            models.Index(
                fields=["organization", "signed_at", "id"],
                condition=Q(
                    cosign_required=True, signed_at__isnull=False, entered_in_error_at__isnull=True
                ),
                name="note_cosign_queue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} note {self.public_id}"

    def clean(self) -> None:
        if self.mode == NoteMode.TELEHEALTH and not (self.participant_location or "").strip():
            raise ValidationError(
                {
                    "participant_location": ValidationError(
                        "A telehealth note records where the participant was.",
                        code=NAMES_ITS_FIELD,
                    )
                }
            )
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError(
                {
                    "end_time": ValidationError(
                        "The end time must be after the start time.", code=NAMES_ITS_FIELD
                    )
                }
            )

    @property
    def text(self) -> str:
        """Every section's text, in order: what the copy-forward check compares."""
        parts = [str(v) for v in (self.sections or {}).values()]
        if self.addendum:
            parts.append(self.addendum)
        return "\n".join(parts)

    @property
    def is_late_entry(self) -> bool:
        return self.supersedes_id is not None


class CoSignature(ClinicalRecord, Immutable):
    """A supervisor's co-signature of a signed note; recorded once, never changed."""

    note = models.OneToOneField(ProgressNote, on_delete=models.PROTECT, related_name="cosignature")

    def __str__(self) -> str:
        return f"Co-signature of {self.note_id}"


class AbsenceEntry(ClinicalRecord, Immutable):
    """A member who missed the group: a short entry on the group note, not a note."""

    locked_when = Q(group_note__signed_at__isnull=False)

    group_note = models.ForeignKey(GroupNote, on_delete=models.PROTECT, related_name="absences")
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(max_length=ABSENCE_MAX, blank=True)

    class Meta(ClinicalRecord.Meta):
        constraints = [
            *ClinicalRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["group_note", "participant"], name="one_absence_entry_per_member"
            ),
        ]


class NoteObjective(TimeStamped, Immutable):
    """A plan objective a note addresses (the golden thread). `lineage` is the objective's
    own across plan versions, so a revised plan still lists the notes of the earlier one.
    Chosen while the note is a draft; locked with the note once it is signed."""

    locked_when = Q(note__signed_at__isnull=False)

    note = models.ForeignKey(ProgressNote, on_delete=models.CASCADE, related_name="addressed")
    objective = models.ForeignKey("plans.Objective", on_delete=models.PROTECT, related_name="+")
    lineage = models.UUIDField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "objective"], name="note_objective_once")
        ]
