"""Reads for the measures API and the trajectory page: series, baseline, latest and the
reliable change between them; and the participant's last questionnaire reminder."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.db.models import QuerySet

from assessments import instruments
from assessments.models import Administration
from assessments.selectors import band_label
from checkins.models import CheckIn
from measurement import reliable_change
from measurement.models import ReminderSent
from participants.models import Episode, Participant

INSTRUMENTS = ("phq-9", "gad-7", "pcl-5", "bam")
BAM_SUBSCALES = ("use", "risk", "protective")


@dataclass(frozen=True)
class Measure:
    """A measured series; `stays` names the stay (episode public id, None outside a stay) of
    each point of `series`, in its order, so a reader of every stay's scores can tell them apart."""

    key: str
    label: str
    series: Sequence[tuple[datetime, float]]
    change: reliable_change.Change
    stays: Sequence[UUID | None]
    band: str = ""  # the latest score's band in the instrument's words, where it has bands

    def to_dict(self) -> dict:
        c = self.change
        return {
            "instrument": self.key,
            "label": self.label,
            "series": [
                {"at": at, "value": value, "episode": stay}
                for (at, value), stay in zip(self.series, self.stays, strict=True)
            ],
            "baseline": c.baseline,
            "latest": c.latest,
            "change": c.points,
            "reliable_change_points": c.threshold,
            "rule": c.rule or None,
            "classification": c.classification,
            "clinically_significant": c.clinically_significant or None,
            "source": c.source or None,
            "note": c.note,
        }


def measures_for(participant: Participant, *, episode: Episode | None = None) -> list[Measure]:
    """Every measured series of a participant (two queries), oldest point first; with an
    `episode`, only that stay's, so its baseline is its own intake and not an earlier stay's."""
    stay = {} if episode is None else {"episode": episode}
    return _measures(
        _administrations(participant=participant).filter(**stay),
        _checkins(participant=participant).filter(**stay),
    )


def measures_of_stays(episodes: QuerySet[Episode]) -> list[tuple[Episode, list[Measure]]]:
    """`measures_for(episode.participant, episode=episode)` of each episode, in three queries
    however many there are: the daily not-on-track review reads every stay in care."""
    stays = list(episodes)
    which = {"episode__in": episodes.values("pk")}
    administrations: dict[tuple[int, int], list] = defaultdict(list)
    for participant_id, *row in _administrations(**which).values_list(
        "participant_id", *_ADMINISTRATION_COLUMNS
    ):
        administrations[participant_id, row[-1]].append(row)
    checkins: dict[tuple[int, int], list] = defaultdict(list)
    for participant_id, *row in _checkins(**which).values_list("participant_id", *_CHECKIN_COLUMNS):
        checkins[participant_id, row[-1]].append(row)
    return [
        (
            e,
            _measures(
                administrations.get((e.participant_id, e.pk), []),
                checkins.get((e.participant_id, e.pk), []),
            ),
        )
        for e in stays
    ]


@dataclass(frozen=True)
class Stay:
    """An earlier stay's measures, for the measures tab to show apart from the current one;
    `episode` None gathers what was recorded outside any stay."""

    episode: Episode | None
    measures: list[Measure]


# A reminder's channels as the Measures tab names them.
CHANNEL_NAMES = {"email": "e-mail", "sms": "text message"}


@dataclass(frozen=True)
class LastReminder:
    """The day of a participant's latest questionnaire reminder, and the channels that
    delivered and refused its last attempt: a refused text beside a delivered e-mail still
    reminded them, a reminder refused by every channel did not."""

    day: date
    delivered: list[str]
    refused: list[str]


def last_reminder(participant: Participant) -> LastReminder | None:
    """The participant's latest questionnaire reminder (one query), None before the first."""
    row = (
        ReminderSent.objects.filter(participant=participant)
        .order_by("-sent_on", "-pk")
        .values_list("sent_on", "channel", "refused")
        .first()
    )
    if row is None:
        return None
    day, channels, refused = row
    refused_by = set(refused.split("+")) - {""}
    return LastReminder(
        day,
        [CHANNEL_NAMES[c] for c in channels.split("+") if c and c not in refused_by],
        [CHANNEL_NAMES[c] for c in channels.split("+") if c in refused_by],
    )


def earlier_stays(participant: Participant, current: Episode) -> list[Stay]:
    """The measures of every stay but `current`, newest stay first, and of what was recorded
    outside a stay, last (three queries)."""
    administrations = list(_administrations(participant=participant).exclude(episode=current))
    checkins = list(_checkins(participant=participant).exclude(episode=current))
    measured = {row[-1] for row in administrations} | {row[-1] for row in checkins}
    episodes = sorted(
        Episode.objects.filter(pk__in=measured - {None}).select_related("program"),
        key=lambda e: (e.referred_on, e.pk),
        reverse=True,
    )
    stays = [*episodes, None] if None in measured else episodes
    return [
        Stay(
            e,
            _measures(
                [r for r in administrations if r[-1] == (e.pk if e else None)],
                [r for r in checkins if r[-1] == (e.pk if e else None)],
            ),
        )
        for e in stays
    ]


_ADMINISTRATION_COLUMNS = (
    "instrument",
    "completed_at",
    "total",
    "subscales",
    "band",
    "episode__public_id",
    "episode_id",
)
_CHECKIN_COLUMNS = ("recorded_at", "craving", "mood", "episode__public_id", "episode_id")


def _administrations(**which: object):
    return (
        Administration.objects.current()
        .filter(instrument__in=INSTRUMENTS, complete=True, **which)
        .order_by("completed_at", "pk")
        .values_list(*_ADMINISTRATION_COLUMNS)
    )


def _checkins(**which: object):
    return (
        CheckIn.objects.current()
        .filter(**which)
        .order_by("recorded_at")
        .values_list(*_CHECKIN_COLUMNS)
    )


Point = tuple[datetime, float, UUID | None]  # when, the score, the stay it belongs to


def _measures(rows: Iterable, checkins: Iterable) -> list[Measure]:
    totals: dict[str, list[Point]] = {code: [] for code in INSTRUMENTS}
    bam: dict[str, list[Point]] = {s: [] for s in BAM_SUBSCALES}
    bands: dict[str, str] = {}
    for code, at, total, subscales, band, stay, _episode in rows:
        if code == "bam":
            for name in BAM_SUBSCALES:
                if (subscales or {}).get(name) is not None:
                    bam[name].append((at, subscales[name], stay))
        elif total is not None:
            totals[code].append((at, total, stay))
            bands[code] = band
    measures = []
    for code in ("phq-9", "gad-7", "pcl-5"):
        points = totals[code]
        instrument = instruments.get(code)
        measures.append(
            _measure(
                code,
                instrument.short_name,
                points,
                reliable_change.change(code, [int(v) for _, v, _ in points]),
                band_label(instrument, bands.get(code, "")),
            )
        )
    for name in BAM_SUBSCALES:
        points = bam[name]
        measures.append(
            _measure(
                f"bam-{name}",
                f"BAM {name}",
                points,
                reliable_change.change("bam", [int(v) for _, v, _ in points]),
            )
        )
    ratings_of = list(checkins)
    for key, label, ratings in (
        ("checkin-craving", "Craving", [(at, c, stay) for at, c, _, stay, _ in ratings_of]),
        ("checkin-mood", "Mood", [(at, mood, stay) for at, _, mood, stay, _ in ratings_of]),
    ):
        measures.append(
            _measure(
                key,
                f"{label} (check-in)",
                ratings,
                reliable_change.not_computed(
                    [value for _, value, _ in ratings],
                    "A single self-rated 0-10 item; the clinical reference gives no "
                    "reliable-change rule for it.",
                ),
            )
        )
    return measures


def _measure(
    key: str, label: str, points: list[Point], change: reliable_change.Change, band: str = ""
) -> Measure:
    return Measure(
        key, label, [(at, v) for at, v, _ in points], change, [s for _, _, s in points], band
    )
