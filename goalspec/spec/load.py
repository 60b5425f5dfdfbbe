"""Find the spec files, parse them, and keep where every key and value is.

Parsing uses ruamel.yaml's C parser (libyaml marks, no round-trip objects): a
plain file is built from the parser's events in one pass (stream.py); any other
goes through the composer, then each node tree is converted into plain Python
values (compose.py), which report what the one pass gave up on.
Nothing is constructed by the YAML library: scalars are converted by tag, and
every tag outside YAML's core schema is a finding. So no spec can make goalspec
build an object, call a function or run code. This module finds the files,
decodes them, reads the ignore comments, uses the cache and, for a large tree,
forked workers.
"""

from __future__ import annotations

import marshal
import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator, Mapping

from goalspec.spec.cache import FileCache, MemoryCache
from goalspec.spec.cores import spare_cores
from goalspec.spec.positions import SEP, Positions, unpack  # SEP: the key-path separator other stages import from here
from goalspec.diagnostics import START, Diagnostic, Pos, make

MAX_FILE_BYTES = 10 * 1024 * 1024
_IGNORE = re.compile(r"#\s*goalspec:\s*ignore(?:\[([A-Za-z0-9,\s]*)\])?")

@dataclass(frozen=True, slots=True)
class RawDocument:
    """One YAML document as loaded: plain data plus where each part of it stands.

    ``positions`` maps a key path (``target/value``, ``members/0/id``; the empty
    path is the document itself) to the packed key and value positions.
    """

    file: str
    index: int
    data: Any
    positions: Positions

    def value_pos(self, path: str = "") -> Pos:
        return unpack(self._nearest(path))[1]

    def key_pos(self, path: str) -> Pos:
        return unpack(self._nearest(path))[0]

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
    # For a file that could not be parsed (GS001): what its text appears to define (ids, and
    # `kind:Goal`-style markers), so that findings it would have prevented are held back.
    # None for a file that parsed.
    broken: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Loaded:
    root: Path
    files: tuple[SourceFile, ...]
    documents: tuple[RawDocument, ...]
    diagnostics: tuple[Diagnostic, ...]
    # Goal titles the parse workers read while parsing (titleread.py): reading them is the largest
    # part of the rules, and there it runs on every core.
    titles: Mapping[str, tuple] = field(default_factory=dict, compare=False)


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
    forked workers parse it, one per idle core (spec/cores.py), taking chunks of files in turn, and
    hand each file back in the cache's marshal form, which costs a fraction of
    parsing it.
    """
    paths = discover(root)
    rels = [path.relative_to(root).as_posix() for path in paths]
    refused = _refused(root, paths, rels)
    loaded: list[tuple | None] = [refused.get(i) or (_cached(path, rel, cache) if cache else None)
                                  for i, (path, rel) in enumerate(zip(paths, rels))]
    todo = [i for i, hit in enumerate(loaded) if hit is None]
    if jobs is None:
        big = len(todo) > 1 and _total_size([paths[i] for i in todo]) >= PARALLEL_BYTES
        jobs = spare_cores() if big else 1
    titles: dict[str, tuple] = {}
    if jobs > 1 and len(todo) > 1 and _can_fork():
        for i, (blob, raw) in zip(todo, _parse_in_workers([paths[i] for i in todo], [rels[i] for i in todo], cache, jobs,
                                                          titles)):
            entry = marshal.loads(blob)
            loaded[i] = _from_cache(entry, rels[i])
            if raw is not None and isinstance(cache, MemoryCache):  # what a worker remembers dies with it
                cache.keep(raw, entry)
    else:
        for i in todo:
            loaded[i] = load_file(paths[i], rels[i], cache)
    files, documents, diagnostics = [], [], []
    for source, docs, diags in loaded:
        files.append(source)
        documents.extend(docs)
        diagnostics.extend(diags)
    return Loaded(root, tuple(files), tuple(documents), tuple(diagnostics), titles)


def _refused(root: Path, paths: list[Path], rels: list[str]) -> dict[int, tuple]:
    """The files goalspec does not open: links that lead outside the tree (nothing outside it is
    read), links that loop, and anything that is not a regular file (a FIFO would block forever)."""
    out: dict[int, tuple] = {}
    top = None
    for i, (path, rel) in enumerate(zip(paths, rels)):
        try:
            if stat.S_ISREG(os.lstat(path).st_mode):
                continue  # the common case: one lstat, nothing resolved
            if top is None:
                top = root.resolve()
            target = path.resolve(strict=True)
            if not target.is_relative_to(top):
                why = ("file is a link to a file outside the tree",
                       "goalspec reads nothing outside the tree: copy the file into it, or link to a file inside it")
            elif not stat.S_ISREG(target.stat().st_mode):
                why = ("file is not a regular file (a FIFO, device or socket)", "replace it with a plain YAML file")
            else:
                continue
        except (OSError, RuntimeError):  # a dangling link, or one that loops
            why = ("file is a link that leads nowhere (dangling, or a loop)", "remove the link or point it at a spec file")
        out[i] = (SourceFile(rel), [], [_gs001(rel, START, *why)])
    return out


def _cached(path: Path, rel: str, cache: FileCache) -> tuple | None:
    try:
        raw = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else None
    except OSError:
        return None  # load_file reports it
    if raw is None:
        return None
    entry = cache.get(raw)
    if not isinstance(cache, MemoryCache) or entry is None:
        return _from_cache(entry, rel)
    # serve: the documents of a file not saved since are the very objects of the last check, not
    # made again (their positions cost most of taking 400 files from memory); later stages key
    # their own memos on them (validate's ``memo``).
    made = cache.loaded.get(rel)
    if made is None or made[0] is not entry:
        made = cache.loaded[rel] = (entry, _from_cache(entry, rel))
    return made[1]


class _Recording:
    """A worker's stand-in for a memory cache: the disk cache behind it, and the content it
    was asked about, which the parent keeps with the entry the worker hands back."""

    def __init__(self, behind: FileCache | None):
        self.behind, self.raw = behind, None

    def get(self, raw: bytes) -> Any | None:
        self.raw = raw
        return self.behind.get(raw) if self.behind is not None else None

    def put(self, raw: bytes, entry: Any) -> None:
        self.raw = raw
        if self.behind is not None:
            self.behind.put(raw, entry)


def _can_fork() -> bool:
    import multiprocessing  # only a large tree to parse needs it: not imported by a small or cached one

    return "fork" in multiprocessing.get_all_start_methods()


CHUNK = 32  # files per task: results come back, in order, as chunks are done


def _parse_in_workers(paths: list[Path], rels: list[str], cache: FileCache | None, jobs: int,
                      titles: dict[str, tuple]) -> Iterator[tuple[bytes, bytes | None]]:
    """Each file's cache entry (marshalled) and content, in order, as the workers finish them: the
    parent turns each into documents while the rest are parsed, and no one holds every file's
    entry at once (at 100k goals, 80 MB of them). ``titles`` is given each goal title's reading."""
    import multiprocessing

    # imported once, before the fork, not by each worker: the parser, and the titles' reader
    from goalspec.spec import stream, titleread, yamlerrors  # noqa: F401

    global _pending
    _pending = (paths, rels, cache)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for part, read, readings in pool.imap(_load_chunk, range(0, len(paths), CHUNK)):
                titles.update(zip(read, readings))
                yield from part
    finally:
        _pending = None


def _total_size(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # load_file reports it
    return total


def _load_chunk(start: int) -> tuple[list[tuple[bytes, bytes | None]], list[str], list[tuple]]:
    from goalspec.spec import titleread

    paths, rels, cache = _pending
    out, titles = [], {}
    for path, rel in zip(paths[start:start + CHUNK], rels[start:start + CHUNK]):
        recording = _Recording(cache.behind) if isinstance(cache, MemoryCache) else None
        loaded = load_file(path, rel, recording or cache)
        out.append((marshal.dumps(_to_cache(*loaded)), recording.raw if recording else None))
        titles.update(dict.fromkeys(titleread.goal_titles(loaded[1])))
    return out, list(titles), titleread.read(list(titles))


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
        None if source.broken is None else sorted(source.broken),
        [(d.index, d.data, d.positions.as_dict()) for d in docs],
        [(d.code, d.line, d.column, d.id, d.message, d.hint, d.key_path) for d in diags],
    )


def _from_cache(entry: Any, rel: str) -> tuple[SourceFile, list[RawDocument], list[Diagnostic]] | None:
    try:
        ignores, broken, docs, diags = entry
        source = SourceFile(rel, {line: frozenset(codes) for line, codes in ignores.items()},
                            None if broken is None else frozenset(broken))
        documents = [RawDocument(rel, index, data, Positions(positions)) for index, data, positions in docs]
        findings = [make(code, rel, Pos(line, col), message, hint, id=ident, key_path=key_path)
                    for code, line, col, ident, message, hint, key_path in diags]
    except (TypeError, ValueError, KeyError, AssertionError, AttributeError):
        return None  # not an entry this version wrote: parse the file instead
    return source, documents, findings


def load_text(text: str, rel: str) -> tuple[SourceFile, list[RawDocument], list[Diagnostic]]:
    # The parser and ruamel.yaml are imported by the first file parsed: a tree read whole
    # from the load cache (a check run again) imports neither.
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from goalspec.spec.compose import PATH_BUDGET_RATIO, PATH_BUDGET_SLACK, Converter, Reject, compose_all
    from goalspec.spec.stream import documents
    from goalspec.spec.yamlerrors import explain_yaml_error, salvage

    source = SourceFile(rel, _ignores(text))
    budget = PATH_BUDGET_RATIO * len(text) + PATH_BUDGET_SLACK
    plain = documents(text, budget)  # the common file, in one pass; None: the full way below
    if plain is not None:
        return source, [RawDocument(rel, i, data, Positions(positions)) for i, (data, positions) in enumerate(plain)], \
            [] if plain else [_no_document(rel)]
    try:
        nodes = compose_all(text)
    except MarkedYAMLError as exc:
        broken = replace(source, broken=salvage(text))
        return broken, [], [_gs001(rel, *explain_yaml_error(exc, text))]
    except YAMLError as exc:
        return replace(source, broken=salvage(text)), [], [_gs001(rel, START, f"YAML cannot be parsed: {exc}",
                                                                  "fix the YAML syntax")]
    except Reject as rej:
        return source, [], [_gs001(rel, rej.pos, rej.message, rej.hint)]
    docs, diags = [], []
    for index, node in enumerate(nodes):
        conv = Converter(rel, budget)
        try:
            data = conv.convert(node, "", None, 0)
        except Reject as rej:
            diags.append(_gs001(rel, rej.pos, rej.message, rej.hint))
            continue
        budget = conv.path_budget
        docs.append(RawDocument(rel, index, data, Positions(conv.positions)))
        diags.extend(_in_document(d, rel, index, data) for d in conv.diagnostics)
    if not nodes:
        diags.append(_no_document(rel))
    return source, docs, diags


def _no_document(rel: str) -> Diagnostic:
    # An empty file holds no object; say so instead of passing silently.
    return make("GS002", rel, START, "file holds no YAML document",
                "add a document with apiVersion: goalspec/v1 and a kind, or delete the file")


def object_key(kind: str | None, ident: str | None, data: Any = None) -> str:
    """The head of a finding's key path: `Kind/id`, or, for a document without an id, what
    it is about (a check-in's KPI and date, a name), never its place in the file.

    Key paths, not lines or document numbers, make SARIF fingerprints, so one object
    keeps its alerts when lines or documents above it change."""
    if ident:
        return f"{kind or '?'}/{ident}"
    if not isinstance(data, dict):
        return f"{kind or '?'}/({type(data).__name__})"
    about = _ABOUT if kind is None else _ABOUT[1:]  # an unknown kind is part of what the document is
    return f"{kind or '?'}/" + ",".join(f"{k}={data[k]}" for k in about if _scalar(data.get(k)))


# What an object without an id is about, and what names a list item (else its shape or value).
_ABOUT = ("kind", "kpi", "date", "name", "title")
_ITEM = ("id", "goal", "kpi", "team", "date", "field", "op")


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def content_path(data: Any, path: str) -> str:
    """A key path within ``data`` with each list index replaced by what the item is (its
    id, goal, date, field..., else its own value or shape), so that a finding keeps its
    key when list items are inserted before its own."""
    if not path:
        return path
    node, out = data, []
    for part in path.split(SEP):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            if isinstance(node, dict):
                named = ",".join(f"{k}={node[k]}" for k in _ITEM if _scalar(node.get(k)))
                out.append(f"[{named or ','.join(sorted(node))}]")
            else:
                out.append(f"[={node}]" if _scalar(node) or node is None else f"[{type(node).__name__}]")
        else:
            node = node.get(part) if isinstance(node, dict) else None
            out.append(part)
    return SEP.join(out)


def _in_document(d: Diagnostic, rel: str, index: int, data: Any) -> Diagnostic:
    """Prefix a finding's key path with its object (Kind/id, or what a document without an
    id is about), so that the same key in two objects of one file never shares a SARIF
    fingerprint."""
    kind = data.get("kind") if isinstance(data, dict) else None
    ident = data.get("id") if isinstance(data, dict) else None
    if not isinstance(kind, str):
        kind = ident = None
    head = object_key(kind, ident if isinstance(ident, str) else None, data)
    return replace(d, key_path=f"{head}/{content_path(data, d.key_path)}")


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
