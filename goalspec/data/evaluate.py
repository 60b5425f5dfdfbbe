"""Run a lead definition's criteria over lead records, and say why a record fails.

A definition is compiled once into small closures over a record's column
positions, so a million records cost a few closure calls each; nothing from a
spec is ever evaluated as code. The reason a record fails is worked out only for
the records that fail, by walking the same tree slowly. The types and the words
are ``goalspec.spec.criteria``'s. A record whose field is missing or empty fails
every leaf on it except ``exists: false``.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Sequence

from goalspec.spec.criteria import (BAD, COMPARE, MISSING, converter, describe, is_empty, show, typed,
                                    value_type)
from goalspec.spec.models import Criterion

Row = Sequence[Any]
Test = Callable[[Row], bool]


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
    target = typed(kind, False, leaf.value)
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
    if kind == "number" and op in COMPARE or kind == "number" and op == "eq":
        compare = COMPARE.get(op, operator.eq)

        def number(row: Row) -> bool:
            v = row[i]
            if type(v) is str:
                try:
                    return compare(float(v), target)
                except ValueError:
                    pass
            return general(row)
        return number
    if kind == "day" and op in COMPARE:
        compare, iso = COMPARE[op], date.fromisoformat

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
        return lambda row: (not is_empty(row[i])) is want
    convert = converter(leaf.kind, leaf.fold)
    target = typed(leaf.kind, leaf.fold, leaf.value)

    def value(row: Row) -> Any:
        raw = row[i]
        if is_empty(raw):
            return MISSING
        if isinstance(raw, (list, tuple)):
            items = [convert(r) for r in raw if not is_empty(r)]
            return items if all(x is not BAD for x in items) else BAD
        return convert(raw)

    if op in COMPARE:
        compare = COMPARE[op]

        def ordered(row: Row) -> bool:
            v = value(row)
            return v is not MISSING and v is not BAD and not isinstance(v, list) and compare(v, target)
        return ordered
    if op in ("eq", "ne"):
        same = op == "eq"

        def equal(row: Row) -> bool:
            v = value(row)
            if v is MISSING or v is BAD:
                return False
            return (v == (target if not isinstance(v, list) else [target])) is same
        return equal
    if op in ("in", "not_in"):
        choices = set(target) if all(_hashable(t) for t in target) else target
        inside = op == "in"

        def member(row: Row) -> bool:
            v = value(row)
            if v is MISSING or v is BAD:
                return False
            hit = any(x in choices for x in v) if isinstance(v, list) else v in choices
            return hit is inside
        return member
    # contains: a substring of text, or an item of a list
    text_target = target if isinstance(target, str) else None

    def contains(row: Row) -> bool:
        v = value(row)
        if v is MISSING or v is BAD:
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
        return f"{f} is missing" if leaf.value is not False else f"{f} {show(raw)} is filled in"
    if is_empty(raw):
        return f"{f} is missing"
    convert = converter(leaf.kind, leaf.fold)
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    if any(convert(r) is BAD for r in items if not is_empty(r)):
        word = {"number": "a number", "day": "a date (YYYY-MM-DD)", "bool": "true or false"}[leaf.kind]
        return f"{f} {show(raw)} is not {word}"
    if isinstance(raw, (list, tuple)) and op in COMPARE:
        return f"{f} {show(raw)} is a list, not a single value"
    got, want = show(raw), show(leaf.value)
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
