"""`goalspec fmt`: one canonical layout for spec files, comments kept.

Keys follow the order of docs/format.md (apiVersion, kind, id, then each kind's
fields as the models declare them; unknown keys keep their place at the end),
mappings indent by two spaces and list items by two more. ruamel.yaml's
round-trip mode keeps comments, blank lines, flow style, quotes and anchors.
A file that does not parse is left alone (`goalspec check` reports it). A file
whose first document names its schema by a yaml-language-server modeline gets
that line under every `---` that has none (docs/editors.md).

Before ruamel.yaml sees a file, the loader's guards run on it (size, binary,
UTF-8, nesting depth, alias expansion, tags): ruamel has no such limits, and a
file of nested aliases would take it exponential time. A file they refuse, a
link that leads outside the tree, and, when writing, a read-only file are left
untouched and reported; the other files are still formatted. Writes go through
``write.rewrite``: locked, re-read under the lock, replaced atomically, with the
file's mode, line endings, final newline and byte order mark kept.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from goalspec.edit.write import WriteError, decode, encode, newline_of, read, rewrite, target
from goalspec.spec.load import discover, line_comment, load_bytes
from goalspec.spec.models import KINDS, LeadsSource, Outcome, Person, PaysOn, Revision, Site, Target
from goalspec.spec.models import CheckinsSource, CsvSource, LeadRecordsCsv, LeadRecordsSql, SqlSource

_SOURCES = {"checkins": CheckinsSource, "csv": CsvSource, "sql": SqlSource, "leads": LeadsSource}
_NESTED = {"site": Site, "target": Target, "members": Person, "pays_on": PaysOn, "revisions": Revision,
           "outcome": Outcome}


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long title
    return y


# docs/format.md writes a check-in as kpi, date, value, by… and a batch as kpi, by, values:
# one order serves both.
_ORDERS = {"CheckIn": ["apiVersion", "kind", "kpi", "date", "value", "by", "values", "note", "confidence"]}


def _order(model: type[BaseModel]) -> list[str]:
    if model.__name__ in _ORDERS:
        return _ORDERS[model.__name__]
    # A model's own fields before inherited ones: lead records read `type, path`, then the shared columns.
    own = set(model.__annotations__)
    fields = sorted(model.model_fields.items(), key=lambda item: item[0] not in own)
    names = [info.alias or name for name, info in fields]
    head = [k for k in ("apiVersion", "kind", "id", "type") if k in names]
    return head + [k for k in names if k not in head]


def _sort(node: CommentedMap, model: type[BaseModel] | None) -> None:
    if model is not None:
        order = _order(model)
        rank = {key: i for i, key in enumerate(order)}
        wanted = sorted(node, key=lambda k: (rank.get(k, len(order)), list(node).index(k)))
        if wanted != list(node):
            for key in wanted:
                node.move_to_end(key)
    for key, value in node.items():
        child = _NESTED.get(key)
        if key == "source" and isinstance(value, CommentedMap):
            child = _SOURCES.get(value.get("type"))
            data = value.get("data")
            if isinstance(data, CommentedMap):
                _sort(data, LeadRecordsCsv if data.get("type") == "csv" else LeadRecordsSql)
        if isinstance(value, CommentedMap):
            _sort(value, child)
        elif isinstance(value, CommentedSeq) and child is not None:
            for item in value:
                if isinstance(item, CommentedMap):
                    _sort(item, child)


def format_text(text: str) -> str | None:
    """The canonical form of a file's text, or None when it does not parse as YAML.

    The text's line ending (LF, CRLF or CR) and whether it ends with one are kept.
    """
    newline = newline_of(text)
    text = _BREAKS.sub("\n", text)  # one line ending throughout, the file's first
    new = _canonical(text)
    if new is None:
        return None
    if text and not text.endswith("\n") and new.endswith("\n"):
        new = new[:-1]
    return new.replace("\n", newline) if newline != "\n" else new


_BREAKS = re.compile(r"\r\n?")


def _canonical(text: str) -> str | None:
    y = _yaml()
    try:
        docs = list(y.load_all(text))
    except Exception:  # noqa: BLE001 - anything ruamel rejects is `check`'s to report
        return None
    for doc in docs:
        if isinstance(doc, CommentedMap):
            _sort(doc, KINDS.get(doc.get("kind")) if isinstance(doc.get("kind"), str) else None)
    y.explicit_start = text.lstrip().startswith("---")
    out = io.StringIO()
    y.dump_all(docs, out)
    new = out.getvalue()
    if sorted(_comments(new)) != sorted(_comments(text)):
        return None  # ruamel would drop or change a comment (e.g. one above a `---`): leave the file alone
    return _modelines(new)


# yaml-language-server takes a document's schema from a modeline among the comments that head
# that document, so one at the top of a file covers its first document only.
_MODELINE = re.compile(r"#\s+yaml-language-server\s*:")
_DOC_START = re.compile(r"---(?:[ \t]+(#.*)?)?$")  # a bare `---`, or one with a comment only


def _modelines(text: str) -> str:
    """The first document's modeline, copied under each later `---` whose document heads without one."""
    lines = text.split("\n")
    first = next((line.rstrip() for line in _header(lines, 0) if _MODELINE.match(line) and "$schema" in line), None)
    if first is None:
        return text
    out: list[str] = []
    content = False  # a `---` before the first document's content starts that document
    for i, line in enumerate(lines):
        out.append(line)
        start = _DOC_START.match(line)
        if start and content and not any(_MODELINE.match(c) for c in [start[1] or "", *_header(lines, i + 1)]):
            out.append(first)
        content = content or bool(line.strip()) and not (start or line.strip().startswith(("#", "%")))
    return "\n".join(out)


def _header(lines: list[str], i: int) -> list[str]:
    """The comments heading the document whose text starts at line i (blank lines, directives and
    the first `---` among them)."""
    comments = []
    for line in lines[i:]:
        bare = line.strip()
        if bare.startswith("#"):
            comments.append(bare)
        elif bare and not (i == 0 and (bare.startswith("%") or _DOC_START.match(bare))):
            break
    return comments


def _comments(text: str) -> list[str]:
    found = (line_comment(line) for line in text.splitlines())
    return [c.strip() for c in found if c]


class Refused(Exception):
    """The file is left untouched; the message (one line) says why."""


@dataclass
class Outcome:
    changed: list[Path] = field(default_factory=list)     # changed, or would change with --check
    refused: list[str] = field(default_factory=list)      # why each file was left alone: one line, naming it


def fmt(tree: Path, write: bool = True) -> Outcome:
    """Format every spec file; say which changed (or would change) and which were left alone, and why."""
    outcome = Outcome()
    paths = discover(tree)
    # A link to a spec file of the tree is that file, formatted under its own name.
    seen = {path.resolve() for path in paths if not path.is_symlink()}
    for path in paths:
        try:
            real = target(path, tree)
            if path.is_symlink():
                if real in seen:
                    continue
                seen.add(real)
            # A first pass without the lock: a file already formatted needs no write, so no
            # lock file in its folder and no complaint when it is read-only.
            if _formatted(read(real), path) is None:
                continue
            if write:
                rewrite(real, lambda raw, path=path: _formatted(raw, path), tree)
            outcome.changed.append(path)
        except (Refused, WriteError) as exc:
            outcome.refused.append(str(exc))
    return outcome


def _formatted(raw: bytes | None, path: Path) -> bytes | None:
    """The file's new bytes, or None when it stays as it is; Refused when the loader refuses it.

    Any GS001 of the loader stops the file before ruamel reads it. A plain syntax
    error keeps fmt's old behaviour (left silently for `check` to report); the
    others are named. ruamel is not asked either way: an alias bomb in a file's
    first document, with a syntax error further down, stays unread.
    """
    if raw is None:
        return None  # removed since it was listed
    refused = [f for f in load_bytes(raw, path.name)[2] if f.code == "GS001"]
    if refused:
        first = refused[0]
        if first.message.startswith(_UNPARSED):
            return None
        raise Refused(f"{path}:{first.line}:{first.column}: {first.message} ({first.code})")
    text, bom = decode(raw)
    new = format_text(text)
    return None if new is None or new == text else encode(new, bom)


# The loader's message for a file libyaml cannot parse (spec/load.py, load_text); a test
# (a syntax error formats silently) fails if it changes.
_UNPARSED = "YAML cannot be parsed"
