"""The one base every clinical record stands on.

A clinical record says who recorded it and when (`recorded_by`, `recorded_at`), is never
deleted, and is withdrawn by marking it entered-in-error with who, when and why. Records
that stop changing once made or signed add `Immutable`; records corrected by a newer one
add `Supersedable`; records a clinician signs add `Signable`. `Model.objects.current()`
hides what is entered-in-error or superseded, so a page never shows a withdrawn fact as
current by forgetting a filter.

The writes that go with these fields (sign, supersede, mark entered-in-error, bump a
version) live in `tandem.lifecycle`.
"""

from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tandem.models import TimeStamped

# The columns of a record that may still change after it is locked: withdrawing it.
ENTERED_IN_ERROR_FIELDS = frozenset(
    {"entered_in_error_at", "entered_in_error_by", "entered_in_error_reason", "modified_at"}
)


class ImmutableRecordError(TypeError):
    """Raised on any attempt to change a locked record or to delete a clinical record.

    A programming error, not a user's: services offer a correction (supersede, addendum)
    or entered-in-error instead.
    """


class RecordQuerySet(models.QuerySet):
    """Bulk writes that cannot go around a record's rules: no deletes, no edits of locked rows."""

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError(
            f"{self.model._meta.verbose_name_plural} are clinical records and are never "
            "deleted; mark them entered in error."
        )

    delete.queryset_only = True  # type: ignore[attr-defined]

    def update(self, **kwargs: Any) -> int:
        model = self.model
        if issubclass(model, Immutable) and not set(kwargs) <= model.mutable_fields:
            locked = model.locked_q()
            if locked is None or self.filter(locked).exists():
                raise ImmutableRecordError(model.refusal(set(kwargs) - model.mutable_fields))
            # A row locked between the check and the write stays as it is.
            return super(RecordQuerySet, self.exclude(locked)).update(**kwargs)
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(
        self, objs: Iterable[models.Model], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs, fields = list(objs), list(fields)
        model = self.model
        if issubclass(model, Immutable) and not set(fields) <= model.mutable_fields:
            locked = model.locked_q()
            ids = [o.pk for o in objs]
            if locked is None or model._base_manager.filter(locked, pk__in=ids).exists():
                raise ImmutableRecordError(model.refusal(set(fields) - model.mutable_fields))
        return super().bulk_update(objs, fields, batch_size=batch_size)

    bulk_update.alters_data = True  # type: ignore[attr-defined]


class ClinicalRecordQuerySet(RecordQuerySet):
    """Reads that know what is current."""

    def current(self) -> "ClinicalRecordQuerySet":
        """Rows still in force: not entered in error and not superseded by a correction."""
        rows = self.filter(entered_in_error_at__isnull=True)
        if issubclass(self.model, Supersedable):
            rows = rows.filter(superseded_by__isnull=True)
        return rows

    def entered_in_error(self) -> "ClinicalRecordQuerySet":
        return self.filter(entered_in_error_at__isnull=False)


class ClinicalRecord(TimeStamped):
    """Who recorded it, when, and whether it was withdrawn as entered in error (who, when, why).

    `recorded_at` is the moment the record speaks for (services pass it in, so tests need no
    clock); `created_at` stays the database's own stamp.
    """

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who recorded it: a staff member, or the participant's own account.",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_in_error_reason = models.TextField(blank=True)

    objects = ClinicalRecordQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(entered_in_error_at__isnull=True, entered_in_error_reason="")
                    | (Q(entered_in_error_at__isnull=False) & ~Q(entered_in_error_reason=""))
                ),
                name="%(app_label)s_%(class)s_entered_in_error_has_reason",
            )
        ]

    @property
    def entered_in_error(self) -> bool:
        return self.entered_in_error_at is not None

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError(
            f"A {self._meta.verbose_name} is a clinical record and is never deleted; "
            "mark it entered in error."
        )


class Immutable(models.Model):
    """Once locked, a record's content never changes again, by instance or by queryset.

    `locked_when` is the condition a row meets once it is locked (for example signed); left
    as None the record is locked from the moment it is saved. Only `mutable_fields` (the
    entered-in-error columns) may change on a locked row.
    """

    locked_when: ClassVar[Q | None] = None
    mutable_fields: ClassVar[frozenset[str]] = ENTERED_IN_ERROR_FIELDS

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        only_mutable = update_fields is not None and set(update_fields) <= self.mutable_fields
        if not only_mutable and self.is_locked():
            changing = set(update_fields) if update_fields is not None else {"all fields"}
            raise ImmutableRecordError(self.refusal(changing - self.mutable_fields))
        super().save(*args, **kwargs)

    @classmethod
    def locked_q(cls) -> Q | None:
        return cls.locked_when

    @classmethod
    def refusal(cls, fields: Iterable[str]) -> str:
        names = ", ".join(sorted(fields))
        return (
            f"A {cls._meta.verbose_name} that is recorded or signed cannot be changed ({names}); "
            "record a correction that supersedes it."
        )

    def is_locked(self) -> bool:
        """Whether the row as stored is locked (an unsaved row never is)."""
        if self._state.adding or self.pk is None:
            return False
        locked = self.locked_q()
        return locked is None or type(self)._base_manager.filter(locked, pk=self.pk).exists()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecordError(f"A {self._meta.verbose_name} is never deleted.")


class Supersedable(models.Model):
    """A correction is a new record that points back to the one it replaces, with a reason.

    The old record stays as it was; `superseded_by` (the reverse side) marks it out of date
    and `current()` leaves it out.
    """

    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="The record this one corrects or amends.",
    )
    supersede_reason = models.TextField(blank=True)

    class Meta:
        abstract = True


class Signable(models.Model):
    """A record a clinician signs; signing locks it (add `Immutable` with `locked_when`)."""

    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    SIGNED: ClassVar[Q] = Q(signed_at__isnull=False)

    class Meta:
        abstract = True

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
