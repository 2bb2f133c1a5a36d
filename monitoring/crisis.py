"""Crisis resources shown to a participant at once after a critical self-report answer.

Source: /work/shared/domain/clinical-reference.md, section 7 "Crisis safety" (Hotlines):
988 Suicide & Crisis Lifeline (call or text 988), Crisis Text Line (text HOME to 741741).
911 is the emergency number for immediate danger. The program's own after-hours number
comes from its settings (`Program.after_hours_phone`).
"""

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Program


@dataclass(frozen=True)
class CrisisLine:
    name: str | Promise
    how: str | Promise
    href: str


CRISIS_LINES = (
    CrisisLine(_("988 Suicide & Crisis Lifeline"), _("Call or text 988, any time"), "tel:988"),
    CrisisLine(_("Crisis Text Line"), _("Text HOME to 741741"), "sms:741741?body=HOME"),
    CrisisLine(_("Emergency"), _("Call 911 if you are in immediate danger"), "tel:911"),
)


def crisis_contacts(program: Program | None) -> dict[str, Any]:
    """What every crisis page shows, whoever it is for and however it was reached: the
    crisis lines and the program's own after-hours line, under the program's name."""
    return {
        "crisis_lines": CRISIS_LINES,
        "after_hours_phone": program.after_hours_phone if program else "",
        "program_name": program.name if program else "",
    }
