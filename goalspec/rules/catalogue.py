"""The rule catalogue: each code's severity, summary and explanation, from its module's docstring.

The docstring is read from the module's source without running it, so listing or
explaining rules imports neither the models nor the data layer. Rule.from_module
reads the same text the same way (a test holds the two equal).
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import tokenize
from dataclasses import dataclass
from functools import cache

from goalspec.diagnostics import DEFAULT_SEVERITY, Severity


@dataclass(frozen=True)
class Entry:
    code: str
    severity: Severity
    summary: str
    explain: str


def describe(doc: str | None) -> tuple[str, str]:
    """(summary, explanation) of a rule module's docstring: its first line, then the rest."""
    summary, _, body = inspect.cleandoc(doc or "").partition("\n")
    return summary.strip(), body.strip()


def _docstring(path: str) -> str | None:
    with tokenize.open(path) as source:
        for token in tokenize.generate_tokens(source.readline):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENCODING):
                continue
            return ast.literal_eval(token.string) if token.type == tokenize.STRING else None
    return None


@cache
def catalogue() -> dict[str, Entry]:
    out = {}
    for code, severity in DEFAULT_SEVERITY.items():
        spec = importlib.util.find_spec(f"goalspec.rules.{code.lower()}")
        summary, explain = describe(_docstring(spec.origin) if spec and spec.origin else None)
        out[code] = Entry(code, severity, summary, explain)
    return out
