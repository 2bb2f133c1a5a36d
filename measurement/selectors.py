"""Reads for the measures API and the trajectory page: series, baseline, latest and RCI."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from assessments import instruments
from assessments.models import Administration
from checkins.models import CheckIn
from measurement import reliable_change
from participants.models import Episode, Participant

INSTRUMENTS = ("phq-9", "gad-7", "pcl-5", "bam")
BAM_SUBSCALES = ("use", "risk", "protective")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    series: Sequence[tuple[datetime, float]]
    change: reliable_change.Change

    def to_dict(self) -> dict:
        c = self.change
        return {
            "instrument": self.key,
            "label": self.label,
            "series": [{"at": at, "value": value} for at, value in self.series],
            "baseline": c.baseline,
            "latest": c.latest,
            "sd": c.sd,
            "reliability": c.reliability,
            "rci": c.rci,
            "classification": c.classification,
            "clinically_significant": c.clinically_significant or None,
            "source": c.source or None,
            "note": c.note,
        }


def _sex(participant: Participant) -> str | None:
    sex = (participant.sex_at_birth or "").lower()
    return sex if sex in ("female", "male") else None


def measures_for(participant: Participant, *, episode: Episode | None = None) -> list[Measure]:
    """Every measured series of a participant (two queries), oldest point first; with an
    `episode`, only that stay's, so its baseline is its own intake and not an earlier stay's."""
    stay = {} if episode is None else {"episode": episode}
    return _measures(
        participant,
        _administrations(participant).filter(**stay),
        _checkins(participant).filter(**stay),
    )


@dataclass(frozen=True)
class Stay:
    """An earlier stay's measures, for the measures tab to show apart from the current one;
    `episode` None gathers what was recorded outside any stay."""

    episode: Episode | None
    measures: list[Measure]


def earlier_stays(participant: Participant, current: Episode) -> list[Stay]:
    """The measures of every stay but `current`, newest stay first, and of what was recorded
    outside a stay, last (three queries)."""
    administrations = list(_administrations(participant).exclude(episode=current))
    checkins = list(_checkins(participant).exclude(episode=current))
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
                participant,
                [r for r in administrations if r[-1] == (e.pk if e else None)],
                [r for r in checkins if r[-1] == (e.pk if e else None)],
            ),
        )
        for e in stays
    ]


def _administrations(participant: Participant):
    return (
        Administration.objects.current()
        .filter(participant=participant, instrument__in=INSTRUMENTS, complete=True)
        .order_by("completed_at", "pk")
        .values_list("instrument", "completed_at", "total", "subscales", "episode_id")
    )


def _checkins(participant: Participant):
    return (
        CheckIn.objects.current()
        .filter(participant=participant)
        .order_by("recorded_at")
        .values_list("recorded_at", "craving", "mood", "episode_id")
    )


def _measures(participant: Participant, rows: Iterable, checkins: Iterable) -> list[Measure]:
    totals: dict[str, list[tuple[datetime, float]]] = {code: [] for code in INSTRUMENTS}
    bam: dict[str, list[tuple[datetime, float]]] = {s: [] for s in BAM_SUBSCALES}
    for code, at, total, subscales, _episode in rows:
        if code == "bam":
            for name in BAM_SUBSCALES:
                if (subscales or {}).get(name) is not None:
                    bam[name].append((at, subscales[name]))
        elif total is not None:
            totals[code].append((at, total))
    sex = _sex(participant)
    measures = []
    for code in ("phq-9", "gad-7", "pcl-5"):
        series = totals[code]
        measures.append(
            Measure(
                code,
                instruments.get(code).short_name,
                series,
                reliable_change.change(code, [int(v) for _, v in series], sex=sex),
            )
        )
    for name in BAM_SUBSCALES:
        series = bam[name]
        measures.append(
            Measure(
                f"bam-{name}",
                f"BAM {name}",
                series,
                reliable_change.change("bam", [int(v) for _, v in series]),
            )
        )
    ratings_of = list(checkins)
    for key, label, ratings in (
        ("checkin-craving", "Craving", [(at, craving) for at, craving, _, _ in ratings_of]),
        ("checkin-mood", "Mood", [(at, mood) for at, _, mood, _ in ratings_of]),
    ):
        measures.append(
            Measure(
                key,
                f"{label} (check-in)",
                ratings,
                reliable_change.Change(
                    ratings[0][1] if ratings else None,
                    ratings[-1][1] if ratings else None,
                    None,
                    None,
                    None,
                    "not-computed",
                    "",
                    "",
                    "A single self-rated 0-10 item with no published SD or reliability.",
                ),
            )
        )
    return measures
