"""The one finding type every stage reports, and the only place findings are made."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    OFF = "off"


class Pos(NamedTuple):
    """A 1-based position in a file."""

    line: int
    column: int


START = Pos(1, 1)


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One finding. Ordered the way reports list them: file, line, column, code."""

    file: str
    line: int
    column: int
    code: str
    severity: Severity
    id: str | None
    message: str
    hint: str
    # The YAML key path of the offending node, e.g. ``Goal/sales.q3/target/value``.
    # Line numbers move with every edit above a finding; this does not, so SARIF
    # fingerprints are built from it.
    key_path: str = ""

    def text_line(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.severity.value}: {self.message}"


def make(
    code: str,
    file: str,
    pos: Pos,
    message: str,
    hint: str,
    *,
    id: str | None = None,
    key_path: str = "",
    severity: Severity | None = None,
) -> Diagnostic:
    """Build a finding with the rule's default severity.

    Every Diagnostic is made here so that severity defaults come from the one
    rule registry and positions are always 1-based.
    """
    from goalspec.rules import RULES

    if severity is None:
        severity = RULES[code].severity
    assert pos.line >= 1 and pos.column >= 1, pos
    return Diagnostic(
        file=file,
        line=pos.line,
        column=pos.column,
        code=code,
        severity=severity,
        id=id,
        message=message,
        hint=hint,
        key_path=key_path,
    )
