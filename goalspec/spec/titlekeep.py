"""What was read of a large tree's goal titles, kept between runs.

The parse workers read each goal title of the files they parse (titleread). A file the load
cache answers is not parsed, so a check run again on an unchanged large tree read every title
again, on one core: at 10k goals, most of a second of a 2.7 s check. What was read of each
title is kept in the load cache's folder, one entry per tree (its folder), as plain data; the
entry holds the titles of the tree's last run only, so it never grows past the tree.

A reading depends on the title and on the code that reads it. The entry's key holds the
content of every module the reading runs (``READERS``; a test holds the list to titleread's
imports), so an edited reader never answers with what an older one read. A damaged entry is
read as no entry. A tree read at a git revision is checked in a copy in a temporary folder, whose
entry no later run finds: the cache's bound (GOALSPEC_CACHE_MAX_MB) removes it in time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable, Mapping

from goalspec.spec import titleread
from goalspec.spec.cache import FileCache
from goalspec.spec.titles import TitleNumber
from goalspec.spec.vague import Verdict

# The modules of goalspec.spec that read a title, titleread's own imports and theirs.
READERS = ("titleread", "vague", "when", "lexicon", "twin", "titles", "periods")
# Fewer goal titles than this are read in less time than the entry takes to read and write.
FROM = 500

_HERE = Path(__file__).parent


def _code() -> str:
    digest = hashlib.sha256()
    for name in READERS:
        digest.update(name.encode() + b"\0" + (_HERE / f"{name}.py").read_bytes() + b"\0")
    return digest.hexdigest()


def plain(told: tuple) -> tuple:
    """A title's reading (titleread.read's) as marshal's plain data."""
    verdict, (quantities, others, amounts), times = told
    v = None if verdict is None else (verdict.kind, verdict.phrase, verdict.discounted)
    return v, (quantities, others, tuple((n.value, n.percent, n.signed, n.text) for n in amounts)), times


def _pairs(items: Any, of: tuple) -> bool:
    return type(items) is tuple and all(type(i) is tuple and len(i) == 2 and type(i[0]) in of and type(i[1]) in of
                                        for i in items)


def told(p: Any) -> tuple:
    """``plain``'s data as the reading it was made of; ValueError or TypeError when it is none (the
    rules would stumble on a reading of the wrong shape: a damaged entry is read again instead)."""
    v, (quantities, others, amounts), times = p
    if not (type(quantities) is tuple and all(type(q) is str for q in quantities) and _pairs(others, (str,))
            and _pairs(times, (int,)) and type(amounts) is tuple):
        raise ValueError("not a reading")
    numbers = []
    for value, percent, signed, text in amounts:
        if not (type(value) in (int, float) and type(percent) is bool and type(signed) is bool and type(text) is str):
            raise ValueError("not a number read from a title")
        numbers.append(TitleNumber(value, percent, signed, text))
    verdict = None
    if v is not None:
        kind, phrase, discounted = v
        if not (type(kind) is str and type(phrase) is str and _pairs(discounted, (str,))):
            raise ValueError("not a verdict")
        verdict = Verdict(kind, phrase, discounted)
    return verdict, (quantities, others, tuple(numbers)), times


def complete(root: Path, documents: Iterable, read: Mapping[str, tuple], cache: Any) -> Mapping[str, tuple]:
    """Every goal title's reading for a tree of ``FROM`` goal titles or more: ``read`` (what the parse
    workers read), the kept entry's, and the others read now; kept for the next run. A smaller tree,
    or a run with no load cache on disk (none, or a MemoryCache: serve, `check --base`), is given
    ``read`` as it is: its titles are read when the rules ask."""
    if not isinstance(cache, FileCache):  # asked first: a cold check (no cache) lists no titles
        return read
    titles = titleread.goal_titles(documents)
    if len(titles) < FROM:
        return read
    store = FileCache(cache.folder, f"titles|{_code()}", cache.max_bytes)
    key = str(root.resolve()).encode()
    kept = store.get(key)
    if not isinstance(kept, dict):
        kept = {}
    known, fresh = dict(read), []
    for title in titles:
        if title in known:
            continue
        try:
            known[title] = told(kept[title])
        except (KeyError, TypeError, ValueError):
            fresh.append(title)
    known.update(zip(fresh, titleread.read(fresh)))
    if kept.keys() != set(titles) or fresh:
        store.put(key, {title: plain(known[title]) for title in titles})
    return known
