"""`goalspec close`: record how a goal ended in its own document, changing nothing else.

The goal's `status` becomes the outcome (achieved, missed or cancelled) and an `outcome:` mapping
(`date`, `score`, `note`) is added at the end of its document. The edit is made in the text, at
the places the loader's composer marks, so every comment and the rest of the layout stay as they
were; the file is written through ``write.rewrite`` (locked, re-read under the lock, replaced
atomically), and the new text must load as the old data with exactly those two fields changed,
or nothing is written.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from pathlib import Path

from ruamel.yaml.nodes import MappingNode, ScalarNode

from goalspec.edit.write import WriteError, decode, encode, newline_of, rewrite
from goalspec.spec.compose import compose_all
from goalspec.spec.load import load_bytes, load_text
from goalspec.spec.validate import Project

OUTCOMES = ("achieved", "missed", "cancelled")
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


class CloseError(Exception):
    """The goal was not closed; the message says why."""


def close(project: Project, gid: str, outcome: str, day: date, score: float | None = None,
          note: str | None = None) -> Path:
    goal = project.goals.get(gid)
    if goal is None:
        raise CloseError(f"goal `{gid}` is not defined in {project.root}")
    if outcome not in OUTCOMES:
        raise CloseError(f"the outcome is one of {', '.join(OUTCOMES)}, not `{outcome}`")
    if score is not None and not 0 <= score <= 1:
        raise CloseError("the score is a number from 0 to 1")
    if goal.model.outcome is not None:
        raise CloseError(f"goal `{gid}` was closed on {goal.model.outcome.date.isoformat()} already; "
                         f"edit its `outcome` in {goal.file} by hand")
    record = {"date": day.isoformat()}
    if score is not None:
        record["score"] = int(score) if float(score).is_integer() else score
    if note is not None and note.strip():
        record["note"] = note.strip()
    try:
        return rewrite(project.root / goal.file, lambda raw: edit(raw, goal.file, gid, outcome, record), project.root)
    except WriteError as exc:
        raise CloseError(str(exc)) from None


def edit(raw: bytes | None, rel: str, gid: str, outcome: str, record: dict) -> bytes:
    """The file's bytes with the goal's status and outcome set, and nothing else changed."""
    if raw is None:
        raise CloseError(f"{rel} no longer exists")
    _, docs, findings = load_bytes(raw, rel)
    broken = next((f for f in findings if f.code == "GS001"), None)
    if broken is not None:
        raise CloseError(f"{rel}:{broken.line}:{broken.column}: {broken.message}; fix the file first")
    at = next((d.index for d in docs if isinstance(d.data, dict) and d.data.get("kind") == "Goal"
               and d.data.get("id") == gid), None)
    if at is None:
        raise CloseError(f"goal `{gid}` is no longer in {rel}")
    text, bom = decode(raw)
    node = compose_all(text)[at]
    if not isinstance(node, MappingNode) or node.flow_style or not node.value:
        raise CloseError(f"{rel}: goal `{gid}` is not written as a block mapping; close it by hand")
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    newline = newline_of(text)

    def offset(mark) -> int:
        return starts[mark.line] + mark.column

    indent = " " * node.value[0][0].start_mark.column
    lines = [f"{indent}outcome:"] + [f"{indent}  {k}: {_scalar(v)}" for k, v in record.items()]
    block = newline.join(lines) + newline
    key, value = node.value[-1]
    end = value.end_mark
    if end.column == 0 and end.line > value.start_mark.line:
        cut = starts[end.line]  # a block scalar ends with its line break
        tail = ""
    elif end.line + 1 < len(starts):
        cut = starts[end.line + 1]
        tail = ""
    else:  # the last line, without a line break
        cut, tail = len(text), newline
        block = block[:-len(newline)]
    edits = [(cut, cut, tail + block)]
    status = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == "status"), None)
    if isinstance(status, ScalarNode) and status.start_mark.line == status.end_mark.line:
        edits.append((offset(status.start_mark), offset(status.end_mark), outcome))
    elif status is None:
        edits[0] = (cut, cut, tail + f"{indent}status: {outcome}{newline}" + block)
    else:
        raise CloseError(f"{rel}: the status of `{gid}` is not a plain value; close it by hand")
    new = text
    for a, b, insert in sorted(edits, reverse=True):
        new = new[:a] + insert + new[b:]
    expected = copy.deepcopy([d.data for d in docs])
    expected[at]["status"] = outcome
    expected[at]["outcome"] = record
    _, again, problems = load_text(new, rel)
    if any(f.code == "GS001" for f in problems) or [d.data for d in again] != expected:
        raise CloseError(f"{rel}: the outcome cannot be written without changing other values; add it by hand")
    return encode(new, bom)


def _scalar(value) -> str:
    # JSON's strings are YAML's double-quoted scalars: a note with a colon, a quote or a line break
    # reads back as written.
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) and not _is_day(value) else str(value)


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
