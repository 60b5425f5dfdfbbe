"""Duplicate id within a kind, or duplicate key in a mapping.

Ids are unique within their kind across the whole tree; person ids and team ids
share one namespace; a person listed in several teams keeps one id and one name.
A mapping that names the same key twice is reported at the second key: YAML
keeps only one of the two values, and which one depends on the tool.

Why: two goals with one id make every reference to that id ambiguous.

How to fix: rename one of the two objects, or remove the repeated key.

*Anti-pattern*

    id: sales.q3-seats
    deadline: 2026-Q3
    deadline: 2026-Q4

*Best practice*

    id: sales.q3-seats
    deadline: 2026-Q3
"""
