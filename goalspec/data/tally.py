"""A database's summary rows, tallied into a ``Summary`` (no SQLAlchemy here).

``pushdown.Plan`` names the columns of its summary statement; ``Shape`` is those names as plain
data, so that a summary whose SQL text was kept from an earlier run (``sqlkeep``) is read by the
same code without building the statement again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable, Sequence

from goalspec.data.leads import LATE_SHOWN, Classifier, Summary
from goalspec.data.sources import parse_day

# A qualified record's follow-up outcome, as the summary statement gives it.
IN_TIME, WAITING, LATE, UNREADABLE, NONE = 1, 2, 3, 4, 0


@dataclass(frozen=True)
class Shape:
    """What the summary statement's columns are."""

    at: dict[str, int]  # each named column's position; the count is the last
    n_defs: int  # the first columns: 1 where a record meets each definition
    width: int  # the records' columns
    states: tuple[int, ...]  # the definitions with a follow-up agreement (column s<k>)
    track_filled: bool  # columns h<i>: whether a group holds a value in column i

    def plain(self) -> dict[str, Any]:
        return {"at": self.at, "n_defs": self.n_defs, "width": self.width, "states": list(self.states),
                "track_filled": self.track_filled}

    @classmethod
    def from_plain(cls, d: Any) -> Shape | None:
        """The shape ``plain`` wrote, or None when ``d`` is not one whole and consistent: every
        column ``tally`` reads named, the positions 0 to n - 1, the count last."""
        if not isinstance(d, dict):
            return None
        at, n_defs, width, states = d.get("at"), d.get("n_defs"), d.get("width"), d.get("states")
        if not (isinstance(at, dict) and all(type(k) is str and type(v) is int for k, v in at.items())
                and type(n_defs) is int and type(width) is int and isinstance(states, list)
                and all(type(k) is int for k in states) and type(d.get("track_filled")) is bool):
            return None
        needed = [f"f{k}" for k in range(n_defs)] + [f"s{k}" for k in states] + ["n"]
        if d["track_filled"]:
            needed += [f"h{i}" for i in range(width)]
        if not (sorted(at.values()) == list(range(len(at))) and at.get("n") == len(at) - 1
                and all(name in at for name in needed) and all(at[f"f{k}"] == k for k in range(n_defs))):
            return None
        return cls(dict(at), n_defs, width, tuple(states), d["track_filled"])


def tally(classifier: Classifier, shape: Shape, rows: Iterable[Sequence[Any]],
          unsure_rows: Callable[[], Iterable[Sequence[Any]]], engine: str,
          late_rows: Callable[[int, int], Iterable[Sequence[Any]]]) -> Summary:
    """The summary from the statement's groups; ``unsure_rows`` is asked for only when SQL left
    records to Python (a second pass, streamed: a file of odd values may hold many);
    ``late_rows(k, n)``, the first ``n`` late leads of agreement ``k`` (number and id), only for
    an agreement whose groups counted late leads, and only as many as the summary names."""
    at, n_defs, width, track_filled = shape.at, shape.n_defs, shape.width, shape.track_filled
    fetched = 0
    combos: dict[tuple[bool, ...], int] = {}
    daily: dict[tuple[tuple[bool, ...], date], int] = {}
    follow: dict[int, list] = {k: [0, 0, 0, [], 0, 0] for k in shape.states}
    undated = unsure = 0
    keys: dict[Any, date] = {}
    filled = [False] * width
    state_at = [(k, at[f"s{k}"]) for k in shape.states]
    has_day, u = "day" in at, at.get("u")
    for row in rows:
        fetched += 1
        if track_filled:
            for i in range(width):
                filled[i] = filled[i] or bool(row[at[f"h{i}"]])
        n = row[-1]
        if u is not None and row[u]:
            unsure += n  # Python evaluates these below
            continue
        flags = tuple(bool(v) for v in row[:n_defs])
        combos[flags] = combos.get(flags, 0) + n
        if has_day:
            key = row[at["day"]]
            if key is None:
                undated += n
            else:
                if key not in keys:
                    keys[key] = parse_day(key)  # ValueError: the Python pass names the row
                daily[flags, keys[key]] = daily.get((flags, keys[key]), 0) + n
        for k, i in state_at:
            state, counts = row[i], follow[k]
            if state in (IN_TIME, WAITING, LATE):
                counts[0] += n
            if state in (IN_TIME, WAITING):
                counts[state] += n
            elif state == LATE:
                counts[5] += n
            elif state == UNREADABLE:
                counts[4] += n
    for k, counts in follow.items():
        if counts[5]:
            for number, ident in late_rows(k, min(counts[5], LATE_SHOWN)):
                fetched += 1
                counts[3].append((number, "" if ident is None else str(ident)))
    classifier.absorb(combos, daily, undated, {k: tuple(v) for k, v in follow.items()},
                      {c for c, hit in zip(classifier.records.columns, filled) if hit})
    if unsure:
        for row in unsure_rows():
            fetched += 1
            classifier.add(row[0], row[1:1 + width])
    summary = classifier.summary()
    return dataclasses.replace(summary, engine=engine, fetched=fetched)
