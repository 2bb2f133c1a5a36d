"""The demo's instrument histories: plausible, synthetic, scored by the real scorer.

Everyone at or past screening has an intake battery (PHQ-9, GAD-7, AUDIT or AUDIT-C,
DAST-10, C-SSRS). Those admitted are given what the program's default measurement schedule
asks, on time: the admission PHQ-9, GAD-7, BAM and PCL-5 on their first day or the next,
then PHQ-9 and GAD-7 (mostly improving) within each 14 days, the BAM within each 30, and the
PCL-5 monthly for those with trauma symptoms. About one in five fell behind: their latest
PHQ-9 and GAD-7 are past due, so the due lists show a genuine minority.

What the program's pages show of someone in care is written as the program writes it: each
in-care participant's latest administration of every questionnaire they have is recorded
through `record_administration`, with its own audit event and whatever its answers raise.
The primary clinician records it; one given at screening, by an intake coordinator whose
place ended at admission, is entered by the primary clinician too. Two critical answers go
through the service as well (a screening one on the newest referral), so their alerts are
real. Older history, and everyone not in care, is inserted in bulk with one summary audit
event. Participants who already have a history are skipped, so running it twice changes
nothing.

Speed (`seed_demo --participants 20000` writes about 300,000 administrations): answers are
drawn from a pool of answer sets made and scored once per instrument and severity step,
and rows are written with one executemany per batch, each repeated value converted for
the database once instead of once per row.
"""

import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from assessments.models import Administration, Mode, scored_columns
from assessments.scoring import score
from assessments.services import record_administration
from audit.services import record_event
from participants.demo import DemoContext
from participants.models import IN_CARE_STATUSES, Episode, EpisodeStatus, Participant

SCREENED = (
    EpisodeStatus.SCREENING,
    EpisodeStatus.ADMITTED,
    EpisodeStatus.ACTIVE,
    EpisodeStatus.DISCHARGED,
    EpisodeStatus.TRANSFERRED_OUT,
)
STEPS = 10  # severity 0..1 in tenths
VARIANTS = 12  # answer sets per instrument and step
SEXES = ("female", "male", "unknown")
BATCH = 2000


def _clamp(value: float, high: int) -> int:
    return max(0, min(high, round(value)))


def _scale(rng: random.Random, count: int, level: float, high: int, spread: float) -> dict:
    """Items "1".."count" on 0..high, answered around `level` (0..1) of the scale."""
    return {str(n): _clamp(rng.gauss(level * high, spread), high) for n in range(1, count + 1)}


def _phq9(rng: random.Random, level: float) -> dict:
    answers = _scale(rng, 9, level, 3, 0.7)
    answers["9"] = 0
    answers["difficulty"] = _clamp(level * 3 + rng.uniform(-0.5, 0.5), 3)
    return answers


def _audit(rng: random.Random, level: float) -> dict:
    answers = _scale(rng, 8, level, 4, 0.8)
    if answers["1"] == 0:
        answers.update({str(n): 0 for n in range(2, 9)})
    for item in ("9", "10"):
        answers[item] = rng.choices([0, 2, 4], [1 - level, level * 0.4, level * 0.6])[0]
    return answers


def _dast(rng: random.Random, level: float) -> dict:
    answers = {str(n): int(rng.random() < level) for n in range(1, 11)}
    answers["3"] = int(rng.random() >= level)  # "always able to stop": a yes scores 0
    return answers


def _bam(rng: random.Random, level: float) -> dict:
    def pick(centre: float) -> int:
        return _clamp(rng.gauss(centre * 4, 0.6), 4)

    return {
        "1": pick(0.3 + level * 0.4),
        "2": pick(level),
        "3": pick(level),
        "4": pick(level),
        "5": pick(level * 0.7),
        "6": pick(level * 0.8),
        "7a": pick(level * 0.5),
        "8": pick(level),
        "9": pick(1 - level * 0.8),
        "10": pick(0.5),
        "11": pick(level * 0.8),
        "12": pick(rng.random()),
        "13": pick(0.6),
        "14": rng.choice([0, 4, 4]),
        "15": pick(level * 0.7),
        "16": pick(0.7),
        "17": pick(1 - level),
    }


MAKERS: dict[str, Callable[[random.Random, float], dict]] = {
    "phq-9": _phq9,
    "gad-7": lambda rng, level: _scale(rng, 7, level, 3, 0.7),
    "audit": _audit,
    "audit-c": lambda rng, level: _scale(rng, 3, level, 4, 0.8),
    "dast-10": _dast,
    "pcl-5": lambda rng, level: _scale(rng, 20, level, 4, 0.9),
    "bam": _bam,
    "cssrs-screener": lambda rng, level: {"1": 0, "2": 0, "6": 0},
}


@dataclass(frozen=True)
class _Scored:
    """One answer set with the scorer's result, already converted for the database."""

    answers: dict
    columns: dict[str, Any]


class _Pool:
    """Answer sets per instrument and severity step, each scored once by the real scorer."""

    def __init__(self, rng: random.Random) -> None:
        self._fields = {f.attname: f for f in Administration._meta.concrete_fields}
        self._sets: dict[tuple[str, int, str], list[_Scored]] = {}
        for code, make in MAKERS.items():
            for step in range(STEPS + 1):
                for _ in range(VARIANTS):
                    answers = make(rng, step / STEPS)
                    for sex in SEXES if code == "audit-c" else ("",):
                        key = (code, step, sex)
                        self._sets.setdefault(key, []).append(self._scored(code, answers, sex))

    def _db(self, name: str, value: Any) -> Any:
        return self._fields[name].get_db_prep_save(value, connection)

    def _scored(self, code: str, answers: dict, sex: str) -> _Scored:
        context = {"sex": sex} if sex else {}
        result = score(code, answers, context)
        values = {
            "instrument": code,
            "answers": answers,
            "context": context,
            **scored_columns(result),
        }
        return _Scored(answers, {name: self._db(name, v) for name, v in values.items()})

    def pick(self, rng: random.Random, code: str, level: float, sex: str) -> _Scored:
        step = _clamp(level * STEPS, STEPS)
        return rng.choice(self._sets[(code, step, sex if code == "audit-c" else "")])


class _Writer:
    """Collects rows and writes them with one executemany per batch."""

    def __init__(self) -> None:
        self.fields = [f for f in Administration._meta.concrete_fields if not f.primary_key]
        now = timezone.now()
        constant = {
            "created_at": now,
            "modified_at": now,
            "overrides": {},
            "supersedes_id": None,
            "supersede_reason": "",
            "entered_in_error_by_id": None,
            "entered_in_error_reason": "",
            "entered_in_error_at": None,
        }
        by_name = {f.attname: f for f in self.fields}
        self.constant = {
            name: by_name[name].get_db_prep_save(value, connection)
            for name, value in constant.items()
        }
        self.modes = {m: by_name["mode"].get_db_prep_save(m, connection) for m in Mode.values}
        native_uuid = connection.features.has_native_uuid_field
        self.uuid = (lambda u: u) if native_uuid else (lambda u: u.hex)
        self.rows: list[list] = []

    def add(
        self, rng, episode: Mapping[str, Any], scored: _Scored, when: datetime, mode: str, by: int
    ) -> None:
        row = {
            **self.constant,
            **scored.columns,
            "public_id": self.uuid(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "participant_id": episode["participant_id"],
            "episode_id": episode["pk"],
            "mode": self.modes[mode],
            "recorded_by_id": by,
            "completed_at": connection.ops.adapt_datetimefield_value(when),
            "recorded_at": connection.ops.adapt_datetimefield_value(when),
        }
        self.rows.append([row[f.attname] for f in self.fields])

    def write(self) -> None:
        quote = connection.ops.quote_name
        table = quote(Administration._meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Table and column names come from the model and are quoted; values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            for start in range(0, len(self.rows), BATCH):
                cursor.executemany(sql, self.rows[start : start + BATCH])


class _Person:
    """One demo participant's synthetic course: severities and how they change."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.depression = rng.betavariate(2.4, 2.0)
        self.anxiety = min(1.0, self.depression * 0.6 + rng.random() * 0.45)
        self.alcohol_primary = rng.random() < 0.45
        self.alcohol = rng.uniform(0.45, 0.9) if self.alcohol_primary else rng.uniform(0, 0.4)
        self.drugs = rng.uniform(0.1, 0.5) if self.alcohol_primary else rng.uniform(0.4, 0.9)
        self.trauma = rng.uniform(0.45, 0.85) if rng.random() < 0.2 else None
        improving = rng.random() < 0.72
        self.gain = rng.uniform(0.3, 0.75) if improving else rng.uniform(-0.25, 0.1)

    def level(self, base: float, days_in: int) -> float:
        progress = min(1.0, days_in / 70)
        return max(0.0, min(1.0, base * (1 - self.gain * progress) + self.rng.gauss(0, 0.05)))


def _at(program, day: date, rng: random.Random) -> datetime:
    moment = time(rng.randint(9, 16), rng.choice([0, 10, 20, 30, 40, 50]))
    return datetime.combine(day, moment, tzinfo=program.tz)


Planned = tuple[str, float, datetime, Mode, int]  # code, severity, completed at, mode, by
# Share of participants in care whose PHQ-9 and GAD-7 fell behind the schedule.
BEHIND_SHARE = 0.2


def _plan(
    rng: random.Random, program, today: date, episode: Mapping[str, Any], intake_by: int
) -> list[Planned]:
    """What one episode was given and when, oldest first."""
    person = _Person(rng)
    when = _at(program, min(today, episode["referred_on"] + timedelta(days=rng.randint(0, 2))), rng)
    staff = Mode.STAFF_ENTERED
    plan = [
        ("phq-9", person.depression, when, staff, intake_by),
        ("gad-7", person.anxiety, when, staff, intake_by),
        ("audit" if person.alcohol_primary else "audit-c", person.alcohol, when, staff, intake_by),
        ("dast-10", person.drugs, when, staff, intake_by),
        ("cssrs-screener", 0.0, when, staff, intake_by),
    ]
    if person.trauma is not None:
        plan.append(("pcl-5", person.trauma, when, staff, intake_by))
    admitted, clinician = episode["admitted_on"], episode["primary_clinician_id"]
    if admitted is None or clinician is None:
        return plan
    # Given on days before today only, so nothing is completed later than the demo's now.
    end = min(today - timedelta(days=1), episode["discharged_on"] or today)
    first = admitted + timedelta(days=rng.randint(0, 1))
    behind = rng.random() < BEHIND_SHARE
    last_fortnightly = end - timedelta(days=rng.randint(16, 24)) if behind else end
    trauma = person.trauma if person.trauma is not None else rng.uniform(0.05, 0.3)
    series: tuple[tuple[tuple[str, ...], date, tuple[int, int]], ...] = (
        (("phq-9", "gad-7"), last_fortnightly, (11, 14)),
        (("bam",), end, (26, 30)),
        (("pcl-5",), end if person.trauma is not None else min(first, end), (26, 30)),
    )
    for codes, last_day, gap in series:
        day = first
        while day <= last_day:
            days_in = (day - admitted).days
            when = _at(program, day, rng)
            mode = rng.choice([Mode.SELF_REPORT, Mode.STAFF_ENTERED])
            for code in codes:
                level = {
                    "phq-9": person.depression,
                    "gad-7": person.anxiety,
                    "bam": max(person.alcohol, person.drugs),
                    "pcl-5": trauma,
                }[code]
                how = staff if code == "bam" else mode
                plan.append((code, person.level(level, days_in), when, how, clinician))
            day += timedelta(days=rng.randint(*gap))
    plan.sort(key=lambda planned: planned[2])
    return plan


def _sex(value: str) -> str:
    return value if value in SEXES else "unknown"


Chosen = tuple[_Scored, datetime, Mode, int]  # answer set, completed at, mode, by


def _latest_of_each(chosen: list[Chosen]) -> tuple[list[Chosen], list[Chosen]]:
    """`chosen` (oldest first) split into its history and the latest of each instrument."""
    latest: dict[str, int] = {}
    for index, (scored, *_) in enumerate(chosen):
        latest[scored.columns["instrument"]] = index
    kept = set(latest.values())
    return (
        [c for index, c in enumerate(chosen) if index not in kept],
        [c for index, c in enumerate(chosen) if index in kept],
    )


def seed_instrument_history(context: DemoContext) -> None:
    """Give every screened demo participant without a history a plausible one."""
    program = context.program
    today = program.today()
    episodes = list(
        Episode.objects.filter(program=program, status__in=SCREENED)
        .exclude(participant_id__in=Administration.objects.values("participant_id"))
        .order_by("participant__record_number", "pk")
        .values(
            "pk",
            "participant_id",
            "participant__record_number",
            "participant__sex_at_birth",
            "status",
            "referred_on",
            "admitted_on",
            "discharged_on",
            "primary_clinician_id",
        )
    )
    if not episodes:
        return
    pool = _Pool(random.Random(context.rng_seed))
    writer = _Writer()
    critical: list[tuple[Mapping[str, Any], str, dict[str, int], int]] = []
    through_service: list[tuple[Mapping[str, Any], list[Chosen]]] = []
    therapist, intake = context.staff["therapist"].pk, context.staff["intake"].pk
    # The screening answer that raises an alert is the newest referral's, one still waiting.
    newest_screening = max(
        (e for e in episodes if e["status"] == EpisodeStatus.SCREENING),
        key=lambda e: (e["referred_on"], e["pk"]),
        default=None,
    )
    for episode in episodes:
        rng = random.Random(f"{context.rng_seed}:{episode['participant__record_number']}")
        sex = _sex(episode["participant__sex_at_birth"])
        plan = _plan(rng, program, today, episode, intake)
        chosen: list[Chosen] = [
            (pool.pick(rng, code, level, sex), when, mode, by)
            for code, level, when, mode, by in plan
        ]
        if not any(kind == "active" for _, kind, _, _ in critical) and (
            episode["status"] == EpisodeStatus.ACTIVE
            and episode["primary_clinician_id"] == therapist
            and sum(planned[0] == "phq-9" for planned in plan) >= 3
        ):
            last = next(s for s, *_ in reversed(chosen) if s.columns["instrument"] == "phq-9")
            critical.append((episode, "active", {**last.answers, "9": 1}, therapist))
        elif episode is newest_screening:
            chosen = [c for c in chosen if c[0].columns["instrument"] != "cssrs-screener"]
            moderate = {"1": 1, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0}
            critical.append((episode, "screening", moderate, intake))
        if episode["status"] in IN_CARE_STATUSES and episode["primary_clinician_id"]:
            chosen, latest = _latest_of_each(chosen)
            through_service.append((episode, latest))
        for scored, when, mode, by in chosen:
            writer.add(rng, episode, scored, when, mode, by)
    with transaction.atomic():
        writer.write()
        record_event(
            actor=None,
            event_type="demo.imported",
            record_type="assessments.Administration",
            details={"synthetic_demo_import": len(writer.rows), "participants": len(episodes)},
        )
        recorded = _record_latest(context, through_service)
        _record_critical(context, critical)
    context.stdout(
        f"    {len(writer.rows) + recorded} administrations for {len(episodes)} participants, "
        f"the latest {recorded} of those in care through the service"
    )


def _record_latest(
    context: DemoContext, through_service: list[tuple[Mapping[str, Any], list[Chosen]]]
) -> int:
    """Each in-care participant's latest administrations, recorded as staff record them: by
    the primary clinician, through the service, each with its audit event and alerts."""
    users = {user.pk: user for user in context.staff.values()}
    people = Participant.objects.in_bulk(
        [episode["participant_id"] for episode, _ in through_service]
    )
    count = 0
    for episode, latest in through_service:
        for scored, when, mode, _ in latest:
            record_administration(
                people[episode["participant_id"]],
                code=scored.columns["instrument"],
                answers=scored.answers,
                mode=mode,
                by=users[episode["primary_clinician_id"]],
                completed_at=when,
            )
            count += 1
    return count


def _record_critical(
    context: DemoContext, critical: list[tuple[Mapping[str, Any], str, dict[str, int], int]]
) -> None:
    """Two critical answers today, recorded through the service so their alerts are real."""
    users = {user.pk: user for user in context.staff.values()}
    this_morning = timezone.now() - timedelta(hours=2)
    for episode, kind, answers, by in critical:
        record_administration(
            Participant.objects.get(pk=episode["participant_id"]),
            code="phq-9" if kind == "active" else "cssrs-screener",
            answers=answers,
            mode=Mode.STAFF_ENTERED,
            by=users[by],
            completed_at=this_morning,
        )
