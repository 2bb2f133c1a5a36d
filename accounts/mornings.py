"""Each program's morning: when the daily work its participants and staff see is done.

A job cannot run at every program's local morning at once, so such a job ticks every hour
(`tandem.tasks.again_next_hour`) and each tick works for the programs whose own clock has
reached their `Program.morning_hour` and whose day it has not yet worked. A tick claims a
program's day before working it, so a tick that overruns its hour and the next one started
beside it never both send a program's reminders; work that raised gives its claim back for the
next tick, and a claim left by a worker that died is taken over once it is more than
`CLAIM_HELD` old. The work is the same whenever in the day it runs (one reminder per
questionnaire a day, one open alert per stretch), so repeating it after a failure is safe.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.db.models import Q

from accounts.models import Program, ProgramMorning

# A claim more than an hour older than a tick's time was left by a worker that died mid-work
# (work that raised gives its claim back); the tick after next takes it over. The tick right
# after the claiming one does not, since that is the one a long run overlaps.
CLAIM_HELD = timedelta(hours=1)

Done = TypeVar("Done")


def work_each_morning(job: str, now: datetime, work: Callable[[Program], Done]) -> list[Done]:
    """Do `work` for each program whose morning the daily `job` (its task path) works for as
    of `now`, in order, and return what each gave: each program's clock at or past its
    morning hour, on a day of the program's not yet worked, that no other tick holds.

    The program's day is recorded as worked once `work` returned; if it raised, the claim is
    given back, so the next tick tries that program again, and the other programs are still
    worked: one program's failure (its mail server down) never holds up another's morning.
    The first error then goes on, noting how many programs failed, so the tick's record in
    the queue says it failed."""
    done = []
    failed: list[Exception] = []
    for program in Program.objects.order_by("pk"):
        local = now.astimezone(program.tz)
        if local.hour < program.morning_hour or not _claim(program, job, local, now):
            continue
        mornings = ProgramMorning.objects.filter(program=program, job=job)
        try:
            done.append(work(program))
        except Exception as exc:
            mornings.update(claimed_at=None)
            failed.append(exc)
            continue
        except BaseException:
            mornings.update(claimed_at=None)
            raise
        mornings.update(worked_on=local.date(), worked_at=now, claimed_at=None)
    if failed:
        failed[0].add_note(f"The work failed for {len(failed)} program(s) on this tick.")
        raise failed[0]
    return done


def _claim(program: Program, job: str, local: datetime, now: datetime) -> bool:
    """Take the program's day for this tick, unless it is worked or another tick holds it: one
    conditional update, so of two ticks at once only one finds the row still open."""
    ProgramMorning.objects.bulk_create(
        [ProgramMorning(program=program, job=job)], ignore_conflicts=True
    )
    return bool(
        ProgramMorning.objects.filter(program=program, job=job)
        .filter(Q(worked_on__isnull=True) | Q(worked_on__lt=local.date()))
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_HELD))
        .update(claimed_at=now)
    )
