"""The rule registry: one module per rule code, registered here and nowhere else."""

from __future__ import annotations

import importlib

from goalspec.rules.base import BaseRevision, Context, Rule

CODES = (
    "GS001", "GS002", "GS003", "GS004", "GS005",
    "GS101", "GS102", "GS103",
    "GS201", "GS202", "GS203", "GS204", "GS205", "GS206",
    "GS301", "GS302", "GS303", "GS304", "GS305",
    "GS401", "GS402", "GS403", "GS404", "GS405", "GS406", "GS407", "GS408", "GS409", "GS410", "GS411",
    "GS501", "GS502", "GS503",
    "GS601",
)

RULES: dict[str, Rule] = {
    code: Rule.from_module(importlib.import_module(f"goalspec.rules.{code.lower()}")) for code in CODES
}
KNOWN_CODES = frozenset(CODES)

__all__ = ["CODES", "RULES", "KNOWN_CODES", "BaseRevision", "Context", "Rule"]
