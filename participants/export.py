"""The participant's record as one JSON document, for a transfer of care or a records request.

Modules add their part with `register_section(name, build)`; `build(participant)` returns
JSON-ready data. The export itself is audited by the page that serves it.
"""

from collections.abc import Callable

from participants.models import Participant
from participants.services import DEMOGRAPHIC_FIELDS

Section = Callable[[Participant], object]
_sections: dict[str, Section] = {}


def register_section(name: str, build: Section) -> None:
    _sections[name] = build


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


register_section("participant", _demographics)
register_section("episodes", _episodes)


def export_record(participant: Participant) -> dict:
    return {name: build(participant) for name, build in _sections.items()}
