"""What of the world's participant data an answer shows, and whether it was audited for them.

Every answer that carries a participant's data leaves an audit event naming them, a refusal
(409, 422) as much as a success. The world's data of a participant is what identifies them
(their names, their record number) and what their record holds: the free text and the dates
(written as messages write them, "17 Nov 2026") of every row held against them, directly or
through the row it belongs to (a plan's problems, a note's addressed objectives).
"""

from collections import defaultdict
from datetime import date

from django.apps import apps
from django.db import models
from django.db.models import Q

from audit.models import AuditEvent
from participants.models import Participant

# Rows that are not the record: the trail itself, and the replayed answers of the API.
LEFT_OUT_APPS = {"audit", "accounts"}
# Shorter text is too often a word of a message (a status, a code) to tell anything.
MIN_TEXT = 8


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.DateField | models.JSONField)
        and not f.choices
        and not isinstance(f, models.DateTimeField)
        and not any(word in f.name for word in ("token", "hash", "key", "code", "public_id"))
    ]


def _paths_to_participant() -> list[tuple[type[models.Model], str]]:
    """Each model held against a participant, with the lookup from it to the participant."""
    direct: dict[type[models.Model], str] = {}
    for model in apps.get_models():
        if model._meta.app_label in LEFT_OUT_APPS or model is Participant:
            continue
        for f in model._meta.concrete_fields:
            if isinstance(f, models.ForeignKey) and f.related_model is Participant:
                direct.setdefault(model, f.name)
    paths = list(direct.items())
    for model in apps.get_models():
        if model in direct or model._meta.app_label in LEFT_OUT_APPS:
            continue
        for f in model._meta.concrete_fields:
            parent = f.related_model if isinstance(f, models.ForeignKey) else None
            if isinstance(parent, type) and parent in direct:
                paths.append((model, f"{f.name}__{direct[parent]}"))
                break
    return paths


def _strings(value: object) -> list[str]:
    if isinstance(value, date):
        return [f"{value:%d %b %Y}"]
    if isinstance(value, str):
        text = value.strip()
        # A phrase or a number, not one word that a message could use as well.
        telling = " " in text or any(c.isdigit() for c in text)
        return [text] if len(text) >= MIN_TEXT and telling else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def world_data(organization_id: int) -> dict[int, set[str]]:
    """Each participant of the organization (by pk) and the strings that are their data."""
    found: dict[int, set[str]] = defaultdict(set)
    for p in Participant.objects.filter(organization_id=organization_id):
        names = [p.legal_first_name, p.legal_last_name, p.preferred_name, p.record_number]
        found[p.pk] |= {n.strip() for n in names if n and len(n.strip()) >= 3}
    for model, path in _paths_to_participant():
        fields = _text_fields(model)
        if not fields:
            continue
        rows = model._base_manager.filter(**{f"{path}__organization_id": organization_id})
        for row in rows.values(path, *fields):
            pk = row.pop(path)
            for value in row.values():
                found[pk] |= set(_strings(value))
    return found


def shown_in(body: str, data: dict[int, set[str]]) -> dict[int, list[str]]:
    """The participants whose data the body shows, with what of it."""
    shown = {pk: sorted(s for s in strings if s in body) for pk, strings in data.items()}
    return {pk: found for pk, found in shown.items() if found}


def events_naming(participant_pk: int, after: int) -> int:
    """The audit events written after event `after` that name the participant, alone or
    among those they list."""
    return (
        AuditEvent.objects.filter(pk__gt=after)
        .filter(Q(participant_id=participant_pk) | Q(listed__participant_id=participant_pk))
        .distinct()
        .count()
    )


def last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
