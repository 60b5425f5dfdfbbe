"""Inside the loader: the common file read in one pass over libyaml's events.

Composing a node tree and then walking it cost twice what the parse itself
costs. Most spec files hold nothing but plain and quoted scalars, mappings with
plain keys and lists, and those are built here straight from the parser's events,
with exactly the values and positions the composer and converter (compose.py)
give. Anything else (an anchor, an alias, a tag, a merge key, a duplicate or
over-long key, a key that is not a scalar, deep nesting, a key-path budget
overrun, a syntax error) makes this pass give up, and the file goes the full way,
which reports it; so a finding never depends on which way a file went.
"""

from __future__ import annotations

import sys
from typing import Any

from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (AliasEvent, DocumentEndEvent, MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent,
                                SequenceStartEvent)

from goalspec.spec.compose import MAX_DEPTH, MAX_KEY, SEP, _Composer, _plain

_COLUMN = 0xFFFF
# Keys, key paths and short values repeat across thousands of documents ("title", "target/value",
# an owner's id, a week's date): one shared copy each, a third of a large tree's memory.
_intern = sys.intern
_SHORT = 40


def _typed(value: str, plain: bool, ints: dict[int, int]) -> Any:
    if plain:
        value = _plain(value)
        if type(value) is int:
            # A file's equal whole numbers are one object (a check-in's weekly values repeat across
            # its documents); floats are not, as -0.0 equals 0.0 and is kept as written.
            return ints.setdefault(value, value)
        if type(value) is not str:
            return value
    return _intern(value) if len(value) <= _SHORT else value


class _GiveUp(Exception):
    pass


def documents(text: str, budget: int) -> list[tuple[Any, dict[str, int]]] | None:
    """Each document's plain data and packed positions, or None when the file needs the full way."""
    parser = _Composer(text)
    try:
        return _documents(parser, budget)
    except (_GiveUp, YAMLError):
        return None
    finally:
        parser.dispose()


def _documents(parser: _Composer, budget: int) -> list[tuple[Any, dict[str, int]]]:
    out: list[tuple[Any, dict[str, int]]] = []
    get = parser.get_event
    # One frame per open container: [container, its path + SEP (or ""), is a mapping,
    # the key waiting for its value, that key's packed position].
    stack: list[list] = []
    positions: dict[str, int] = {}
    ints: dict[int, int] = {}
    root: Any = None
    while parser.check_event():
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _GiveUp
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            here = (line << 16) | (column if column < _COLUMN else _COLUMN)
            if stack:
                frame = stack[-1]
                if frame[2]:
                    key = frame[3]
                    if key is None:  # a key: plain words only, once each
                        value = event.value
                        if not value or len(value) > MAX_KEY or value in frame[0] or (value == "<<" and event.implicit[0]):
                            raise _GiveUp
                        budget -= len(frame[1])  # what the converter charges per key path
                        if budget < 0:
                            raise _GiveUp
                        frame[3], frame[4] = _intern(value), here
                        continue
                    frame[3] = None
                    positions[_intern(frame[1] + key)] = (frame[4] << 40) | here
                    frame[0][key] = _typed(event.value, event.implicit[0], ints)
                else:
                    items = frame[0]
                    budget -= len(frame[1]) + 6
                    if budget < 0:
                        raise _GiveUp
                    positions[_intern(frame[1] + str(len(items)))] = (here << 40) | here
                    items.append(_typed(event.value, event.implicit[0], ints))
            else:
                positions[""] = (here << 40) | here
                root = _plain(event.value) if event.implicit[0] else event.value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or len(stack) > MAX_DEPTH:
                raise _GiveUp
            mark = event.start_mark
            line, column = mark.line + 1, mark.column + 1
            here = (line << 16) | (column if column < _COLUMN else _COLUMN)
            container: Any = {} if kind is MappingStartEvent else []
            if stack:
                frame = stack[-1]
                if frame[2]:
                    key = frame[3]
                    if key is None:
                        raise _GiveUp  # a mapping or list as a key
                    frame[3] = None
                    path = _intern(frame[1] + key)
                    positions[path] = (frame[4] << 40) | here
                    frame[0][key] = container
                else:
                    budget -= len(frame[1]) + 6
                    if budget < 0:
                        raise _GiveUp
                    path = _intern(frame[1] + str(len(frame[0])))
                    positions[path] = (here << 40) | here
                    frame[0].append(container)
                prefix = path + SEP
            else:
                positions[""] = (here << 40) | here
                root, prefix = container, ""
            stack.append([container, prefix, kind is MappingStartEvent, None, 0])
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
        elif kind is DocumentEndEvent:
            out.append((root, positions))
            positions, root = {}, None
        elif kind is AliasEvent:
            raise _GiveUp
    return out
