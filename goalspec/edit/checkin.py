"""`goalspec checkin`: record a KPI value in the tree, changing nothing else.

The value goes into the KPI's check-in file (the last file, in path order, that
holds check-ins for it; `checkins/<kpi>.yaml` when there is none). A plain value
joins a batch (`values:`) for that KPI and reporter when the file has one; a value
with a note or a confidence becomes a CheckIn document of its own at the end of
the file. ruamel.yaml's round-trip loader finds where the batch ends, and the new
entry is written there as one line (block style) or one item (flow style), so
every comment, spacing and the rest of the layout stay exactly as they were.
"""

from __future__ import annotations

import io
import os
import tempfile
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from goalspec.spec.validate import Project


class RecordError(Exception):
    """The value was not recorded; the message says why."""


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096
    return y


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
    files = sorted({c.file for c in project.checkins if c.model.kpi == kpi})
    rel = files[-1] if files else f"checkins/{kpi}.yaml"
    path = project.root / rel
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    for c in project.checkins:
        m = c.model
        if m.kpi == kpi and (m.date == day or (m.values and day in m.values)):
            raise RecordError(f"KPI `{kpi}` already has a value for {day.isoformat()} in {c.file}")
    number = int(value) if float(value).is_integer() else value
    single = note is not None or confidence is not None
    updated = None if single else _into_batch(text, kpi, by, day, number)
    if updated is None:
        updated = _append(text, kpi, by, day, number, note, confidence)
    _write(path, updated)
    return path


def _into_batch(text: str, kpi: str, by: str | None, day: date, value) -> str | None:
    try:
        docs = list(_yaml().load_all(text))
    except Exception:  # noqa: BLE001 - a file goalspec check would reject: append instead
        return None
    for doc in reversed(docs):
        if not (isinstance(doc, CommentedMap) and doc.get("kind") == "CheckIn" and doc.get("kpi") == kpi
                and isinstance(doc.get("values"), CommentedMap) and doc.get("by") == by and doc["values"]):
            continue
        values: CommentedMap = doc["values"]
        entry = f"{day.isoformat()}: {value}"
        lines = text.splitlines(keepends=True)
        if values.fa.flow_style():
            line, col = doc.lc.value("values")
            close = _closing_brace(lines, line, col)
            if close is None:
                return None
            at_line, at_col = close
            row = lines[at_line]
            lines[at_line] = row[:at_col] + f", {entry}" + row[at_col:]
        else:
            last_key = list(values)[-1]
            line, col = values.lc.key(last_key)
            if not lines[line].endswith("\n"):
                lines[line] += "\n"
            lines.insert(line + 1, " " * col + entry + "\n")
        return "".join(lines)
    return None


def _closing_brace(lines: list[str], line: int, col: int) -> tuple[int, int] | None:
    """Where the flow mapping that opens at (line, col) closes; batches hold only dates and numbers."""
    depth = 0
    for number in range(line, len(lines)):
        row = lines[number]
        for index in range(col if number == line else 0, len(row)):
            char = row[index]
            if char == "#" and (index == 0 or row[index - 1] in " \t"):
                break  # the rest of the line is a comment
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return number, index
    return None


def _dump(y: YAML, docs: list) -> str:
    out = io.StringIO()
    y.dump_all(docs, out)
    return out.getvalue()


def _append(text: str, kpi: str, by: str | None, day: date, value, note: str | None, confidence: float | None) -> str:
    doc = CommentedMap()
    doc["apiVersion"] = "goalspec/v1"
    doc["kind"] = "CheckIn"
    doc["kpi"] = kpi
    doc["date"] = day
    doc["value"] = value
    for key, item in (("by", by), ("note", note), ("confidence", confidence)):
        if item is not None:
            doc[key] = item
    rendered = _dump(_yaml(), [doc])
    if not text.strip():
        return rendered
    return text + ("" if text.endswith("\n") else "\n") + "---\n" + rendered


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)
