"""Run a lead definition's criteria over lead records, and say why a record fails.

Criteria are data: a tree of ``all`` / ``any`` / ``not`` over leaves ``{field,
op, value}``. A definition is compiled once into small closures over a record's
column positions, so a million records cost a few closure calls each; nothing
from a spec is ever evaluated as code. The reason a record fails is worked out
only for the records that fail, by walking the same tree slowly.

Types follow the definition's value, never the record: a number compares as a
number (the record's ``"1,200"`` is 1200), a ``YYYY-MM-DD`` value and the
``before`` / ``after`` operators compare days (a CSV's ``2026-09-30`` and an SQL
timestamp both are days), ``true`` / ``false`` compare as booleans, and anything
else compares as text, case-sensitively unless the leaf or the definition sets
``case_sensitive: false``. A record whose field is missing or empty fails every
leaf on it except ``exists: false``.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Sequence

if TYPE_CHECKING:  # models checks leaf values with this module's problem(), so no runtime import back
    from goalspec.models import Criterion

Row = Sequence[Any]
Test = Callable[[Row], bool]

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MISSING = object()  # the record has no value for the field
_BAD = object()  # the record's value is not of the definition's type
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_COMPARE = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
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
    if isinstance(value, (date, datetime)) or (isinstance(value, str) and _DAY.match(value)):
        return "day"
    if op in ("gt", "gte", "lt", "lte") and isinstance(value, str) and _number(value) is not _BAD:
        return "number"
    return "text"


def problem(op: str, value: Any) -> str | None:
    """Why a leaf's value cannot work with its operator, or None (checked when specs are validated)."""
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

def _empty(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, (list, tuple)) and not raw


def _number(raw: Any) -> Any:
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
                return _BAD
    if kind is bool:
        return _BAD
    if isinstance(raw, (int, float, Decimal)):
        return float(raw)
    return _BAD


def _day(raw: Any) -> Any:
    if type(raw) is str:
        try:
            return date.fromisoformat(raw[:10])
        except ValueError:
            return _BAD
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    return _BAD


def _bool(raw: Any) -> Any:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else _BAD


def _text(fold: bool) -> Callable[[Any], Any]:
    if fold:
        return lambda raw: str(raw).casefold()
    return lambda raw: raw if type(raw) is str else str(raw)


def _converter(kind: str, fold: bool) -> Callable[[Any], Any]:
    return {"number": _number, "day": _day, "bool": _bool}.get(kind) or _text(fold)


def _typed(kind: str, fold: bool, value: Any) -> Any:
    """The definition's own value in its type (a spec value always converts)."""
    if isinstance(value, list):
        return [_typed(kind, fold, v) for v in value]
    return _converter(kind, fold)(value)


# -- compiling ---------------------------------------------------------------

@dataclass(frozen=True)
class _Leaf:
    field: str
    op: str
    value: Any
    kind: str
    fold: bool
    index: int | None  # the field's column, None when the records have no such column


def _leaf(node: Criterion, columns: dict[str, int], fold_default: bool) -> _Leaf:
    sensitive = node.case_sensitive if node.case_sensitive is not None else not fold_default
    kind = value_type(node.op, node.value)
    return _Leaf(node.field, node.op, node.value, kind, not sensitive and kind == "text", columns.get(node.field))


@dataclass(frozen=True)
class Compiled:
    """A criteria tree made ready for one record layout: ``test`` is the fast path;
    ``failed`` says in words why a record that fails the test fails it."""

    test: Test
    failed: Callable[[Row], str]

    def why(self, row: Row) -> str | None:
        """Why the record fails, or None when it meets the criteria."""
        return None if self.test(row) else self.failed(row)


def compile_criteria(node: Criterion, columns: dict[str, int], case_sensitive: bool = True) -> Compiled:
    """Compile a criteria tree for records laid out as rows, ``columns`` naming each position.

    For ``all``, the reason is the first criterion that fails; for ``any``, every
    alternative's reason; for ``not``, the criterion that held.
    """
    if node.all is not None or node.any is not None:
        children = [compile_criteria(n, columns, case_sensitive) for n in (node.all if node.all is not None else node.any)]
        tests = [c.test for c in children]
        if node.all is not None:
            def first_failure(row: Row) -> str:
                for child in children:
                    if not child.test(row):
                        return child.failed(row)
                return ""
            return Compiled(_every(tests), first_failure)

        def some(row: Row) -> bool:
            return any(t(row) for t in tests)

        def none_held(row: Row) -> str:
            return "none of: " + "; ".join(c.failed(row) for c in children)
        return Compiled(some, none_held)
    if node.not_ is not None:
        inner = compile_criteria(node.not_, columns, case_sensitive).test
        excluded = f"excluded: {describe(node.not_)}"
        return Compiled(lambda row: not inner(row), lambda row: excluded)
    leaf = _leaf(node, columns, not case_sensitive)
    return Compiled(_fast(leaf, _compile_leaf(leaf)), _failed_leaf(leaf))


def _every(tests: list[Test]) -> Test:
    # Spelled out for the usual short lists: a generator per record costs more than the tests.
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda row: a(row) and b(row)
    if len(tests) == 3:
        a, b, c = tests
        return lambda row: a(row) and b(row) and c(row)

    def every(row: Row) -> bool:
        for t in tests:
            if not t(row):
                return False
        return True
    return every


def _failed_leaf(leaf: _Leaf) -> Callable[[Row], str]:
    # A failing value gives the same reason every time: remember the last few thousand.
    cache: dict[str, str] = {}
    i = leaf.index

    def failed(row: Row) -> str:
        raw = row[i] if i is not None else None
        if type(raw) is not str:
            return _leaf_reason(leaf, row)
        text = cache.get(raw)
        if text is None:
            if len(cache) >= 4096:
                cache.clear()
            text = cache[raw] = _leaf_reason(leaf, row)
        return text
    return failed


def _fast(leaf: _Leaf, general: Test) -> Test:
    """The same test, quicker for the common case of text cells (CSV); anything else goes to ``general``."""
    i, op, kind = leaf.index, leaf.op, leaf.kind
    if i is None or op == "exists" or op == "contains" or leaf.fold:
        return general
    target = _typed(kind, False, leaf.value)
    if kind == "text" and op in ("eq", "ne") and isinstance(target, str) and target.strip():
        if op == "eq":
            return lambda row: row[i] == target if type(row[i]) is str else general(row)

        def differs(row: Row) -> bool:
            v = row[i]
            return (v != target and bool(v) and not v.isspace()) if type(v) is str else general(row)
        return differs
    if kind == "text" and op in ("in", "not_in") and all(isinstance(t, str) for t in target):
        choices, inside = frozenset(target), op == "in"

        def member(row: Row) -> bool:
            v = row[i]
            if type(v) is str and v and not v.isspace():
                return (v in choices) is inside
            return general(row)
        return member
    if kind == "number" and op in _COMPARE or kind == "number" and op == "eq":
        compare = _COMPARE.get(op, operator.eq)

        def number(row: Row) -> bool:
            v = row[i]
            if type(v) is str:
                try:
                    return compare(float(v), target)
                except ValueError:
                    pass
            return general(row)
        return number
    if kind == "day" and op in _COMPARE:
        compare, iso = _COMPARE[op], date.fromisoformat

        def day(row: Row) -> bool:
            v = row[i]
            if type(v) is str:
                try:
                    return compare(iso(v[:10]), target)
                except ValueError:
                    pass
            return general(row)
        return day
    return general


def _compile_leaf(leaf: _Leaf) -> Test:
    i, op = leaf.index, leaf.op
    if i is None:
        return (lambda row: True) if op == "exists" and leaf.value is False else (lambda row: False)
    if op == "exists":
        want = leaf.value is not False
        return lambda row: (not _empty(row[i])) is want
    convert = _converter(leaf.kind, leaf.fold)
    target = _typed(leaf.kind, leaf.fold, leaf.value)

    def value(row: Row) -> Any:
        raw = row[i]
        if _empty(raw):
            return _MISSING
        if isinstance(raw, (list, tuple)):
            items = [convert(r) for r in raw if not _empty(r)]
            return items if all(x is not _BAD for x in items) else _BAD
        return convert(raw)

    if op in _COMPARE:
        compare = _COMPARE[op]

        def ordered(row: Row) -> bool:
            v = value(row)
            return v is not _MISSING and v is not _BAD and not isinstance(v, list) and compare(v, target)
        return ordered
    if op in ("eq", "ne"):
        same = op == "eq"

        def equal(row: Row) -> bool:
            v = value(row)
            if v is _MISSING or v is _BAD:
                return False
            return (v == (target if not isinstance(v, list) else [target])) is same
        return equal
    if op in ("in", "not_in"):
        choices = set(target) if all(_hashable(t) for t in target) else target
        inside = op == "in"

        def member(row: Row) -> bool:
            v = value(row)
            if v is _MISSING or v is _BAD:
                return False
            hit = any(x in choices for x in v) if isinstance(v, list) else v in choices
            return hit is inside
        return member
    # contains: a substring of text, or an item of a list
    text_target = target if isinstance(target, str) else None

    def contains(row: Row) -> bool:
        v = value(row)
        if v is _MISSING or v is _BAD:
            return False
        if isinstance(v, list):
            return target in v
        return text_target is not None and isinstance(v, str) and text_target in v
    return contains


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


# -- why a record fails --------------------------------------------------------

def _leaf_reason(leaf: _Leaf, row: Row) -> str:
    f, op = leaf.field, leaf.op
    raw = row[leaf.index] if leaf.index is not None else None
    if op == "exists":
        return f"{f} is missing" if leaf.value is not False else f"{f} {_show(raw)} is filled in"
    if _empty(raw):
        return f"{f} is missing"
    convert = _converter(leaf.kind, leaf.fold)
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    if any(convert(r) is _BAD for r in items if not _empty(r)):
        word = {"number": "a number", "day": "a date (YYYY-MM-DD)", "bool": "true or false"}[leaf.kind]
        return f"{f} {_show(raw)} is not {word}"
    if isinstance(raw, (list, tuple)) and op in _COMPARE:
        return f"{f} {_show(raw)} is a list, not a single value"
    got, want = _show(raw), _show(leaf.value)
    return {
        "eq": f"{f} {got} is not {want}",
        "ne": f"{f} is {want}",
        "in": f"{f} {got} is not one of {want}",
        "not_in": f"{f} {got} is one of {want}",
        "gt": f"{f} {got} is not more than {want}",
        "gte": f"{f} {got} is below {want}",
        "lt": f"{f} {got} is not less than {want}",
        "lte": f"{f} {got} is above {want}",
        "before": f"{f} {got} is not before {want}",
        "after": f"{f} {got} is not after {want}",
        "contains": f"{f} {got} does not contain {want}",
    }[op]


def _show(value: Any, limit: int = 40) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v, limit) for v in value) if value else "(none)"
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
        shown = [_show(v) for v in value]
        words = ", ".join(shown[:-1]) + f" or {shown[-1]}" if len(shown) > 1 else (shown[0] if shown else "(nothing)")
    else:
        words = _show(value, limit=200)
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
