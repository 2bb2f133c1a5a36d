"""The program's note settings as the director edits them: when notes fall due, whose notes
need a co-signature (roles and named staff), the program's own note formats, and which
curriculum each group runs. Each write is checked (`note.settings`), versioned where two
people could edit the same row, and audited."""

import re
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from accounts.models import Program, Role, User
from audit.services import field_changes, record_event
from notes.models import Curriculum, GroupCurriculum, NoteFormat, NoteSettings
from participants.access import require_capability
from scheduling.models import Group
from tandem.errors import ConcurrentEdit, InvalidInput
from tandem.lifecycle import save_new_version

# A note may fall due at most this long after its session (a sanity bound, not a rule).
MAX_DUE_HOURS = 24 * 14
MAX_SECTIONS = 12


def _require(by: Any, program: Program, event_type: str):
    return require_capability(
        by,
        "note.settings",
        [program.organization_id],
        event_type=event_type,
        refusal="Your role cannot change the program's note settings.",
    )


def version_of(program: Program) -> int:
    """The version a form about the program's settings starts from (0: never saved)."""
    found = NoteSettings.objects.filter(program=program).values_list("version", flat=True).first()
    return found or 0


def update_rules(
    program: Program,
    *,
    by: Any,
    due_hours: int,
    cosign_roles: Sequence[str],
    cosign_staff: Sequence[User],
    expected_version: int,
) -> NoteSettings:
    """Change when notes fall due and whose notes need a co-signature."""
    decision = _require(by, program, "notes.settings_changed")
    if not 1 <= due_hours <= MAX_DUE_HOURS:
        raise InvalidInput(
            f"Notes fall due between 1 and {MAX_DUE_HOURS} hours after their session.",
            field="due_hours",
        )
    roles = sorted(set(cosign_roles))
    if not set(roles) <= set(Role.values):
        raise InvalidInput("Choose roles from the list.", field="cosign_roles")
    staff = {u.pk for u in cosign_staff}
    members = set(
        User.objects.filter(
            pk__in=staff,
            memberships__organization_id=program.organization_id,
            memberships__is_active=True,
        ).values_list("pk", flat=True)
    )
    if staff - members:
        raise InvalidInput("Choose staff of this program's organization.", field="cosign_staff")
    with transaction.atomic():
        row, _ = NoteSettings.objects.select_for_update().get_or_create(
            program=program, defaults={"version": 0}
        )
        if row.version != expected_version:
            raise ConcurrentEdit("note settings")
        before = {
            "due_hours": row.due_hours,
            "cosign_roles": list(row.cosign_roles),
            "cosign_staff": sorted(row.cosign_staff.values_list("pk", flat=True)),
        }
        row.due_hours = due_hours
        row.cosign_roles = roles
        save_new_version(row, ["due_hours", "cosign_roles"])
        row.cosign_staff.set(sorted(members))
        after = {"due_hours": due_hours, "cosign_roles": roles, "cosign_staff": sorted(members)}
        record_event(
            actor=by,
            event_type="notes.settings_changed",
            decision=decision,
            organization=program.organization,
            record=row,
            details={"changes": field_changes(before, after)},
        )
    return row


def add_format(program: Program, *, by: Any, name: str, sections: Sequence[str]) -> NoteFormat:
    """A format of the program's own, its section headings in order."""
    decision = _require(by, program, "notes.format_added")
    name = (name or "").strip()
    headings = [s.strip() for s in sections if s and s.strip()]
    if not name or len(name) > 100:
        raise InvalidInput("Name the format (up to 100 characters).", field="name")
    if not headings:
        raise InvalidInput("Give the format at least one section heading.", field="sections")
    if len(headings) > MAX_SECTIONS or any(len(h) > 80 for h in headings):
        raise InvalidInput(
            f"At most {MAX_SECTIONS} sections of up to 80 characters each.", field="sections"
        )
    if len(set(headings)) != len(headings):
        raise InvalidInput("Each section heading once.", field="sections")
    code = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:30] or "format"
    taken = NoteFormat.objects.filter(program__isnull=True, code=code).exists() or (
        NoteFormat.objects.filter(program=program, code=code).exists()
    )
    if taken:
        raise InvalidInput("A format with that name exists already.", field="name")
    with transaction.atomic():
        row = NoteFormat.objects.create(program=program, code=code, name=name, sections=headings)
        record_event(
            actor=by,
            event_type="notes.format_added",
            decision=decision,
            organization=program.organization,
            record=row,
            details={"name": name, "sections": len(headings)},
        )
    return row


def set_curriculum(
    group: Group, *, by: Any, curriculum: Curriculum | None, expected: Curriculum | None
) -> None:
    """Which curriculum a group runs (None: none). `expected` is what the form showed: if
    someone changed it meanwhile, nothing is written."""
    program = group.program
    decision = _require(by, program, "notes.group_curriculum_set")
    if curriculum is not None and curriculum.program_id not in (None, program.pk):
        raise InvalidInput("Choose one of the program's curricula.", field="curriculum")
    with transaction.atomic():
        Group.objects.select_for_update().filter(pk=group.pk).first()
        link = GroupCurriculum.objects.filter(group=group).first()
        now = link.curriculum_id if link else None
        if now != (expected.pk if expected else None):
            raise ConcurrentEdit("group's curriculum")
        if now == (curriculum.pk if curriculum else None):
            return
        if link is not None and curriculum is not None:
            link.curriculum = curriculum
            link.save(update_fields=["curriculum", "modified_at"])
        elif link is not None:
            link.delete()
        elif curriculum is not None:
            GroupCurriculum.objects.create(group=group, curriculum=curriculum)
        record_event(
            actor=by,
            event_type="notes.group_curriculum_set",
            decision=decision,
            organization=program.organization,
            record=group,
            details={"before": now, "after": curriculum.pk if curriculum else None},
        )
