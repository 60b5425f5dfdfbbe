"""Report stage of `goalspec leads classify`: each record's verdict, then the summary.

Verdicts are written as they are made, so a million records stream through in
constant memory; the summary (counts per definition and stage, conversion
between stages, follow-up agreements) comes last, from the classifier's tally.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring as enc
from typing import IO, Callable, Iterable, Sequence

from goalspec.data.leads import Classifier, Summary
from goalspec.spec.text import printable


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def write(classifier: Classifier, fmt: str, out: IO[str], records: bool = True,
          verdicts: Iterable[tuple[int, Sequence, tuple[bool, ...]]] | None = None) -> Summary:
    """``verdicts``: the records with their flags when the database evaluated them (else Python does)."""
    rows = verdicts if verdicts is not None else classifier.verdicts()
    if fmt == "json":
        return _json(classifier, out, records, rows)
    if fmt == "csv":
        return _csv(classifier, out, rows)
    return _text(classifier, out, records, rows)


class _Chunks:
    """Collects output and writes it in large pieces: a write per record costs more than the record."""

    def __init__(self, out: IO[str], shown: Callable[[str], str] = str):
        self.out, self.parts, self.shown = out, [], shown
        self.append = self.parts.append

    def flush(self) -> None:
        self.out.write(self.shown("".join(self.parts)))
        self.parts.clear()

    def maybe_flush(self) -> None:
        if len(self.parts) >= 4096:
            self.flush()


def _text(classifier: Classifier, out: IO[str], records: bool, rows: Iterable) -> Summary:
    if not records:
        classifier.run()
    buf = _Chunks(out, printable)  # ids and reasons quote CRM cells: a terminal shows them escaped
    add = buf.append
    ids = [d_id for d_id, _ in classifier.definitions]
    whys = [c.failed for c in classifier.compiled]
    prefixes = [f"  not {d_id}: " for d_id in ids]
    # Per combination of definitions met: the "meets …" line, and which definitions to explain.
    plans: dict[tuple[bool, ...], tuple[str, list[int]]] = {}
    record_id = classifier.record_id
    parts = buf.parts
    for number, row, flags in rows if records else ():
        plan = plans.get(flags)
        if plan is None:
            hits = [d for d, hit in zip(ids, flags) if hit]
            plan = plans[flags] = (f": meets {', '.join(hits) if hits else 'no definition'}\n",
                                   [k for k, hit in enumerate(flags) if not hit])
        head, failing = plan
        add((record_id(row) or f"row {number}") + head)
        for k in failing:
            add(prefixes[k] + whys[k](row) + "\n")
        if len(parts) > 8192:
            buf.flush()
    summary = classifier.summary()
    if records and summary.records:
        add("\n")
    add(summary_text(summary, classifier))
    buf.flush()
    return summary


def summary_text(summary: Summary, classifier: Classifier) -> str:
    stage = dict((d_id, d.stage) for d_id, d in classifier.definitions)
    lines = [f"{summary.records:,} lead record{'s' if summary.records != 1 else ''} in {summary.source}"]
    width = max((len(d) for d in summary.definitions), default=0)
    for d_id in summary.definitions:
        n = summary.counts[d_id]
        lines.append(f"  {stage[d_id]:<12} {d_id:<{width}}  {n:>9,}  {percent(n, summary.records):>4}")
    if len(summary.stages) > 1:
        lines.append("stages: " + " · ".join(f"{s} {n:,}" for s, n in summary.stages))
    for c in summary.conversions:
        lines.append(f"conversion {c.source} → {c.target}: {c.reached:,} of {c.of:,} ({percent(c.reached, c.of)})")
    for f in summary.follow_ups:
        lines.append(f"follow-up within {f.within} by {f.team} ({f.definition}): {f.handed_over:,} handed over, "
                     f"{f.in_time:,} in time, {f.waiting:,} waiting, {f.late_count:,} late"
                     + (f", {f.unreadable:,} with an unreadable time" if f.unreadable else ""))
        if f.late:
            more = f.late_count - len(f.late)
            shown = ", ".join(f.late) + (f" and {more:,} more" if more > 0 else "")
            lines.append(f"  not followed up in time: {shown}")
    if classifier.handed_over_missing:
        lines.append(f"follow-up not measured: the records have no `{classifier.handed_over_column}` column")
    return "\n".join(lines) + "\n"


def summary_json(summary: Summary, classifier: Classifier) -> dict:
    stage = dict((d_id, d.stage) for d_id, d in classifier.definitions)
    return {
        "source": summary.source,
        "records": summary.records,
        "definitions": [{"id": d, "stage": stage[d], "count": summary.counts[d]} for d in summary.definitions],
        "stages": [{"stage": s, "count": n} for s, n in summary.stages],
        "conversions": [{"from": c.source, "to": c.target, "reached": c.reached, "of": c.of,
                         "rate": None if c.rate is None else round(c.rate, 4)} for c in summary.conversions],
        "follow_up": [{"definition": f.definition, "team": f.team, "within": f.within,
                       "handed_over": f.handed_over, "in_time": f.in_time, "waiting": f.waiting,
                       "late": list(f.late), "late_count": f.late_count, "unreadable": f.unreadable} for f in summary.follow_ups],
    }


def _json(classifier: Classifier, out: IO[str], records: bool, rows: Iterable) -> Summary:
    # Written piece by piece: the records array can hold millions of entries.
    buf = _Chunks(out)
    buf.append('{"records": [')
    first = True
    if not records:
        classifier.run()
    dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    # Each record is {"fails", "id", "meets", "row"} (sorted keys, as json.dumps would write it),
    # put together from pieces encoded once: reasons and definition lists repeat across records.
    ids = [enc(d_id) for d_id, _ in classifier.definitions]
    whys = [c.failed for c in classifier.compiled]
    plans: dict[tuple[bool, ...], tuple[str, list[int]]] = {}
    reason_json = _remembered(enc)
    record_id = classifier.record_id
    add, parts = buf.append, buf.parts
    for number, row, flags in rows if records else ():
        plan = plans.get(flags)
        if plan is None:
            plan = plans[flags] = (', "meets": [' + ", ".join(d for d, hit in zip(ids, flags) if hit) + '], "row": ',
                                   [k for k, hit in enumerate(flags) if not hit])
        tail, failing = plan
        fails = []
        for k in failing:
            fails.append(ids[k] + ": " + reason_json(whys[k](row)))
        add(("\n" if first else ",\n") + '{"fails": {' + ", ".join(fails) + '}, "id": ' + enc(record_id(row))
            + tail + str(number) + "}")
        first = False
        if len(parts) > 8192:
            buf.flush()
    summary = classifier.summary()
    buf.append(("" if first else "\n") + '], "summary": ' + dumps(summary_json(summary, classifier)) + "}\n")
    buf.flush()
    return summary


def _csv(classifier: Classifier, out: IO[str], rows: Iterable) -> Summary:
    """One row per record and definition: spreadsheets filter it; the summary is a pivot away.

    Lines are put together here rather than by the csv module: most fields are known
    to need no quoting, and the reasons, which may, repeat and are quoted once each.
    """
    buf = _Chunks(out)
    buf.append("row,id,definition,stage,qualifies,reason\n")
    ids = [_cell(d_id) for d_id, _ in classifier.definitions]
    stages = [_cell(d.stage) for _, d in classifier.definitions]
    yes = [f",{d},{st},yes,\n" for d, st in zip(ids, stages)]
    no = [f",{d},{st},no," for d, st in zip(ids, stages)]
    whys = [c.failed for c in classifier.compiled]
    quoted = _remembered(_cell)
    record_id = classifier.record_id
    add = buf.append
    for number, row, flags in rows:
        head = f"{number},{_cell(record_id(row))}"
        for k, hit in enumerate(flags):
            if hit:
                add(head + yes[k])
                continue
            add(f"{head}{no[k]}{quoted(whys[k](row))}\n")
        buf.maybe_flush()
    buf.flush()
    return classifier.summary()


def _remembered(encode: Callable[[str], str], most: int = 4096) -> Callable[[str], str]:
    """``encode`` with the last few thousand results kept: reasons repeat from record to record."""
    seen: dict[str, str] = {}

    def cached(text: str) -> str:
        out = seen.get(text)
        if out is None:
            if len(seen) >= most:
                seen.clear()
            out = seen[text] = encode(text)
        return out
    return cached


def _cell(text: str) -> str:
    """A CSV field as the csv module writes it (minimal quoting)."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text
