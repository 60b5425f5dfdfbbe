"""Spec values in words, for the site's pages and for `goalspec diff`."""

from __future__ import annotations

from typing import Any

from goalspec.targets import ParsedTarget


def describe_target(t: ParsedTarget, unit: str) -> str:
    u = f" {unit}" if unit and unit != "%" else (unit if unit == "%" else "")
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


_OPS = {
    "eq": "is", "ne": "is not", "in": "is one of", "not_in": "is none of", "gt": "is more than",
    "gte": "is at least", "lt": "is less than", "lte": "is at most", "contains": "contains",
    "before": "is before", "after": "is after",
}


def sentence(field: str, op: str, value: Any) -> str:
    """A criteria leaf in words: "seats is at least 250"."""
    if op == "exists":
        return f"{field} is filled in" if value is not False else f"{field} is empty"
    if isinstance(value, list):
        shown = ", ".join(str(v) for v in value[:-1]) + (f" or {value[-1]}" if len(value) > 1 else str(value[0]) if value else "")
    else:
        shown = str(value)
    return f"{field} {_OPS[op]} {shown}"
