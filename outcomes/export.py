"""The board as CSV: one row per figure, a hidden figure left empty and named as hidden."""

import csv
import io

from outcomes.care_figures import EFFECT_SIZE_NOTE, RELIABLE_CHANGE_NOTE
from outcomes.selectors import Board

HIDDEN = "hidden (fewer than 11 people)"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def board_csv(board: Board) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "group", "value", "note"])
    for key, value in board.filters.described().items():
        writer.writerow(["filter", key, value, ""])
    completion = board.completion
    tables = [("all", [completion.total]), ("month", completion.months)]
    tables.append((completion.breakdown, completion.groups))
    for kind, rows in tables:
        for row in rows:
            for name, value in (
                ("left_care", row.left_care),
                ("completed", row.completed),
                ("not_completed", row.not_completed),
                ("completion_rate", row.rate),
            ):
                writer.writerow(
                    [f"{name} by {kind}", row.label, _cell(value), HIDDEN if value is None else ""]
                )
    retention = board.retention
    writer.writerow(["retention people", "all", retention.people if retention.shown else "", ""])
    writer.writerow(
        [
            "retention median days",
            "all",
            _cell(retention.median_days),
            "" if retention.shown else HIDDEN,
        ]
    )
    for day in sorted(retention.at_days) or [30, 60, 90, 180]:
        value = retention.at_days.get(day)
        writer.writerow(
            [
                f"still in care at day {day}",
                "all",
                _cell(value),
                "" if value is not None else HIDDEN,
            ]
        )
    dose = board.dose
    writer.writerow(["participant-weeks", "all", _cell(dose.weeks), "" if dose.shown else HIDDEN])
    writer.writerow(
        [
            "share of participant-weeks under the minimum",
            "all",
            _cell(dose.share_under),
            "" if dose.shown else HIDDEN,
        ]
    )
    waiting = board.waiting
    for name, value in (
        ("median", waiting.median_days),
        ("75th percentile", waiting.p75_days),
        ("90th percentile", waiting.p90_days),
    ):
        writer.writerow(
            [
                f"days from referral to admission, {name}",
                "all",
                _cell(value),
                "" if waiting.shown else HIDDEN,
            ]
        )
    for alert in board.alerts:
        writer.writerow(
            ["alerts raised", alert.label, _cell(alert.raised), "" if alert.shown else HIDDEN]
        )
        for hours in sorted(alert.within) or []:
            writer.writerow(
                [
                    f"alerts acknowledged within {hours} h",
                    alert.label,
                    _cell(alert.within[hours]),
                    "",
                ]
            )
    _after_care(writer, board)
    return out.getvalue()


def _row(writer, figure: str, group: str, value) -> None:
    writer.writerow([figure, group, _cell(value), HIDDEN if value is None else ""])


def _after_care(writer, board: Board) -> None:
    """Follow-up reach, abstinence, measures and notes signed on time."""
    for stage in board.stages:
        group = f"day {stage.day}"
        _row(writer, "follow-ups due", group, stage.due)
        _row(writer, "follow-ups reached", group, stage.reached)
        _row(writer, "follow-up reach rate", group, stage.reach_rate)
    for point in [board.abstinence, *[s.abstinence for s in board.stages]]:
        for name, value in (
            ("people", point.people),
            ("self-reported", point.reported),
            ("abstinent by self-report", point.self_abstinent),
            ("share abstinent by self-report", point.self_rate),
            ("screened", point.screened),
            ("abstinent, screen-verified", point.screen_abstinent),
            ("share abstinent, screen-verified", point.screen_rate),
        ):
            _row(writer, f"abstinence: {name}", point.label, value)
    for m in board.measures:
        for name, value in (
            ("people with baseline and later score", m.people),
            ("reliable change computed", m.computed),
            ("reliably improved", m.improved),
            ("share reliably improved", m.improved_rate),
            ("recovered", m.recovered),
            ("share recovered", m.recovered_rate),
            ("mean change", m.mean_change),
            ("SD of change", m.sd_change),
        ):
            _row(writer, f"measures: {name}", m.label, value)
    writer.writerow(["measures: reliable change rule", "all", "", RELIABLE_CHANGE_NOTE])
    writer.writerow(["measures: effect size", "all", "", EFFECT_SIZE_NOTE])
    notes = board.notes
    for name, value in (
        ("due", notes.due),
        ("signed on time", notes.on_time),
        ("signed late", notes.late),
        ("not signed", notes.unsigned),
        ("share signed on time", notes.on_time_rate),
    ):
        _row(writer, f"progress notes {name}", "all", value)
