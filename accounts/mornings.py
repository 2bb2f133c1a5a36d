"""Each program's morning: when the daily work its participants and staff see is done.

A job cannot run at every program's local morning at once, so such a job ticks every hour
(`tandem.tasks.again_next_hour`) and each tick works for the programs whose own clock has
reached their `Program.morning_hour` and whose day it has not yet worked. A tick that fails
leaves the program's day to the next one; the work is the same whenever in the day it runs
(one reminder per questionnaire a day, one open alert per stretch), so repeating it is safe.
"""

from collections.abc import Iterator
from datetime import date, datetime

from accounts.models import Program, ProgramMorning


def programs_at_morning(job: str, now: datetime) -> Iterator[Program]:
    """The programs whose morning the daily `job` (its task path) works for as of `now`: each
    program's clock at or past its morning hour, on a day of the program's not yet worked.

    Each program's day is recorded as worked once the caller's loop comes back for the next
    program (or finishes), so a program whose work raised is left to the next tick."""
    worked: dict[int, date] = dict(
        ProgramMorning.objects.filter(job=job).values_list("program_id", "worked_on")
    )
    for program in Program.objects.order_by("pk"):
        local = now.astimezone(program.tz)
        if local.hour < program.morning_hour or worked.get(program.pk, date.min) >= local.date():
            continue
        yield program
        ProgramMorning.objects.update_or_create(
            program=program, job=job, defaults={"worked_on": local.date(), "worked_at": now}
        )
