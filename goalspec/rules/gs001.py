"""YAML cannot be parsed.

The file is not YAML goalspec can read: a syntax error (the position is the
parser's mark), a file that is binary or not UTF-8, a file over the size limit
(10 MiB), nesting deeper than 64 levels, aliases that expand a document far
beyond its own size (a "billion laughs"), a mapping key over 256 characters,
keys and lists too long to index, or a tag. goalspec never constructs objects
from tags such as ``!!python/object``: a spec is data, never code. A spec file
that is a link out of the tree, a link that dangles or loops, or not a regular
file is not opened at all.

Why: a file that cannot be read hides every goal in it; CI must stop.

How to fix: correct the syntax at the position shown; remove tags; keep spec
files small, UTF-8 and free of nested alias tricks.

*Anti-pattern*

    title: "Book 120 calls
    deadline: !!python/object/apply:os.system [ls]

*Best practice*

    title: "Book 120 calls"
    deadline: 2026-Q3
"""
