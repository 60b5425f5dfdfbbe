"""Inside the loader: YAML text to plain values, with every key's and value's position.

libyaml parses and composes (through ruamel.yaml's C parser, with a resolver that
does no work); the converter here types plain scalars by YAML 1.2's core schema
and refuses every tag outside it, so nothing is ever constructed from a spec. It
also guards what would hurt: nesting deep enough to crash libyaml, aliases that
expand without bound.
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from ruamel.yaml.cyaml import CParser
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tag import Tag

from goalspec.diagnostics import Diagnostic, Pos, make
from goalspec.spec.positions import SEP, pack, unpack

MAX_DEPTH = 64
# No goalspec key (a field, a date, a rule code) comes near this; YAML's own simple keys stop at 1024.
MAX_KEY = 256
# Every node is indexed by its key path, so a long key over a long list costs length × items.
# A document's key paths may take this many characters per character of the file, plus a slack.
PATH_BUDGET_RATIO, PATH_BUDGET_SLACK = 64, 1 << 20
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

class Reject(Exception):
    def __init__(self, pos: Pos, message: str, hint: str):
        super().__init__(message)
        self.pos, self.message, self.hint = pos, message, hint


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
                    raise Reject(Pos(event.start_mark.line + 1, event.start_mark.column + 1),
                                  "YAML nesting is too deep", f"keep nesting under {MAX_DEPTH} levels")
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
    finally:
        parser.dispose()


def compose_all(text: str) -> list[Node]:
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


class Converter:
    """Turns one composed document into plain values and a position index.

    Aliases share nodes, so a "billion laughs" is small when composed and huge
    when expanded. Expansion is budgeted: a revisited container may add at most
    ten times the document's own nodes, plus a fixed slack.
    """

    def __init__(self, rel: str, path_budget: int = PATH_BUDGET_SLACK):
        self.rel = rel
        self.positions: dict[str, int] = {}
        # Shared by the documents of one file: the caller hands what one document left to the next.
        self.path_budget = path_budget
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
            raise Reject(here, "YAML nesting is too deep", f"keep nesting under {MAX_DEPTH} levels")
        if tag is not _T_MAP and tag is not _T_SEQ:
            return self._explicit(node, here, path, depth)
        self._count(node, here)
        if tag is _T_MAP:
            return self._mapping(node, path, depth)
        prefix = path + SEP if path else ""
        self._charge(len(node.value) * (len(prefix) + 6), here)
        return [self.convert(item, f"{prefix}{i}", None, depth + 1) for i, item in enumerate(node.value)]

    def _charge(self, chars: int, here: Pos) -> None:
        # Charged per container (not per node), so the common case costs one subtraction a list or mapping.
        self.path_budget -= chars
        if self.path_budget < 0:
            raise Reject(here, "the keys and lists of this document are too long to index",
                          "shorten the long keys or split the long lists; spec files are meant to be small")

    def _count(self, node: Node, here: Pos) -> None:
        if id(node) in self._seen:
            self._expanded += len(node.value)
            if self._expanded > 10 * self._fresh + ALIAS_SLACK:
                raise Reject(here, f"aliases expand this document beyond {self._expanded} nodes",
                              "use fewer nested aliases; a spec does not need exponential expansion")
        else:
            self._seen.add(id(node))
            self._fresh += len(node.value) + 1

    def _explicit(self, node: Node, here: Pos, path: str, depth: int) -> Any:
        tag = str(node.ctag)
        if tag not in _EXPLICIT_OK:
            shown = tag.replace(_TAG, "!!")
            raise Reject(here, f"tag `{shown}` is not allowed: goalspec never constructs objects from a spec",
                          "remove the tag; specs hold plain strings, numbers, lists and mappings")
        kind = tag[len(_TAG):]
        if isinstance(node, MappingNode) != (kind == "map") or isinstance(node, SequenceNode) != (kind == "seq"):
            raise Reject(here, f"tag `!!{kind}` does not fit this node", "remove the tag")
        if kind in ("map", "seq"):
            node.ctag = _T_MAP if kind == "map" else _T_SEQ
            return self.convert(node, path, None, depth)
        value = node.value
        if kind in ("str", "timestamp"):
            return value
        typed = _plain(value)
        wanted = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}[kind]
        if not isinstance(typed, wanted) or (kind != "bool" and isinstance(typed, bool)):
            raise Reject(here, f"`{value}` is not a valid !!{kind}", "remove the tag or fix the value")
        return float(typed) if kind == "float" else typed

    def _mapping(self, node: MappingNode, path: str, depth: int) -> dict[str, Any]:
        prefix = path + SEP if path else ""
        self._charge(len(node.value) * len(prefix), _mark(node))
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
                first = unpack(self.positions[prefix + key])[0]
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
                    raise Reject(_mark(source), "YAML nesting is too deep", f"keep nesting under {MAX_DEPTH} levels")
                if not isinstance(source, MappingNode):
                    raise Reject(_mark(source), "`<<` must merge a mapping", "merge an anchored mapping: `<<: *base`")
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
            raise Reject(_mark(k), "a mapping key must be a plain word, not a list or mapping",
                          "use a plain key such as `title:`")
        if k.ctag is not _T_PLAIN and k.ctag is not _T_QUOTED:
            tag = str(k.ctag)
            if tag != _TAG + "str":
                shown = tag.replace(_TAG, "!!")
                raise Reject(_mark(k), f"tag `{shown}` is not allowed: goalspec never constructs objects from a spec",
                              "remove the tag; keys are plain words")
        if len(k.value) > MAX_KEY:
            raise Reject(_mark(k), f"a mapping key of {len(k.value)} characters (at most {MAX_KEY})",
                          "keys are field names, dates and codes; put long text in a value")
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
