"""The rule registry: one module per rule code, registered here and nowhere else."""

from __future__ import annotations

import importlib

from goalspec.diagnostics import DEFAULT_SEVERITY
from goalspec.rules.base import BaseRevision, Context, Rule

CODES = tuple(DEFAULT_SEVERITY)  # every code of the format, in its order

RULES: dict[str, Rule] = {
    code: Rule.from_module(importlib.import_module(f"goalspec.rules.{code.lower()}")) for code in CODES
}
KNOWN_CODES = frozenset(CODES)

__all__ = ["CODES", "RULES", "KNOWN_CODES", "BaseRevision", "Context", "Rule"]
