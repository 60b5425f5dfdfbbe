"""Stage 1: find the spec files, parse them, and keep where every key and value is.

Parsing uses ruamel.yaml's C parser and composer (libyaml marks, no round-trip
objects), then converts each node tree into plain Python values. Nothing is
constructed by the YAML library: scalars are converted here, by tag, and every
tag outside YAML's core schema is a finding. So no spec can make goalspec build
an object, call a function or run code.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from goalspec.diagnostics import START, Diagnostic, Pos, make

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
# A document may expand aliases to at most this many nodes beyond ten times its
# own size. Shared blocks are fine; a "billion laughs" file is not.
ALIAS_SLACK = 10_000

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + t for t in ("str", "int", "float", "bool", "null"))
_TIMESTAMP, _MAP, _SEQ, _MERGE = (_TAG + t for t in ("timestamp", "map", "seq", "merge"))
_IGNORE = re.compile(r"#\s*goalspec:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")

SEP = "/"


def pack(key: Pos, value: Pos) -> int:
    """Two positions in one int: a tree of 100k goals keeps millions of them."""
    return (((key.line << 16) | key.column) << 40) | (value.line << 16) | value.column


def _unpack(n: int) -> tuple[Pos, Pos]:
    hi, lo = n >> 40, n & ((1 << 40) - 1)
    return Pos(hi >> 16, hi & 0xFFFF), Pos(lo >> 16, lo & 0xFFFF)


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One YAML document as loaded: plain data plus where each part of it stands.

    ``positions`` maps a key path (``target/value``, ``members/0/id``; the empty
    path is the document itself) to the packed key and value positions.
    """

    file: str
    index: int
    data: Any
    positions: dict[str, int]

    def value_pos(self, path: str = "") -> Pos:
        return _unpack(self._nearest(path))[1]

    def key_pos(self, path: str) -> Pos:
        return _unpack(self._nearest(path))[0]

    def has(self, path: str) -> bool:
        return path in self.positions

    def _nearest(self, path: str) -> int:
        while path not in self.positions:
            path = path.rpartition(SEP)[0] if SEP in path else ""
        return self.positions[path]


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    # line -> codes silenced there; an empty set silences every code
    ignores: dict[int, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Loaded:
    root: Path
    files: tuple[SourceFile, ...]
    documents: tuple[RawDocument, ...]
    diagnostics: tuple[Diagnostic, ...]


class _Reject(Exception):
    def __init__(self, pos: Pos, message: str, hint: str):
        super().__init__(message)
        self.pos, self.message, self.hint = pos, message, hint


def discover(root: Path) -> list[Path]:
    """Every *.yaml / *.yml below root, hidden folders skipped, in sorted path order."""
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                found.append(Path(folder, name))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def load_tree(root: Path) -> Loaded:
    files, documents, diagnostics = [], [], []
    for path in discover(root):
        rel = path.relative_to(root).as_posix()
        source, docs, diags = load_file(path, rel)
        files.append(source)
        documents.extend(docs)
        diagnostics.extend(diags)
    return Loaded(root, tuple(files), tuple(documents), tuple(diagnostics))


def load_file(path: Path, rel: str) -> tuple[SourceFile, list[RawDocument], list[Diagnostic]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return SourceFile(rel), [], [_gs001(rel, START, f"file is {size} bytes, above the {MAX_FILE_BYTES}-byte limit",
                                                "split the file; spec files are meant to be small")]
        raw = path.read_bytes()
    except OSError as exc:
        return SourceFile(rel), [], [_gs001(rel, START, f"file cannot be read: {exc.strerror}", "check the file's permissions")]
    text, problem = _decode(raw, rel)
    if problem:
        return SourceFile(rel), [], [problem]
    return load_text(text, rel)


def load_text(text: str, rel: str) -> tuple[SourceFile, list[RawDocument], list[Diagnostic]]:
    source = SourceFile(rel, _ignores(text))
    try:
        nodes = list(YAML(typ="safe", pure=False).compose_all(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(mark.line + 1, mark.column + 1) if mark else START
        what = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        return source, [], [_gs001(rel, pos, f"YAML cannot be parsed: {what}", "fix the YAML syntax at this position")]
    except YAMLError as exc:
        return source, [], [_gs001(rel, START, f"YAML cannot be parsed: {exc}", "fix the YAML syntax")]
    except RecursionError:
        return source, [], [_gs001(rel, START, "YAML nesting is too deep", f"keep nesting under {MAX_DEPTH} levels")]
    docs, diags = [], []
    for index, node in enumerate(nodes):
        try:
            _check_expansion(node)
            conv = _Converter(rel)
            data = conv.convert(node, "", None, 0)
        except _Reject as rej:
            diags.append(_gs001(rel, rej.pos, rej.message, rej.hint))
            continue
        docs.append(RawDocument(rel, index, data, conv.positions))
        diags.extend(conv.diagnostics)
    if not nodes:
        # An empty file holds no object; say so instead of passing silently.
        diags.append(make("GS002", rel, START, "file holds no YAML document",
                          "add a document with apiVersion: goalspec/v1 and a kind, or delete the file"))
    return source, docs, diags


def _gs001(rel: str, pos: Pos, message: str, hint: str) -> Diagnostic:
    return make("GS001", rel, pos, message, hint)


def _decode(raw: bytes, rel: str) -> tuple[str, Diagnostic | None]:
    nul = raw.find(b"\x00")
    if nul >= 0:
        return "", _gs001(rel, _offset_pos(raw, nul), "file is binary (it contains a NUL byte), not YAML",
                          "spec files are UTF-8 text; move binary files out of the spec tree")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return "", _gs001(rel, _offset_pos(raw, exc.start), "file is not valid UTF-8",
                          "save the file as UTF-8")


def _offset_pos(raw: bytes, offset: int) -> Pos:
    before = raw[:offset]
    line_start = before.rfind(b"\n") + 1
    return Pos(before.count(b"\n") + 1, len(before[line_start:].decode("utf-8", "replace")) + 1)


def _ignores(text: str) -> dict[int, frozenset[str]]:
    if "goalspec:" not in text:
        return {}
    found = {}
    for number, line in enumerate(text.splitlines(), 1):
        m = _IGNORE.search(line)
        if m:
            codes = m.group(1)
            found[number] = frozenset(c.strip().upper() for c in codes.split(",") if c.strip()) if codes else frozenset()
    return found


def _mark(node: Node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


def _check_expansion(root: Node) -> None:
    """Reject documents whose aliases expand far beyond their own size."""
    sizes: dict[int, int] = {}
    distinct = 0

    def size(node: Node, depth: int) -> int:
        nonlocal distinct
        known = sizes.get(id(node))
        if known is not None:
            return known
        if depth > MAX_DEPTH:
            raise _Reject(_mark(node), "YAML nesting is too deep", f"keep nesting under {MAX_DEPTH} levels")
        distinct += 1
        total = 1
        if isinstance(node, MappingNode):
            for k, v in node.value:
                total += size(k, depth + 1) + size(v, depth + 1)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                total += size(item, depth + 1)
        sizes[id(node)] = total
        return total

    expanded = size(root, 0)
    if expanded > 10 * distinct + ALIAS_SLACK:
        raise _Reject(_mark(root), f"aliases expand this document to {expanded} nodes from {distinct}",
                      "use fewer nested aliases; a spec does not need exponential expansion")


class _Converter:
    """Turns one composed document into plain values and a position index."""

    def __init__(self, rel: str):
        self.rel = rel
        self.positions: dict[str, int] = {}
        self.diagnostics: list[Diagnostic] = []

    def convert(self, node: Node, path: str, key: Pos | None, depth: int) -> Any:
        here = _mark(node)
        self.positions[path] = pack(key or here, here)
        if isinstance(node, ScalarNode):
            return self._scalar(node, here)
        tag = str(node.tag)
        if isinstance(node, MappingNode):
            if tag != _MAP:
                raise self._bad_tag(tag, here)
            return self._mapping(node, path, depth)
        if tag != _SEQ:
            raise self._bad_tag(tag, here)
        prefix = path + SEP if path else ""
        return [self.convert(item, f"{prefix}{i}", None, depth + 1) for i, item in enumerate(node.value)]

    def _mapping(self, node: MappingNode, path: str, depth: int) -> dict[str, Any]:
        prefix = path + SEP if path else ""
        out: dict[str, Any] = {}
        merges = []
        for k, v in node.value:
            kpos = _mark(k)
            if not isinstance(k, ScalarNode):
                raise _Reject(kpos, "a mapping key must be a plain word, not a list or mapping",
                              "use a plain key such as `title:`")
            if str(k.tag) == _MERGE:
                merges.append(v)
                continue
            key = str(self._scalar(k, kpos)) if k.value is not None else ""
            if key in out:
                first = _unpack(self.positions[prefix + key])[0]
                self.diagnostics.append(make(
                    "GS004", self.rel, kpos, f"duplicate key `{key}` (first at line {first.line})",
                    "remove one of the two; YAML keeps only one value per key",
                    key_path=prefix + key))
                continue
            out[key] = self.convert(v, prefix + key, kpos, depth + 1)
        for merged in merges:
            # YAML merge keys (<<: *base): explicit keys win over merged ones.
            sources = merged.value if isinstance(merged, SequenceNode) else [merged]
            for source in sources:
                if not isinstance(source, MappingNode):
                    raise _Reject(_mark(source), "`<<` must merge a mapping", "merge an anchored mapping: `<<: *base`")
                for k, v in source.value:
                    key = str(k.value)
                    if key not in out:
                        out[key] = self.convert(v, prefix + key, _mark(k), depth + 1)
        return out

    def _bad_tag(self, tag: str, pos: Pos) -> _Reject:
        shown = tag.replace(_TAG, "!!")
        return _Reject(pos, f"tag `{shown}` is not allowed: goalspec never constructs objects from a spec",
                       "remove the tag; specs hold plain strings, numbers, lists and mappings")

    def _scalar(self, node: ScalarNode, pos: Pos) -> Any:
        tag, value = str(node.tag), node.value
        if tag == _STR or tag == "!" or tag == _TIMESTAMP:
            # Dates stay text: the models parse them, and periods such as
            # 2026-Q3 sit in the same fields.
            return value
        if tag == _INT:
            return _int(value, pos)
        if tag == _FLOAT:
            return _float(value)
        if tag == _BOOL:
            return value.lower() == "true"
        if tag == _NULL:
            return None
        raise self._bad_tag(tag, pos)


def _int(text: str, pos: Pos) -> int:
    s = text.replace("_", "")
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    try:
        if s[:2] in ("0x", "0X"):
            return sign * int(s[2:], 16)
        if s[:2] in ("0o", "0O"):
            return sign * int(s[2:], 8)
        if s[:2] in ("0b", "0B"):
            return sign * int(s[2:], 2)
        return sign * int(s)
    except ValueError:
        raise _Reject(pos, f"`{text}` is not a valid integer", "write the number in decimal") from None


def _float(text: str) -> float:
    s = text.replace("_", "").lower()
    if s.endswith((".inf", ".nan")):
        return float(s.replace(".", ""))
    return float(s)


def iter_paths(doc: RawDocument, prefix: str) -> Iterator[str]:
    """Paths stored under prefix, in document order."""
    start = prefix + SEP
    return (p for p in doc.positions if p.startswith(start))
