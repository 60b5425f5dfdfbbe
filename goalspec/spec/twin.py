"""Regular expressions that run in ASCII mode on ASCII text.

Reading titles (GS101, GS103, GS306) is a tenth of a check, and most of it is `re` matching
``\\b``, ``\\w``, ``\\d`` and ``\\s`` the Unicode way. On text that is all ASCII, an ASCII-mode
pattern finds exactly what the Unicode one finds, faster (the longest, GS101's NOT_AMOUNT, in a
third of the time; title reading as a whole in about four fifths): the classes agree on
every ASCII character except four control characters (``\\x1c``-``\\x1f``, which Unicode counts
as white space), and case-insensitive matching agrees as long as the pattern holds no non-ASCII
letter that folds to an ASCII one (``ſ``, ``K``, ``ı``, ``İ``; the test of every twin checks).
So each pattern is compiled both ways, each only when first used, and every call picks by its
text: the Unicode pattern stays the reference for every other text.
"""

from __future__ import annotations

import re


def plain(text: str) -> bool:
    """Text on which a pattern's ASCII twin finds what the pattern finds: ASCII, without the four
    characters Unicode's \\s holds and ASCII's does not (four `in`s are four times faster than a
    search for a class)."""
    return (text.isascii() and "\x1c" not in text and "\x1d" not in text and "\x1e" not in text
            and "\x1f" not in text)


# A title is matched by a dozen patterns in a row: the last text's answer is remembered, by
# identity (the string is kept alive here, so its id is not reused), as one tuple: one store,
# so a thread never reads one text's answer for another.
_last: tuple = (None, False)


class Twin:
    """A compiled pattern's stand-in with the methods the title readers call; ``pattern`` and
    ``flags`` are the Unicode pattern's."""

    __slots__ = ("pattern", "flags", "_wide", "_narrow")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._wide: re.Pattern | None = None
        self._narrow: re.Pattern | None = None

    def wide(self) -> re.Pattern:
        if self._wide is None:
            self._wide = re.compile(self.pattern, self.flags)
        return self._wide

    def narrow(self) -> re.Pattern:
        if self._narrow is None:
            self._narrow = re.compile(self.pattern, (self.flags & ~re.UNICODE) | re.ASCII)
        return self._narrow

    def on(self, text: str) -> re.Pattern:
        global _last
        last = _last
        if text is not last[0]:
            _last = last = (text, plain(text))
        if last[1]:
            return self._narrow or self.narrow()
        return self._wide or self.wide()

    # Each method picks inline: one Python call less per match, on the hottest path of a check.
    def search(self, text: str, *span: int) -> re.Match | None:
        global _last
        last = _last
        if text is not last[0]:
            _last = last = (text, plain(text))
        return ((self._narrow or self.narrow()) if last[1] else (self._wide or self.wide())).search(text, *span)

    def match(self, text: str, *span: int) -> re.Match | None:
        global _last
        last = _last
        if text is not last[0]:
            _last = last = (text, plain(text))
        return ((self._narrow or self.narrow()) if last[1] else (self._wide or self.wide())).match(text, *span)

    def finditer(self, text: str, *span: int):
        global _last
        last = _last
        if text is not last[0]:
            _last = last = (text, plain(text))
        return ((self._narrow or self.narrow()) if last[1] else (self._wide or self.wide())).finditer(text, *span)

    def fullmatch(self, text: str, *span: int) -> re.Match | None:
        return self.on(text).fullmatch(text, *span)

    def findall(self, text: str, *span: int) -> list:
        return self.on(text).findall(text, *span)

    def sub(self, repl, text: str, count: int = 0) -> str:
        return self.on(text).sub(repl, text, count)

    def split(self, text: str, maxsplit: int = 0) -> list:
        return self.on(text).split(text, maxsplit)

    @property
    def groupindex(self):
        return self.wide().groupindex

    def __repr__(self) -> str:
        return f"Twin({self.pattern!r}, {self.flags!r})"


def twin(pattern: str, flags: int = 0) -> Twin:
    return Twin(pattern, flags)
