"""A document's positions, kept small: a tree of 100k goals keeps a few million of them.

The loader finds, for each key path of a document (``target/value``; the empty path is the
document), the packed position of its key and of its value (pack, below). Kept as a dict of
ints, that was about a kilobyte a document, the largest part of a loaded tree. Here the paths
are a *shape* shared by every document written the same way (a hundred goals with the same
fields have one), and the positions one array of two 40-bit numbers per path.

Apart from the parser (compose.py), which imports ruamel.yaml: a tree read whole from the load
cache parses nothing, and imports no YAML library.
"""

from __future__ import annotations

import weakref
from array import array
from collections.abc import Iterator, Mapping
from functools import reduce
from operator import or_

from goalspec.diagnostics import Pos

SEP = "/"
_LOW = (1 << 40) - 1
_NARROW = (1 << 32) - 1  # a position whose line and column are both under 65,536
_DOWN = (1 << 40) - (1 << 32)


def pack(key: Pos, value: Pos) -> int:
    """Two positions in one int: a tree of 100k goals keeps millions of them."""
    return (((key.line << 16) | key.column) << 40) | (value.line << 16) | value.column


def unpack(n: int) -> tuple[Pos, Pos]:
    hi, lo = n >> 40, n & _LOW
    return Pos(hi >> 16, hi & 0xFFFF), Pos(lo >> 16, lo & 0xFFFF)


class _Shape:
    """The key paths of a document, in order, and each one's index."""

    __slots__ = ("index", "__weakref__")

    def __init__(self, paths: tuple[str, ...]) -> None:
        self.index = {p: i for i, p in enumerate(paths)}


# Shapes live as long as a document has them: `serve` reloads edited files for hours.
_SHAPES: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


class Positions:
    """Read like the dict it is made from: path -> packed position; iterated in the same order."""

    # _at holds one number per path, key and value 32 bits each, when every line and column is
    # under 65,536 (half the memory: the 100k tree keeps 3 million); else two 40-bit numbers.
    __slots__ = ("_shape", "_at", "_wide")

    def __init__(self, packed: Mapping[str, int]) -> None:
        paths = tuple(packed)
        shape = _SHAPES.get(paths)
        if shape is None:
            shape = _SHAPES[paths] = _Shape(paths)
        self._shape = shape
        values = packed.values()
        # Narrow when no key line (bits 72 and up) and no value line (bits 32 to 39) reaches 65,536:
        # one OR over the numbers tells.
        either = reduce(or_, values, 0)
        self._wide = either >> 72 != 0 or (either >> 32) & 0xFF != 0
        if self._wide:
            flat = []
            for n in values:
                flat += (n >> 40, n & _LOW)
            self._at = array("Q", flat)
        else:
            # (key << 40 | value) to (key << 32 | value): the key moves down by eight bits
            self._at = array("Q", [n - (n >> 40) * _DOWN for n in values])

    def __contains__(self, path: object) -> bool:
        return path in self._shape.index

    def __getitem__(self, path: str) -> int:
        i = self._shape.index[path]
        if self._wide:
            return (self._at[2 * i] << 40) | self._at[2 * i + 1]
        n = self._at[i]
        return (n >> 32) << 40 | (n & _NARROW)

    def get(self, path: str, default: int | None = None) -> int | None:
        return self[path] if path in self._shape.index else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._shape.index)

    def __len__(self) -> int:
        return len(self._shape.index)

    def items(self) -> Iterator[tuple[str, int]]:
        return ((p, self[p]) for p in self._shape.index)

    def as_dict(self) -> dict[str, int]:
        return dict(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Positions) and self._shape is other._shape and self._wide == other._wide:
            return self._at == other._at  # documents written alike: one shape, compare the numbers
        if isinstance(other, Positions):
            return self.as_dict() == other.as_dict()  # a copy (pickled, say) has a shape of its own
        return isinstance(other, Mapping) and self.as_dict() == dict(other)

    __hash__ = None  # type: ignore[assignment]  # equal to a dict, mutable-looking: unhashable like one

    def __repr__(self) -> str:
        return f"Positions({self.as_dict()!r})"
