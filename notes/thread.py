"""The golden thread: a note addresses plan objectives picked from the participant's current
signed treatment plan, or says why it addresses none; each objective lists the notes that
addressed it, across plan versions (by the objective's `lineage`)."""

from collections.abc import Iterable, Sequence
from uuid import UUID

from notes.models import NoteObjective, ProgressNote
from participants.models import Participant
from plans.models import Objective, TreatmentPlan
from tandem.errors import InvalidInput


def _plans_in_force(participant_ids: Iterable[int]) -> dict[int, int]:
    """Participant → the id of their plan in force: the newest signed version not entered in
    error, of their latest episode with one (one query)."""
    rows = (
        TreatmentPlan.objects.current()
        .filter(participant_id__in=list(participant_ids), signed_at__isnull=False)
        .order_by("participant_id", "-episode__referred_on", "-episode_id", "-number")
        .values_list("participant_id", "pk")
    )
    found: dict[int, int] = {}
    for participant_id, plan_id in rows:
        found.setdefault(participant_id, plan_id)
    return found


def active_objectives_of(participant_ids: Iterable[int]) -> dict[int, list[Objective]]:
    """Each participant's objectives a note may address, with the problem each serves, as two
    objectives of different problems may read alike (two queries for any number)."""
    plans = _plans_in_force(participant_ids)
    by_plan: dict[int, list[Objective]] = {}
    rows = (
        Objective.objects.filter(plan_id__in=list(plans.values()))
        .select_related("goal__problem")
        .order_by("goal__problem__order", "goal__order", "order", "pk")
    )
    for objective in rows:
        by_plan.setdefault(objective.plan_id, []).append(objective)
    return {pid: by_plan.get(plan_id, []) for pid, plan_id in plans.items()}


def active_objectives(participant: Participant) -> list[Objective]:
    """The objectives a note may address: those of the plan in force."""
    return active_objectives_of([participant.pk]).get(participant.pk, [])


def pick(participant: Participant, ids: Sequence[str], *, field: str = "objectives") -> list:
    """The objectives named by `ids` (public ids), each on the participant's plan in force."""
    if not ids:
        return []
    offered = {str(o.public_id): o for o in active_objectives(participant)}
    if not offered:
        raise InvalidInput(
            "This participant has no signed treatment plan with objectives to choose from.",
            field=field,
        )
    chosen = []
    for value in dict.fromkeys(str(i) for i in ids):
        try:
            key = str(UUID(value))
        except ValueError:
            key = ""
        if key not in offered:
            raise InvalidInput(
                "Choose objectives from the participant's current signed plan.", field=field
            )
        chosen.append(offered[key])
    return chosen


def check_thread(objectives: Sequence, reason: str, *, field: str = "objectives") -> None:
    """A note addresses at least one objective or says why none."""
    if not objectives and not (reason or "").strip():
        raise InvalidInput(
            "Choose the plan objectives this note addresses, or say why it addresses none.",
            field=field,
        )


def of(note: ProgressNote) -> list[Objective]:
    """The objectives a note addresses (from the prefetch when the list made one)."""
    return [row.objective for row in note.addressed.all()]


def attach(note: ProgressNote, objectives: Sequence[Objective], *, replace: bool = False) -> None:
    """Record which objectives a draft addresses (replacing its earlier choice)."""
    if replace:
        # A draft's choice is not yet part of the record: replacing it deletes the rows.
        NoteObjective._base_manager.filter(note=note).delete()
    NoteObjective.objects.bulk_create(
        NoteObjective(note=note, objective=o, lineage=o.lineage) for o in objectives
    )


def notes_for_objective(objective: Objective) -> list[ProgressNote]:
    """The notes in force that addressed this objective, in any version of the plan."""
    return list(
        ProgressNote.objects.current()
        .filter(addressed__lineage=objective.lineage, participant_id=objective.plan.participant_id)
        .select_related("recorded_by", "group_note__module")
        .order_by("-service_date", "-pk")
        .distinct()
    )
