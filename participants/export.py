"""The participant's clinical record as one document, for a transfer of care or a records
request: as JSON (export) and as a printable page (print).

Each module adds its part with `SECTIONS.register(Section(name, title, build, scope))`;
`build(participant)` returns JSON-ready data: a list of flat dicts (one per record, printed as
a table) or one flat dict. A copy carries a section only when the policy lets the person making
it read the section's `scope` on this record, as the chart shows a tab or a summary section
(the coverage's member ids stay with those who read the billing part). A copy is given only
through the page a module registers in `COPY_PAGES`, which logs it as a disclosure first and
audits it.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder

from audit.models import Action
from participants.access import Scope, decide
from participants.models import Participant
from participants.services import DEMOGRAPHIC_FIELDS
from tandem.hooks import Hook
from tandem.templatetags.clock import day, when

Build = Callable[[Participant], object]

# What says whose record a copy is; every copy carries it, whatever parts it holds.
IDENTITY_FIELDS = ("legal_first_name", "legal_last_name", "preferred_name", "date_of_birth")

# 42 CFR §2.32(a)(2), the short redisclosure notice (clinical reference §4a, Statement 2): every
# copy of the record that leaves Tandem (the printouts, the JSON export, the history's download)
# carries it, as the rule asks of each disclosure of Part 2 records.
REDISCLOSURE_NOTICE = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    build: Build
    # The part of the record the section shows: a copy carries it only for a reader the
    # policy lets read it. The copy itself is a read of the clinical record.
    scope: Scope = Scope.CLINICAL


# Each module adds its part of the record: SECTIONS.register(Section(name, title, build, scope)).
SECTIONS: Hook[Section] = Hook("participants.export_sections", key=lambda section: section.name)


def _demographics(p: Participant) -> dict:
    return {
        "id": str(p.public_id),
        "record_number": p.record_number,
        **{f: getattr(p, f) for f in DEMOGRAPHIC_FIELDS},
    }


def _episodes(p: Participant) -> list[dict]:
    return [
        {
            "id": str(e.public_id),
            "program": e.program.name,
            "status": e.status,
            "referred_on": e.referred_on,
            "admitted_on": e.admitted_on,
            "discharged_on": e.discharged_on,
            "level_of_care": e.level_of_care,
            "care_team": [
                {"name": str(m.user), "role": m.role, "from": m.started_on, "to": m.ended_on}
                for m in e.care_team.all()
            ],
        }
        for e in p.episodes.select_related("program").prefetch_related("care_team__user")
    ]


# The page that gives a copy of the record (printed or JSON), which the chart's overview links
# to: the consents module registers it, since a copy is a disclosure it must log first.
COPY_PAGES: Hook[str] = Hook("participants.record_copy_pages")

SECTIONS.register(
    Section("participant", "Demographics and contact details", _demographics, Scope.DEMOGRAPHICS)
)
SECTIONS.register(Section("episodes", "Episodes of care", _episodes, Scope.DEMOGRAPHICS))


class RecordEncoder(DjangoJSONEncoder):
    """The exported record's JSON: a moment in full ISO 8601, as another system reads it
    (Django's encoder would drop the microseconds and write the zone as Z)."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def sections_for(
    reader, participant: Participant, parts: Collection[str] | None = None
) -> list[Section]:
    """The sections a copy made by `reader` carries: those whose scope the policy lets them
    read on this record, decided once per scope, and of those only `parts` when given (the
    parts a consent's description of the information covers)."""
    sections = [s for s in SECTIONS.implementations() if parts is None or s.name in parts]
    allowed = {
        scope: decide(reader, participant, Action.VIEW, scope).allowed
        for scope in {s.scope for s in sections}
    }
    return [s for s in sections if allowed[s.scope]]


def copy_parts(reader, participant: Participant) -> list[tuple[str, str]]:
    """The parts of the record `reader` may put in a copy, as (name, title) choices."""
    return [(s.name, s.title) for s in sections_for(reader, participant)]


def _identity(p: Participant) -> dict:
    """Whose record a copy is: carried by every copy, whatever parts it holds."""
    return {
        "id": str(p.public_id),
        "record_number": p.record_number,
        **{f: getattr(p, f) for f in IDENTITY_FIELDS},
    }


def export_record(participant: Participant, reader, parts: Collection[str] | None = None) -> dict:
    """Every module's section `reader` may read (of `parts`, when given), under the Part 2
    notice the copy must carry; a copy without the demographics still says whose it is."""
    sections = sections_for(reader, participant, parts)
    record: dict = {"redisclosure_notice": REDISCLOSURE_NOTICE}
    if all(s.name != "participant" for s in sections):
        record["participant"] = _identity(participant)
    record.update({s.name: s.build(participant) for s in sections})
    return record


def printable_record(
    participant: Participant, reader, parts: Collection[str] | None = None
) -> list[dict]:
    """Each module's section `reader` may read (of `parts`, when given) after the face sheet,
    as headed tables for the print page."""
    printed = []
    for section in sections_for(reader, participant, parts):
        if section.name in ("participant", "episodes"):
            continue
        data = section.build(participant)
        rows = data if isinstance(data, list) else [data]
        columns = list(rows[0]) if rows else []
        printed.append(
            {
                "title": section.title,
                "columns": [c.replace("_", " ").capitalize() for c in columns],
                "rows": [[_printed(row.get(c)) for c in columns] for row in rows],
            }
        )
    return printed


def _printed(value: object) -> object:
    """A section's value as the printed page gives it: dates and moments as every page does,
    and a yes/no as yes or no (the JSON export keeps true and false for the systems that
    read it)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return day(value)
    return value
