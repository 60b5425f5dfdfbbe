"""What a goal's target means, in numbers (used by GS103, GS201, GS205, GS206)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from goalspec.spec.models import Target

_CHANGE = re.compile(r"^\s*(?P<sign>[+\-−])?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<pct>%)?\s*$")


class TargetProblem(ValueError):
    """A target that is not a number; ``sub`` is the field at fault, under ``target``."""

    def __init__(self, sub: str, message: str, hint: str):
        super().__init__(message)
        self.sub, self.message, self.hint = sub, message, hint


@dataclass(frozen=True, slots=True)
class ParsedTarget:
    value: float | None = None       # absolute target
    change: float | None = None      # signed change, in percent when ``percent``
    percent: bool = False
    baseline: float | None = None    # a number given as the baseline
    baseline_period: str | None = None
    done: bool = False               # a milestone: a yes/no end state (`target: {done: true}`)

    @property
    def relative(self) -> bool:
        return self.change is not None

    @property
    def has_baseline(self) -> bool:
        return self.baseline is not None or self.baseline_period is not None

    def implied_value(self) -> float | None:
        """The absolute value the target asks for, where it can be known without data."""
        if self.done:
            return None
        if self.value is not None:
            return self.value
        if self.baseline is None or self.change is None:
            return None
        return self.baseline * (1 + self.change / 100) if self.percent else self.baseline + self.change


def is_number(value: object) -> bool:
    """A plain, finite number: YAML's `.nan` and `.inf`, and integers beyond a float's range, are not."""
    return finite(value) is not None


def finite(value: object) -> float | None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits
        return None
    return number if math.isfinite(number) else None


def shown(value: object, limit: int = 40) -> str:
    """A spec value as a message quotes it: never hundreds of digits."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


def parse_target(target: Target) -> ParsedTarget:
    if target.done is not None:
        if target.done is not True:
            raise TargetProblem("done", f"a milestone target is `done: true`, not `{shown(target.done)}`",
                                "write `target: {done: true}` for a goal whose result is a yes/no end state")
        if target.value is not None or target.change is not None or target.baseline is not None:
            raise TargetProblem("", "a milestone target (`done: true`) has no `value`, `change` or `baseline`",
                                "keep `done: true` for a yes/no end state, or a number for a measured one")
        return ParsedTarget(done=True)
    if target.value is not None and target.change is not None:
        raise TargetProblem("", "target has both `value` and `change`",
                            "keep one: `value` for an absolute target, `change` (with a baseline) for a relative one")
    if target.value is None and target.change is None:
        raise TargetProblem("", "target names no number",
                            'give `value: 1100`, or `change: "+10%"` with a `baseline`')
    baseline, period = _baseline(target.baseline)
    if target.value is not None:
        if not is_number(target.value):
            raise TargetProblem("value", f"target value `{shown(target.value)}` is not a finite number",
                                "write the target as a plain number in the KPI's unit, e.g. `value: 1100`")
        return ParsedTarget(value=float(target.value), baseline=baseline, baseline_period=period)
    change = target.change
    if is_number(change):
        return ParsedTarget(change=float(change), baseline=baseline, baseline_period=period)
    m = _CHANGE.match(str(change))
    if not m or not math.isfinite(float(m["num"])):
        raise TargetProblem("change", f"target change `{shown(change)}` is not a finite number",
                            'write the change as `"+10%"`, `"-5%"` or `"-150"`')
    amount = float(m["num"]) * (-1 if m["sign"] in ("-", "−") else 1)
    return ParsedTarget(change=amount, percent=bool(m["pct"]), baseline=baseline, baseline_period=period)


def _baseline(raw: object) -> tuple[float | None, str | None]:
    if raw is None:
        return None, None
    if is_number(raw):
        return float(raw), None
    if isinstance(raw, dict) and set(raw) == {"period"} and raw["period"] is not None:
        return None, str(raw["period"])
    raise TargetProblem("baseline", f"baseline `{shown(raw)}` is neither a finite number nor `{{period: ...}}`",
                        "write `baseline: 1000`, or `baseline: {period: 2026-Q2}` for the KPI's value over a period")
