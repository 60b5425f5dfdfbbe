"""Spec values in words, for the site's pages and for `goalspec diff` (criteria leaves: criteria.sentence)."""

from __future__ import annotations

from goalspec.spec.targets import ParsedTarget


def describe_target(t: ParsedTarget, unit: str) -> str:
    u = f" {unit}" if unit and unit != "%" else (unit if unit == "%" else "")
    if t.done:
        return "done"
    if t.value is not None:
        return f"{number(t.value)}{u}"
    change = f"{t.change:+g}%" if t.percent else f"{number(t.change, sign=True)}{u}"
    if t.baseline is not None:
        return f"{change} from {number(t.baseline)}{u}"
    if t.baseline_period is not None:
        return f"{change} over {t.baseline_period}"
    return change


def figure(value: float, places: int) -> str:
    """A measured figure as reports show it: whole from 100 up and when whole, else with ``places``
    decimals (the KPI's own precision), so a forecast of calls is a number of calls."""
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.{places}f}"


def number(value: float, sign: bool = False) -> str:
    """A number as a reader writes it: thousands separated, no trailing zeros."""
    text = f"{value:+,.10g}" if sign else f"{value:,.10g}"
    return text
