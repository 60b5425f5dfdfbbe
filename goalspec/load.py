"""Stage 1: find the spec files, parse them, and keep where every key and value is.

Parsing uses ruamel.yaml's C parser and composer (libyaml marks, no round-trip
objects), then converts each node tree into plain Python values. Nothing is
constructed by the YAML library: scalars are converted here, by tag, and every
tag outside YAML's core schema is a finding. So no spec can make goalspec build
an object, call a function or run code.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from itertools import accumulate
from typing import Any

from ruamel.yaml.cyaml import CParser
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tag import Tag

from goalspec.cache import FileCache
from goalspec.diagnostics import START, Diagnostic, Pos, make

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
# A document may expand aliases to at most this many nodes beyond ten times its
# own size. Shared blocks are fine; a "billion laughs" file is not.
ALIAS_SLACK = 10_000

_TAG = "tag:yaml.org,2002:"
# Tags the resolver hands to the C composer. Shared instances, so the converter
# tells them apart by identity; any other tag was written in the file.
_T_PLAIN, _T_QUOTED, _T_MAP, _T_SEQ = (Tag(suffix=_TAG + t) for t in ("plain", "str", "map", "seq"))
_EXPLICIT_OK = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}
_INT_RE = re.compile(r"[-+]?(?:[0-9][0-9_]*|0o[0-7_]+|0x[0-9a-fA-F_]+)")
_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
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


# Below this much YAML, forking workers costs more than parsing on one core.
PARALLEL_BYTES = 1024 * 1024
_pending: tuple | None = None  # what forked workers read: (paths, rels, cache)


def load_tree(root: Path, cache: FileCache | None = None, jobs: int | None = None) -> Loaded:
    """Every spec file of the tree, in sorted path order, whatever the number of workers.

    Files the cache knows are taken from it. When what is left to parse is large,
    forked workers parse it, one per core, each taking every ``jobs``-th file, and
    hand each file back in the cache's marshal form, which costs a fraction of
    parsing it.
    """
    paths = discover(root)
    rels = [path.relative_to(root).as_posix() for path in paths]
    loaded: list[tuple | None] = [_cached(path, rel, cache) for path, rel in zip(paths, rels)] if cache else \
        [None] * len(paths)
    todo = [i for i, hit in enumerate(loaded) if hit is None]
    if jobs is None:
        big = len(todo) > 1 and _total_size([paths[i] for i in todo]) >= PARALLEL_BYTES
        jobs = min(os.cpu_count() or 1, 4) if big else 1
    if jobs > 1 and len(todo) > 1 and "fork" in multiprocessing.get_all_start_methods():
        for i, blob in zip(todo, _parse_in_workers([paths[i] for i in todo], [rels[i] for i in todo], cache, jobs)):
            loaded[i] = _from_cache(marshal.loads(blob), rels[i])
    else:
        for i in todo:
            loaded[i] = load_file(paths[i], rels[i], cache)
    files, documents, diagnostics = [], [], []
    for source, docs, diags in loaded:
        files.append(source)
        documents.extend(docs)
        diagnostics.extend(diags)
    return Loaded(root, tuple(files), tuple(documents), tuple(diagnostics))


def _cached(path: Path, rel: str, cache: FileCache) -> tuple | None:
    try:
        raw = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else None
    except OSError:
        return None  # load_file reports it
    return _from_cache(cache.get(raw), rel) if raw is not None else None


def _parse_in_workers(paths: list[Path], rels: list[str], cache: FileCache | None, jobs: int) -> list[bytes]:
    global _pending
    _pending = (paths, rels, cache)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_load_every, [(start, jobs) for start in range(jobs)])
    finally:
        _pending = None
    packed: list = [None] * len(paths)
    for start, part in enumerate(parts):
        packed[start::jobs] = part
    return packed


def _total_size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # load_file reports it
    return total


def _load_every(task: tuple[int, int]) -> list[bytes]:
    start, step = task
    paths, rels, cache = _pending
    return [marshal.dumps(_to_cache(*load_file(path, rel, cache))) for path, rel in zip(paths[start::step], rels[start::step])]


def load_file(path: Path, rel: str, cache: FileCache | None = None) -> tuple[SourceFile, list[RawDocument], list[Diagnostic]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return SourceFile(rel), [], [_gs001(rel, START, f"file is {size} bytes, above the {MAX_FILE_BYTES}-byte limit",
                                                "split the file; spec files are meant to be small")]
        raw = path.read_bytes()
    except OSError as exc:
        return SourceFile(rel), [], [_gs001(rel, START, f"file cannot be read: {exc.strerror}", "check the file's permissions")]
    return load_bytes(raw, rel, cache)


def load_bytes(raw: bytes, rel: str, cache: FileCache | None = None) -> tuple[SourceFile, list[RawDocument], list[Diagnostic]]:
    """One file's content as loaded; also for files read from git rather than from disk."""
    if len(raw) > MAX_FILE_BYTES:
        return SourceFile(rel), [], [_gs001(rel, START, f"file is {len(raw)} bytes, above the {MAX_FILE_BYTES}-byte limit",
                                            "split the file; spec files are meant to be small")]
    if cache is not None:
        hit = _from_cache(cache.get(raw), rel)
        if hit is not None:
            return hit
    text, problem = _decode(raw, rel)
    if problem:
        return SourceFile(rel), [], [problem]
    loaded = load_text(text, rel)
    if cache is not None:
        cache.put(raw, _to_cache(*loaded))
    return loaded


def _to_cache(source: SourceFile, docs: list[RawDocument], diags: list[Diagnostic]) -> tuple:
    return (
        {line: tuple(sorted(codes)) for line, codes in source.ignores.items()},
        [(d.index, d.data, d.positions) for d in docs],
        [(d.code, d.line, d.column, d.id, d.message, d.hint, d.key_path) for d in diags],
    )


def _from_cache(entry: Any, rel: str) -> tuple[SourceFile, list[RawDocument], list[Diagnostic]] | None:
    try:
        ignores, docs, diags = entry
        source = SourceFile(rel, {line: frozenset(codes) for line, codes in ignores.items()})
        documents = [RawDocument(rel, index, data, positions) for index, data, positions in docs]
        findings = [make(code, rel, Pos(line, col), message, hint, id=ident, key_path=key_path)
                    for code, line, col, ident, message, hint, key_path in diags]
    except (TypeError, ValueError, KeyError, AssertionError):
        return None  # not an entry this version wrote: parse the file instead
    return source, documents, findings


def load_text(text: str, rel: str) -> tuple[SourceFile, list[RawDocument], list[Diagnostic]]:
    source = SourceFile(rel, _ignores(text))
    try:
        nodes = _compose_all(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(mark.line + 1, mark.column + 1) if mark else START
        what = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        return source, [], [_gs001(rel, pos, f"YAML cannot be parsed: {what}", "fix the YAML syntax at this position")]
    except YAMLError as exc:
        return source, [], [_gs001(rel, START, f"YAML cannot be parsed: {exc}", "fix the YAML syntax")]
    except _Reject as rej:
        return source, [], [_gs001(rel, rej.pos, rej.message, rej.hint)]
    docs, diags = [], []
    for index, node in enumerate(nodes):
        conv = _Converter(rel)
        try:
            data = conv.convert(node, "", None, 0)
        except _Reject as rej:
            diags.append(_gs001(rel, rej.pos, rej.message, rej.hint))
            continue
        docs.append(RawDocument(rel, index, data, conv.positions))
        diags.extend(_in_document(d, rel, index, data) for d in conv.diagnostics)
    if not nodes:
        # An empty file holds no object; say so instead of passing silently.
        diags.append(make("GS002", rel, START, "file holds no YAML document",
                          "add a document with apiVersion: goalspec/v1 and a kind, or delete the file"))
    return source, docs, diags


def object_key(kind: str | None, ident: str | None, file: str, index: int) -> str:
    """The head of a finding's key path: `Kind/id`, or the document's place when it has no id.

    Key paths, not lines, make SARIF fingerprints, so one object keeps its alerts
    when lines above it change."""
    return f"{kind or '?'}/{ident}" if ident else f"{kind or '?'}/{file}#{index}"


def _in_document(d: Diagnostic, rel: str, index: int, data: Any) -> Diagnostic:
    """Prefix a finding's key path with its object (Kind/id) or document, so that the
    same key in two documents of one file never shares a SARIF fingerprint."""
    kind = data.get("kind") if isinstance(data, dict) else None
    ident = data.get("id") if isinstance(data, dict) else None
    if not isinstance(kind, str):
        kind = ident = None
    head = object_key(kind, ident if isinstance(ident, str) else None, rel, index)
    return replace(d, key_path=f"{head}/{d.key_path}")


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
        comment = line_comment(line) if "goalspec:" in line else None
        m = _IGNORE.match(comment) if comment else None
        if m:
            codes = m.group(1)
            found[number] = frozenset(c.strip().upper() for c in codes.split(",") if c.strip()) if codes else frozenset()
    return found


def line_comment(line: str) -> str | None:
    """The comment a line ends with: a `#` at its start or after a space, outside quotes."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            if char == quote and not (quote == '"' and line[i - 1] == "\\"):
                quote = None
        elif char in "'\"" and (i == 0 or line[i - 1] in " \t:[{,-?"):
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[i:]
    return None


def _mark(node: Node) -> Pos:
    return Pos(node.start_mark.line + 1, min(node.start_mark.column + 1, 0xFFFF))


class _Composer(CParser):
    """libyaml's parser and composer with a resolver that does no work.

    ruamel's own resolver costs more than parsing itself. Here plain scalars keep
    one marker tag and are typed by the converter (YAML 1.2 core schema), so each
    scalar is looked at once.
    """

    def descend_resolver(self, *args) -> None:
        pass

    def ascend_resolver(self, *args) -> None:
        pass

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            return _T_PLAIN if implicit[0] else _T_QUOTED
        return _T_MAP if kind is MappingNode else _T_SEQ


_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _guard_depth(text: str) -> None:
    """Refuse deep nesting before libyaml's recursive composer sees it.

    Tens of thousands of nested flow brackets overflow the C stack (a crash, not
    an exception). Block nesting is bounded by the file size cap. Counting
    brackets over-counts those inside strings, so a suspicious count is confirmed
    with the parser's own (non-recursive) event stream.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    only = _NOT_BRACKET.sub("", text)
    if max(accumulate(map(_DELTA.__getitem__, only)), default=0) <= MAX_DEPTH:
        return
    parser, depth = _Composer(text), 0
    try:
        while parser.check_event():
            event = parser.get_event()
            name = type(event).__name__
            if name in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _Reject(Pos(event.start_mark.line + 1, event.start_mark.column + 1),
                                  "YAML nesting is too deep", f"keep nesting under {MAX_DEPTH} levels")
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
    finally:
        parser.dispose()


def _compose_all(text: str) -> list[Node]:
    _guard_depth(text)
    composer = _Composer(text)
    try:
        nodes = []
        while composer.check_node():
            nodes.append(composer.get_node())
        return nodes
    finally:
        composer.dispose()


def _plain(value: str) -> Any:
    """Type a plain (unquoted) scalar by YAML 1.2's core schema; dates stay text."""
    if value in _NULLS:
        return None
    first = value[0]
    if first in "0123456789+-.":
        if _INT_RE.fullmatch(value):
            return _int(value)
        if _FLOAT_RE.fullmatch(value):
            return _float(value)
        return value
    if first in "tTfF":
        return _BOOLS.get(value, value)
    return value


class _Converter:
    """Turns one composed document into plain values and a position index.

    Aliases share nodes, so a "billion laughs" is small when composed and huge
    when expanded. Expansion is budgeted: a revisited container may add at most
    ten times the document's own nodes, plus a fixed slack.
    """

    def __init__(self, rel: str):
        self.rel = rel
        self.positions: dict[str, int] = {}
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[int] = set()
        self._fresh = 0
        self._expanded = 0

    def convert(self, node: Node, path: str, key: Pos | None, depth: int) -> Any:
        mark = node.start_mark
        here = Pos(mark.line + 1, min(mark.column + 1, 0xFFFF))
        self.positions[path] = pack(key or here, here)
        tag = node.ctag
        if tag is _T_PLAIN:
            return _plain(node.value)
        if tag is _T_QUOTED:
            return node.value
        if depth > MAX_DEPTH:
            raise _Reject(here, "YAML nesting is too deep", f"keep nesting under {MAX_DEPTH} levels")
        if tag is not _T_MAP and tag is not _T_SEQ:
            return self._explicit(node, here, path, depth)
        self._count(node, here)
        if tag is _T_MAP:
            return self._mapping(node, path, depth)
        prefix = path + SEP if path else ""
        return [self.convert(item, f"{prefix}{i}", None, depth + 1) for i, item in enumerate(node.value)]

    def _count(self, node: Node, here: Pos) -> None:
        if id(node) in self._seen:
            self._expanded += len(node.value)
            if self._expanded > 10 * self._fresh + ALIAS_SLACK:
                raise _Reject(here, f"aliases expand this document beyond {self._expanded} nodes",
                              "use fewer nested aliases; a spec does not need exponential expansion")
        else:
            self._seen.add(id(node))
            self._fresh += len(node.value) + 1

    def _explicit(self, node: Node, here: Pos, path: str, depth: int) -> Any:
        tag = str(node.ctag)
        if tag not in _EXPLICIT_OK:
            shown = tag.replace(_TAG, "!!")
            raise _Reject(here, f"tag `{shown}` is not allowed: goalspec never constructs objects from a spec",
                          "remove the tag; specs hold plain strings, numbers, lists and mappings")
        kind = tag[len(_TAG):]
        if isinstance(node, MappingNode) != (kind == "map") or isinstance(node, SequenceNode) != (kind == "seq"):
            raise _Reject(here, f"tag `!!{kind}` does not fit this node", "remove the tag")
        if kind in ("map", "seq"):
            node.ctag = _T_MAP if kind == "map" else _T_SEQ
            return self.convert(node, path, None, depth)
        value = node.value
        if kind in ("str", "timestamp"):
            return value
        typed = _plain(value)
        wanted = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}[kind]
        if not isinstance(typed, wanted) or (kind != "bool" and isinstance(typed, bool)):
            raise _Reject(here, f"`{value}` is not a valid !!{kind}", "remove the tag or fix the value")
        return float(typed) if kind == "float" else typed

    def _mapping(self, node: MappingNode, path: str, depth: int) -> dict[str, Any]:
        prefix = path + SEP if path else ""
        out: dict[str, Any] = {}
        merges = []
        for k, v in node.value:
            if self._is_merge(k):
                merges.append(v)
                continue
            key = self._key(k)
            kmark = k.start_mark
            kpos = Pos(kmark.line + 1, min(kmark.column + 1, 0xFFFF))
            if key in out:
                first = _unpack(self.positions[prefix + key])[0]
                self.diagnostics.append(make(
                    "GS004", self.rel, kpos, f"duplicate key `{key}` (first at line {first.line})",
                    "remove one of the two; YAML keeps only one value per key",
                    key_path=prefix + key))
                continue
            out[key] = self.convert(v, prefix + key, kpos, depth + 1)
        # YAML merge keys (<<: *base, also chained): explicit keys win over merged ones.
        for k, v in self._merged(merges, depth):
            key = self._key(k)
            if key not in out:
                out[key] = self.convert(v, prefix + key, _mark(k), depth + 1)
        return out

    def _merged(self, merges: list[Node], depth: int):
        """The key/value nodes that merge keys bring in, nearest first."""
        for merged in merges:
            sources = merged.value if isinstance(merged, SequenceNode) else [merged]
            for source in sources:
                if depth > MAX_DEPTH:
                    raise _Reject(_mark(source), "YAML nesting is too deep", f"keep nesting under {MAX_DEPTH} levels")
                if not isinstance(source, MappingNode):
                    raise _Reject(_mark(source), "`<<` must merge a mapping", "merge an anchored mapping: `<<: *base`")
                self._count(source, _mark(source))
                own = [(k, v) for k, v in source.value if not self._is_merge(k)]
                yield from own
                yield from self._merged([v for k, v in source.value if self._is_merge(k)], depth + 1)

    @staticmethod
    def _is_merge(k: Node) -> bool:
        return isinstance(k, ScalarNode) and k.ctag is _T_PLAIN and k.value == "<<"

    def _key(self, k: Node) -> str:
        """A mapping key as text: a plain or quoted scalar; a tag on a key is a finding like anywhere else."""
        if not isinstance(k, ScalarNode):
            raise _Reject(_mark(k), "a mapping key must be a plain word, not a list or mapping",
                          "use a plain key such as `title:`")
        if k.ctag is not _T_PLAIN and k.ctag is not _T_QUOTED:
            tag = str(k.ctag)
            if tag != _TAG + "str":
                shown = tag.replace(_TAG, "!!")
                raise _Reject(_mark(k), f"tag `{shown}` is not allowed: goalspec never constructs objects from a spec",
                              "remove the tag; keys are plain words")
        return k.value


def _int(text: str) -> int:
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
        return text  # "0x" alone or "1__": not a number after all, keep the text


def _float(text: str) -> float:
    s = text.replace("_", "").lower()
    if s.endswith((".inf", ".nan")):
        return float(s.replace(".", ""))
    return float(s)
