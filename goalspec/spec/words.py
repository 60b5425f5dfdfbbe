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


def number(value: float, sign: bool = False) -> str:
    """A number as a reader writes it: thousands separated, no trailing zeros."""
    text = f"{value:+,.10g}" if sign else f"{value:,.10g}"
    return text
