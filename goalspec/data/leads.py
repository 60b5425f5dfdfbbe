"""Lead records run through the lead definitions.

One pass over the records evaluates every definition on each record and tallies
what the KPIs, the site and ``leads classify`` need: counts per definition and
stage, the conversion between stages, the records each definition qualifies per
day (a ``leads`` KPI's values), the follow-up agreement (leads handed over and
not followed up in time), and which columns hold any value at all. Records are
streamed, so a million of them are never all in memory.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from goalspec.data.evaluate import Compiled, compile_criteria
from goalspec.spec.models import LeadDefinition, LeadRecordsCsv, LeadRecordsSql
from goalspec.data.sources import (QUERY_TIMEOUT, SourceProblem, inside_tree, is_remote, open_text, parse_day,
                                   run_query)
from goalspec.spec.secrets import redact

# Funnel order of the stages docs/format.md names; other words follow, in the order met.
STAGES = ("MQL", "SAL", "SQL", "opportunity")
_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400}
LATE_SHOWN = 50  # late leads a summary names per follow-up agreement (the first, in record order)


@dataclass(frozen=True)
class Records:
    """Lead records as rows aligned with ``columns``; ``rows`` is read lazily, once."""

    name: str
    columns: tuple[str, ...]
    rows: Iterable[Sequence[Any]]  # a short row is padded, an empty one skipped, when classified
    first_row: int = 1  # the number reports give the first record (a CSV's header is row 1)
    close: Callable[[], None] | None = None


# The longest cell Python's csv module reads (its default is 128 KiB); DuckDB is held to a line of
# this length (engines.csv_relation), so that both refuse what one refuses.
FIELD_LIMIT = 16 * 2 ** 20


def read_csv(path: Path, name: str | None = None, problem_field: str = "path") -> Records:
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    fh = open_text(path, name or str(path), problem_field)  # a regular file only: a FIFO would hang the read
    try:
        header = next(csv.reader(fh), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        fh.close()
        raise SourceProblem(f"CSV file `{name or path}` cannot be read: {exc}", problem_field) from None
    if header is None:
        fh.close()
        raise SourceProblem(f"CSV file `{name or path}` is empty: it needs a header row", problem_field)
    columns = tuple(h.strip() for h in header)

    # The rows go straight from csv.reader to the classifier: a generator in between
    # would cost a quarter of the time it takes to classify a record.
    return Records(name or str(path), columns, csv.reader(fh), first_row=2, close=fh.close)


def read_sql(root: Path, url: str, query: str, name: str | None = None, *, timeout: float = QUERY_TIMEOUT,
             confined: bool = False) -> Records:
    """Records from one read-only query. ``name`` is what reports call the source (the URL as
    written, before ``${VAR}`` is filled), shown with its password hidden. SQLite files are read
    relative to ``root``, and only inside it when ``confined`` (a spec's source; `leads classify`
    reads any file its user names)."""
    columns, rows = run_query(root, url, query, timeout, confined=confined)
    return Records(redact(name or url), tuple(columns), rows)


def source_name(data: LeadRecordsCsv | LeadRecordsSql) -> str:
    """What reports call a lead-record source: its path, or its URL with the password hidden."""
    return data.path if data.type == "csv" else redact(data.url)


def read_source(root: Path, data: LeadRecordsCsv | LeadRecordsSql) -> Records:
    """A KPI's lead records; a problem names the field under ``source/data`` at fault."""
    try:
        if data.type == "csv":
            return read_csv(inside_tree(root, data.path, "path"), data.path)
        return read_sql(root, data.url, data.query, name=data.url, timeout=data.timeout, confined=True)
    except SourceProblem as problem:
        raise SourceProblem(str(problem), "source/data/" + problem.field.rpartition("/")[2], problem.hint) from None


def wanted(data: LeadRecordsCsv | LeadRecordsSql, remote: bool) -> bool:
    return data.type == "csv" or remote or not is_remote(data.url)


def duration(text: str) -> timedelta:
    """`2d`, `48h`, `1.5w` as a time span (the model has checked the shape)."""
    text = text.strip()
    return timedelta(seconds=float(text[:-1]) * _UNITS[text[-1]])


def moment(raw: Any) -> datetime | None:
    """A hand-over or follow-up time; a day alone is its midnight; aware times become UTC."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, date):
        value = datetime.combine(raw, time())
    else:
        text = str(raw).strip()
        if not text:
            return None
        value = datetime.fromisoformat(text)  # ValueError: the caller counts it as unreadable
    if not value.tzinfo:
        return value
    try:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:  # before year 1 or after 9999 in UTC (0001-01-01T00:00:00+01:00)
        raise ValueError(f"`{raw}` is no time in UTC") from None


def stage_order(definitions: Sequence[tuple[str, LeadDefinition]]) -> list[str]:
    seen = []
    for _, d in definitions:
        if d.stage not in seen:
            seen.append(d.stage)
    known = [s for s in STAGES if s in seen]
    return known + [s for s in seen if s not in STAGES]


@dataclass(frozen=True)
class Conversion:
    source: str
    target: str
    reached: int  # records at both stages
    of: int  # records at the earlier stage

    @property
    def rate(self) -> float | None:
        return self.reached / self.of if self.of else None


@dataclass(frozen=True)
class FollowUp:
    """How a definition's follow-up agreement was kept: `late` are the records' ids."""

    definition: str
    team: str
    within: str
    handed_over: int
    in_time: int
    waiting: int  # handed over, not followed up yet, still inside the agreed time
    late: tuple[str, ...]  # the first LATE_SHOWN late leads' ids, in record order
    unreadable: int = 0  # a hand-over or follow-up time that is not a date-time
    late_count: int = 0  # every late lead


@dataclass(frozen=True)
class Summary:
    source: str
    records: int
    definitions: tuple[str, ...]
    counts: dict[str, int]
    stages: tuple[tuple[str, int], ...]
    conversions: tuple[Conversion, ...]
    follow_ups: tuple[FollowUp, ...]
    filled: frozenset[str]  # columns with a value on at least one record
    columns: tuple[str, ...] = ()
    daily: dict[str, dict[date, int]] = field(default_factory=dict)  # every dated day, 0 when none qualified
    undated: int = 0  # records with no date
    engine: str = "Python"  # what evaluated the criteria: Python, or the database that counted (DuckDB, …)
    note: str | None = None  # why a source that could run in its database was evaluated in Python
    fetched: int | None = None  # rows that left the database, when it counted


class Classifier:
    """Evaluates definitions over one record layout and tallies the summary as it goes."""

    def __init__(self, definitions: Sequence[tuple[str, LeadDefinition]], records: Records, *,
                 id_column: str | None = None, date_column: str | None = None,
                 handed_over_column: str = "handed_over_at", followed_up_column: str = "first_follow_up_at",
                 as_of: datetime | None = None, track_filled: bool = False):
        self.records = records
        self.definitions = list(definitions)
        columns = {c: i for i, c in reversed(list(enumerate(records.columns)))}
        self.columns = columns
        self.compiled: list[Compiled] = [compile_criteria(d.criteria, columns, d.case_sensitive)
                                         for _, d in self.definitions]
        if id_column is not None and id_column not in columns:
            raise SourceProblem(f"the records have no column `{id_column}`", "id_column")
        if date_column is not None and date_column not in columns:
            raise SourceProblem(f"the records have no column `{date_column}`", "date_column")
        self._id = columns.get(id_column) if id_column else (0 if records.columns else None)
        self._date = columns.get(date_column) if date_column else None
        self.order = stage_order(self.definitions)
        self._stage_of = [self.order.index(d.stage) for _, d in self.definitions]
        self._handed = columns.get(handed_over_column)
        self.handed_over_column = handed_over_column
        # A definition agrees a follow-up time but the records cannot show whether it was kept.
        self.handed_over_missing = self._handed is None and any(
            d.handed_to and d.follow_up_within for _, d in self.definitions)
        self._followed = columns.get(followed_up_column)
        self.as_of = as_of or datetime.now()
        self._agreements = [(k, duration(d.follow_up_within)) for k, (_, d) in enumerate(self.definitions)
                            if d.handed_to and d.follow_up_within and self._handed is not None]
        tests = [c.test for c in self.compiled]
        if len(tests) == 1:
            (only,) = tests
            self._flags = lambda row: (only(row),)
        elif len(tests) == 2:
            first, second = tests
            self._flags = lambda row: (first(row), second(row))
        else:
            self._flags = lambda row: tuple([t(row) for t in tests])
        # Records are tallied by which definitions they meet: every count, stage and
        # conversion follows from these few combinations at the end.
        self._combos: dict[tuple[bool, ...], int] = {}
        self._per_record = bool(self._agreements)
        self._daily: list[Counter] = [Counter() for _ in self.definitions]
        # Every day some record is dated: a day with records and none qualified counts 0,
        # so a KPI's data is as fresh as its newest record, qualified or not.
        self._days: set[date] = set()
        # per agreement: handed over, in time, waiting, (number, id) of the first late ones, unreadable, late
        self._follow = {k: [0, 0, 0, [], 0, 0] for k, _ in self._agreements}
        # Which columns hold any value (GS409 asks); `leads classify` has no use for it.
        self._unfilled = set(range(len(records.columns))) if track_filled else set()
        self.track_filled = track_filled
        self.undated = 0
        self.number = 0  # the record being tallied, so late records merge in order from several passes

        self.meets = self._meets()

    def _meets(self) -> Callable[[Sequence[Any]], tuple[bool, ...]]:
        """Evaluate and tally one record; the flags are in definition order.

        A closure over locals: it runs once per record, and attribute lookups add up.
        """
        flags_of, combos, tally, per_record = self._flags, self._combos, self._tally, self._per_record
        dated = self._date is not None

        def meets(row: Sequence[Any]) -> tuple[bool, ...]:
            flags = flags_of(row)
            if self._unfilled:
                self._unfilled = {i for i in self._unfilled if row[i] is None or row[i] == ""}
            combos[flags] = combos.get(flags, 0) + 1
            if dated or (per_record and True in flags):
                tally(flags, row)
            return flags
        return meets

    def _record(self, flags: tuple[bool, ...], row: Sequence[Any]) -> None:
        """What ``meets`` tallies, for flags found elsewhere."""
        if self._unfilled:
            self._unfilled = {i for i in self._unfilled if row[i] is None or row[i] == ""}
        self._combos[flags] = self._combos.get(flags, 0) + 1
        if self._date is not None or (self._per_record and True in flags):
            self._tally(flags, row)

    def _tally(self, flags: tuple[bool, ...], row: Sequence[Any]) -> None:
        if self._date is not None:
            raw = row[self._date]
            if raw is None or raw == "":
                self.undated += 1
            else:
                day = parse_day(raw)  # ValueError: the caller names the row
                self._days.add(day)
                for k, hit in enumerate(flags):
                    if hit:
                        self._daily[k][day] += 1
        for k, within in self._agreements:
            if flags[k]:
                self._follow_up(k, within, row)

    def _follow_up(self, k: int, within: timedelta, row: Sequence[Any]) -> None:
        tally = self._follow[k]
        try:
            handed = moment(row[self._handed])
            followed = moment(row[self._followed]) if self._followed is not None else None
        except ValueError:
            tally[4] += 1
            return
        if handed is None:
            return
        tally[0] += 1
        if followed is not None and followed - handed <= within:
            tally[1] += 1
        elif followed is None and self.as_of - handed <= within:
            tally[2] += 1
        else:
            tally[5] += 1
            late = tally[3]
            late.append((self.number, self.record_id(row)))
            if len(late) >= 4 * LATE_SHOWN:  # only the first are named: memory stays flat
                late.sort()
                del late[LATE_SHOWN:]

    def record_id(self, row: Sequence[Any]) -> str:
        return "" if self._id is None or row[self._id] is None else str(row[self._id])

    def verdicts(self) -> Iterator[tuple[int, Sequence[Any], tuple[bool, ...]]]:
        """Every record as (row number, row, flags), in order, tallied on the way.

        Plain tuples, not objects: at a million records the wrapper would cost
        more than the evaluation. ``compiled[k].failed(row)`` says why a record fails definition k.
        """
        meets, records = self.meets, self.records
        width = len(records.columns)
        try:
            for number, row in enumerate(records.rows, start=records.first_row):
                if len(row) != width:
                    if not row:
                        continue  # a blank line in a CSV file
                    row = (list(row) + [""] * width)[:width]
                self.number = number
                try:
                    flags = meets(row)
                except ValueError as exc:
                    raise SourceProblem(f"row {number}: {exc}", "date_column") from None
                yield number, row, flags
        except (UnicodeDecodeError, csv.Error) as exc:
            raise SourceProblem(f"`{records.name}` cannot be read: {exc}", "path") from None
        finally:
            if records.close is not None:
                records.close()

    def run(self) -> Summary:
        """Tally every record without keeping reasons (KPIs and the site need only the counts)."""
        for _ in self.verdicts():
            pass
        return self.summary()

    def add(self, number: int, row: Sequence[Any], flags: tuple[bool, ...] | None = None) -> tuple[bool, ...]:
        """Tally one record another pass read (its number orders late follow-ups); ``flags``
        when the database has already evaluated it."""
        self.number = number
        row = row if len(row) == len(self.records.columns) else (list(row) + [""] * len(self.records.columns))[
            :len(self.records.columns)]
        if flags is None:
            return self.meets(row)
        self._record(flags, row)
        return flags

    def absorb(self, combos: dict[tuple[bool, ...], int], daily: dict[tuple[tuple[bool, ...], date], int],
               undated: int, follow: dict[int, tuple[int, int, int, list[tuple[int, str]], int, int]],
               filled: set[str]) -> None:
        """Add what the database counted (GROUP BY) to the tally kept here."""
        for flags, n in combos.items():
            self._combos[flags] = self._combos.get(flags, 0) + n
        for (flags, day), n in daily.items():
            self._days.add(day)
            for k, hit in enumerate(flags):
                if hit:
                    self._daily[k][day] += n
        self.undated += undated
        for k, (handed, in_time, waiting, late, unreadable, late_count) in follow.items():
            tally = self._follow[k]
            tally[0] += handed
            tally[1] += in_time
            tally[2] += waiting
            tally[3].extend(late)
            tally[4] += unreadable
            tally[5] += late_count
        self._unfilled -= {i for i, c in enumerate(self.records.columns) if c in filled}

    @property
    def total(self) -> int:
        return sum(self._combos.values())

    def summary(self) -> Summary:
        ids = [i for i, _ in self.definitions]
        count = [0] * len(ids)
        stage_count = [0] * len(self.order)
        pairs = [0] * max(len(self.order) - 1, 0)
        for flags, n in self._combos.items():
            reached = [False] * len(self.order)
            for k, hit in enumerate(flags):
                if hit:
                    count[k] += n
                    reached[self._stage_of[k]] = True
            for st, hit in enumerate(reached):
                if hit:
                    stage_count[st] += n
                    if st + 1 < len(reached) and reached[st + 1]:
                        pairs[st] += n
        follow_ups = []
        for k, _ in self._agreements:
            d = self.definitions[k][1]
            handed, in_time, waiting, late, unreadable, late_count = self._follow[k]
            first = sorted(late, key=lambda pair: pair[0])[:LATE_SHOWN]
            follow_ups.append(FollowUp(ids[k], d.handed_to, d.follow_up_within, handed, in_time, waiting,
                                       tuple(i for _, i in first), unreadable, late_count))
        conversions = tuple(Conversion(self.order[st], self.order[st + 1], pairs[st], stage_count[st])
                            for st in range(len(pairs)))
        filled = frozenset(c for i, c in enumerate(self.records.columns)
                           if self.track_filled and i not in self._unfilled)
        return Summary(
            source=self.records.name, records=self.total, definitions=tuple(ids),
            counts=dict(zip(ids, count)), stages=tuple(zip(self.order, stage_count)),
            conversions=conversions, follow_ups=tuple(follow_ups), filled=filled, columns=self.records.columns,
            daily={ids[k]: {day: c.get(day, 0) for day in sorted(self._days)} for k, c in enumerate(self._daily)},
            undated=self.undated)
