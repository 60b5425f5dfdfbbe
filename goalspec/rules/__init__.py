"""The rule registry: one module per rule code, registered here and nowhere else.

RULES imports every rule module, and with them the models and the data layer; it
is built on first use (PEP 562), so that `goalspec rules` and `explain`, which
read the catalogue (the rule modules' docstrings, not their code), start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from goalspec.diagnostics import DEFAULT_SEVERITY

if TYPE_CHECKING:
    from goalspec.rules.base import BaseRevision, Context, Rule

CODES = tuple(DEFAULT_SEVERITY)  # every code of the format, in its order
KNOWN_CODES = frozenset(CODES)
RULES: dict[str, Rule]

__all__ = ["CODES", "RULES", "KNOWN_CODES", "BaseRevision", "Context", "Rule"]


def __getattr__(name: str) -> Any:
    if name == "RULES":
        from goalspec.rules.base import Rule

        value: Any = {code: Rule.from_module(importlib.import_module(f"goalspec.rules.{code.lower()}")) for code in CODES}
    elif name in ("BaseRevision", "Context", "Rule"):
        value = getattr(importlib.import_module("goalspec.rules.base"), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value
