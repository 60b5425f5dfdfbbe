"""Lead criteria as data: the type each leaf compares in, the values an operator
accepts, and the criteria in words.

Criteria are a tree of ``all`` / ``any`` / ``not`` over leaves ``{field, op,
value}``. Types follow the definition's value, never the record: a number
compares as a number (the record's ``"1,200"`` is 1200), a ``YYYY-MM-DD`` value
and the ``before`` / ``after`` operators compare days (a CSV's ``2026-09-30`` and
an SQL timestamp both are days), ``true`` / ``false`` compare as booleans, and
anything else compares as text, case-sensitively unless the leaf or the
definition sets ``case_sensitive: false``. The models check every leaf with
``problem()`` when specs are validated; running criteria over records is
``goalspec.data.evaluate``'s, which converts record values with the same
converters as here so that a spec and a record always agree on a type.
"""

from __future__ import annotations

import math
import operator
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Protocol



class Criterion(Protocol):
    """A node of a criteria tree as the models hold it (the models import this module, not the reverse)."""

    all: list[Criterion] | None
    any: list[Criterion] | None
    not_: Criterion | None
    field: str | None
    op: str | None
    value: Any

DAY_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MISSING = object()  # the record has no value for the field
BAD = object()  # the record's value is not of the definition's type
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
COMPARE = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
            "before": operator.lt, "after": operator.gt}


def value_type(op: str, value: Any) -> str:
    """The type a leaf compares in: number, day, bool, text, or list (its items' type)."""
    if op in ("in", "not_in"):
        kinds = {value_type("eq", v) for v in value} if isinstance(value, list) else {"text"}
        return kinds.pop() if len(kinds) == 1 else "text"
    if op == "exists":
        return "any"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (date, datetime)) or (isinstance(value, str) and DAY_TEXT.match(value)):
        return "day"
    if op in ("gt", "gte", "lt", "lte") and isinstance(value, str) and as_number(value) is not BAD:
        return "number"
    return "text"


def problem(op: str, value: Any) -> str | None:
    """Why a leaf's value cannot work with its operator, or None (checked when specs are validated)."""
    if any(isinstance(v, float) and not math.isfinite(v) for v in (value if isinstance(value, list) else [value])):
        return f"operator `{op}` needs finite values, not NaN or infinity"
    if op in ("in", "not_in") and not isinstance(value, list):
        return f"operator `{op}` needs a list value, e.g. `[EMEA, NA]`"
    if op in ("in", "not_in") and any(isinstance(v, (dict, list)) for v in value):
        return f"operator `{op}` needs a list of single values, not of lists or mappings"
    if op in ("before", "after") and value_type(op, value) != "day":
        return f"operator `{op}` needs a date value (YYYY-MM-DD)"
    if op in ("gt", "gte", "lt", "lte") and value_type(op, value) not in ("number", "day"):
        return f"operator `{op}` needs a number or a date (YYYY-MM-DD)"
    if op == "exists" and value is not None and not isinstance(value, bool):
        return "operator `exists` takes `true` or `false` (or no value)"
    if isinstance(value, (dict, list)) and op not in ("in", "not_in"):
        return f"operator `{op}` needs a single value, not a {'list' if isinstance(value, list) else 'mapping'}"
    return None


# -- turning a record's value into the definition's type ---------------------

def is_empty(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, (list, tuple)) and not raw


def as_number(raw: Any) -> Any:
    kind = type(raw)
    if kind is float or kind is int:
        return raw
    if kind is str:
        try:
            return float(raw)
        except ValueError:
            try:
                return float(raw.strip().replace(",", "").replace("_", ""))
            except ValueError:
                return BAD
    if kind is bool:
        return BAD
    if isinstance(raw, (int, float, Decimal)):
        return float(raw)
    return BAD


def as_day(raw: Any) -> Any:
    if type(raw) is str:
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            return BAD
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    return BAD


def as_bool(raw: Any) -> Any:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else BAD


def _text(fold: bool) -> Callable[[Any], Any]:
    if fold:
        return lambda raw: str(raw).casefold()
    return lambda raw: raw if type(raw) is str else str(raw)


def converter(kind: str, fold: bool) -> Callable[[Any], Any]:
    return {"number": as_number, "day": as_day, "bool": as_bool}.get(kind) or _text(fold)


def typed(kind: str, fold: bool, value: Any) -> Any:
    """The definition's own value in its type (a spec value always converts)."""
    if isinstance(value, list):
        return [typed(kind, fold, v) for v in value]
    return converter(kind, fold)(value)


def show(value: Any, limit: int = 40) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(show(v, limit) for v in value) if value else "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        value = value.isoformat(sep=" ")
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"



# -- the criteria as sentences ---------------------------------------------------

_VERBS = {
    "eq": "is", "ne": "is not", "in": "is one of", "not_in": "is none of", "gt": "is more than",
    "gte": "is at least", "lt": "is less than", "lte": "is at most", "contains": "contains",
    "before": "is before", "after": "is after",
}


def sentence(field: str, op: str, value: Any) -> str:
    """A criteria leaf in words: "seats is at least 250"."""
    if op == "exists":
        return f"{field} is filled in" if value is not False else f"{field} is empty"
    if isinstance(value, list):
        shown = [show(v) for v in value]
        words = ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else (shown[0] if shown else "(nothing)")
    else:
        words = show(value, limit=200)
    return f"{field} {_VERBS[op]} {words}"


def describe(node: Criterion) -> str:
    """A whole criteria tree as one line of words (for reasons; the site nests it)."""
    if node.all is not None:
        return "all of (" + "; ".join(describe(n) for n in node.all) + ")"
    if node.any is not None:
        return "any of (" + "; ".join(describe(n) for n in node.any) + ")"
    if node.not_ is not None:
        return f"not ({describe(node.not_)})"
    return sentence(node.field, node.op, node.value)


def leaves(node: Criterion, path: str = "criteria") -> list[tuple[str, Criterion]]:
    """Every leaf with its key path under the definition (``criteria/all/1``)."""
    if node.all is not None or node.any is not None:
        key = "all" if node.all is not None else "any"
        out = []
        for i, child in enumerate(node.all if node.all is not None else node.any):
            out += leaves(child, f"{path}/{key}/{i}")
        return out
    if node.not_ is not None:
        return leaves(node.not_, f"{path}/not")
    return [(path, node)]
