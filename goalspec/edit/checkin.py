"""`goalspec checkin`: record a KPI value in the tree, changing nothing else.

The value goes into the KPI's check-in file (the last file, in path order, that
holds check-ins for it; `checkins/<kpi>.yaml` when there is none). A plain value
joins a batch (`values:`) for that KPI and reporter when the file has one; a value
with a note or a confidence becomes a CheckIn document of its own at the end of
the file. The loader's own composer (libyaml's marks) says where the batch's last
value ends, wherever it sits (after its key, on the next line, in a flow
mapping); the new entry is written right after it as one line (block style) or
one item (flow style), in the file's line ending, so every comment, spacing and
the rest of the layout stay exactly as they were.

Two guards make "changing nothing else" hold, not just hope: the file is read,
changed and written through ``write.rewrite`` (locked, re-read under the lock,
replaced atomically), so concurrent check-ins all land and a second value for a
day is refused even when raced; and the new text is loaded again before it is
written: it must hold every value it held before plus the new one. A batch edit
that would not is dropped for a document of its own; if that fails too, nothing
is written.
"""

from __future__ import annotations

import copy
import io
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from goalspec.edit.write import WriteError, decode, encode, newline_of, rewrite
from goalspec.spec.compose import compose_all
from goalspec.spec.load import RawDocument, load_bytes, load_text
from goalspec.spec.validate import Project


class RecordError(Exception):
    """The value was not recorded; the message says why."""


@dataclass(frozen=True)
class Entry:
    """One value to record, as the loader will read it back (the day as text, the number typed)."""

    kpi: str
    day: str
    value: int | float
    by: str | None = None
    note: str | None = None
    confidence: float | None = None

    @property
    def single(self) -> bool:
        """A note or a confidence needs a document of its own; a batch holds only numbers."""
        return self.note is not None or self.confidence is not None

    def document(self) -> dict[str, Any]:
        doc = {"apiVersion": "goalspec/v1", "kind": "CheckIn", "kpi": self.kpi, "date": self.day,
               "value": self.value}
        for key, item in (("by", self.by), ("note", self.note), ("confidence", self.confidence)):
            if item is not None:
                doc[key] = item
        return doc


def record(project: Project, kpi: str, value: float, day: date, by: str | None = None, note: str | None = None,
           confidence: float | None = None) -> Path:
    obj = project.kpis.get(kpi)
    if obj is None:
        raise RecordError(f"KPI `{kpi}` is not defined in {project.root}")
    source = obj.model.source
    if source is not None and source.type != "checkins":
        raise RecordError(f"KPI `{kpi}` reads its values from its {source.type} source, not from check-ins")
    if by is not None and by not in project.people:
        raise RecordError(f"person `{by}` is not defined; add them to a team's `members`")
    if confidence is not None and not 0 <= confidence <= 1:
        raise RecordError("confidence is a number from 0 to 1")
    if not math.isfinite(value):
        raise RecordError(f"the value must be a finite number, not {value}")
    files = sorted({c.file for c in project.checkins if c.model.kpi == kpi})
    rel = files[-1] if files else f"checkins/{kpi}.yaml"
    # Other files, as loaded; the file written is checked again under its lock (add()).
    for c in project.checkins:
        m = c.model
        if m.kpi == kpi and (m.date == day or (m.values and day in m.values)):
            raise RecordError(f"KPI `{kpi}` already has a value for {day.isoformat()} in {c.file}")
    number = int(value) if float(value).is_integer() else value
    entry = Entry(kpi, day.isoformat(), number, by, note, confidence)
    path = project.root / rel
    try:
        rewrite(path, lambda raw: add(raw, rel, entry), project.root)
    except WriteError as exc:
        raise RecordError(str(exc)) from None
    return path


def add(raw: bytes | None, rel: str, entry: Entry) -> bytes:
    """The file's bytes with the entry added and every value it held before unchanged."""
    raw = raw or b""
    _, docs, findings = load_bytes(raw, rel)
    broken = next((f for f in findings if f.code == "GS001"), None)
    if broken is not None:
        raise RecordError(f"{rel}:{broken.line}:{broken.column}: {broken.message}; fix the file first "
                          "(goalspec check shows what is wrong)")
    for doc in docs:
        data = doc.data
        if _checkin_for(data, entry.kpi) and (data.get("date") == entry.day or entry.day in _values(data)):
            raise RecordError(f"KPI `{entry.kpi}` already has a value for {entry.day} in {rel}")
    text, bom = decode(raw)
    tries = [] if entry.single else [_into_batch(text, docs, entry)]
    tries.append(_append(text, [d.data for d in docs], entry))
    for attempt in tries:
        if attempt is not None and _loads_as(attempt[0], rel, attempt[1]):
            return encode(attempt[0], bom)
    raise RecordError(f"{rel}: the value cannot be added without changing other values in the file; "
                      "add it by hand")


def _checkin_for(data: Any, kpi: str) -> bool:
    return isinstance(data, dict) and data.get("kind") == "CheckIn" and data.get("kpi") == kpi


def _values(data: dict) -> dict:
    values = data.get("values")
    return values if isinstance(values, dict) else {}


def _loads_as(text: str, rel: str, expected: list) -> bool:
    _, docs, findings = load_text(text, rel)
    return not any(f.code == "GS001" for f in findings) and [d.data for d in docs] == expected


# The line breaks libyaml counts lines by, so that its marks index these lines.
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def _into_batch(text: str, docs: list[RawDocument], entry: Entry) -> tuple[str, list] | None:
    """The text with the entry after the last value of the KPI's batch, and the data it must load as."""
    for at in reversed(range(len(docs))):
        data = docs[at].data
        if not (_checkin_for(data, entry.kpi) and data.get("by") == entry.by and _values(data)):
            continue
        values = _field(compose_all(text)[docs[at].index], "values")
        if not isinstance(values, MappingNode) or not values.value:
            return None  # the batch comes through an alias or a merge key: a document of its own instead
        key, value = values.value[-1]
        starts = [0] + [m.end() for m in _BREAK.finditer(text)]
        end = value.end_mark
        item = f"{entry.day}: {entry.value!r}"
        if values.flow_style:
            cut = starts[end.line] + end.column
            new = text[:cut] + f", {item}" + text[cut:]
        else:
            line = " " * key.start_mark.column + item
            newline = newline_of(text)
            if end.column == 0 and end.line > value.start_mark.line:
                cut = starts[end.line]  # the value ended with its line break
            elif end.line + 1 < len(starts):
                cut = starts[end.line + 1]
            else:  # the last line, without a line break: the file keeps ending without one
                cut, line = len(text), newline + line
                newline = ""
            new = text[:cut] + line + newline + text[cut:]
        expected = copy.deepcopy([d.data for d in docs])
        expected[at]["values"][entry.day] = entry.value
        return new, expected
    return None


def _field(node: Node, name: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return value
    return None


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    return y


def _append(text: str, old: list, entry: Entry) -> tuple[str, list]:
    """The text with the entry as a CheckIn document at the end, in the file's line ending."""
    doc = CommentedMap(entry.document())
    doc["date"] = date.fromisoformat(entry.day)  # written as a plain YYYY-MM-DD
    out = io.StringIO()
    _yaml().dump_all([doc], out)
    rendered = out.getvalue()
    if not text.strip():
        return rendered, old + [entry.document()]
    newline = newline_of(text)
    ends = text[-1] in "\r\n\x85\u2028\u2029"
    added = ("" if ends else "\n") + "---\n" + rendered
    if not ends:
        added = added[:-1]  # the file ended without a line break: so does it after the new document
    return text + added.replace("\n", newline), old + [entry.document()]
