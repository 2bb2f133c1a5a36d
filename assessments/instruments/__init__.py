"""Tandem's instrument library, declared as data (see ``types``), with a registry.

``get(code)`` returns one definition and ``all_instruments()`` all of them in a stable
order. The scorer lives in ``assessments.scoring``. Pure Python: no Django imports.
"""

from assessments.instruments.definitions.audit import AUDIT, AUDITC
from assessments.instruments.definitions.bam import BAM
from assessments.instruments.definitions.crafft import CRAFFT
from assessments.instruments.definitions.cssrs import CSSRS
from assessments.instruments.definitions.dast import DAST10
from assessments.instruments.definitions.gad import GAD2, GAD7
from assessments.instruments.definitions.mdq import MDQ
from assessments.instruments.definitions.pcl5 import PCL5
from assessments.instruments.definitions.phq import PHQ2, PHQ9
from assessments.instruments.definitions.who5 import WHO5
from assessments.instruments.types import Instrument

__all__ = ["CRITICAL_FLAG_CODES", "UnknownInstrumentError", "all_instruments", "get"]

_REGISTRY: dict[str, Instrument] = {
    instrument.code: instrument
    for instrument in (
        PHQ9,
        PHQ2,
        GAD7,
        GAD2,
        AUDIT,
        AUDITC,
        DAST10,
        PCL5,
        CSSRS,
        MDQ,
        BAM,
        WHO5,
        CRAFFT,
    )
}

CRITICAL_FLAG_CODES: frozenset[str] = frozenset(
    flag.code for instrument in _REGISTRY.values() for flag in instrument.flags if flag.critical
)
"""Flag codes that raise a clinical alert on any instrument (today: ``suicide-risk``)."""


class UnknownInstrumentError(LookupError):
    """No instrument has this code (the API turns it into 404)."""

    def __init__(self, code: object) -> None:
        super().__init__(f"unknown instrument code {code!r}")
        self.code = code


def get(code: str) -> Instrument:
    """The instrument with this code, e.g. ``get("phq-9")``."""
    try:
        return _REGISTRY[code]
    except (KeyError, TypeError):
        raise UnknownInstrumentError(code) from None


def all_instruments() -> tuple[Instrument, ...]:
    """Every instrument, in the order of the clinical reference's section 0."""
    return tuple(_REGISTRY.values())
