"""The one finding type every stage reports, and the only place findings are made.

This module sits below every stage: the loader, the validator and the rules all
make findings here, so it imports nothing of goalspec. Each code's default
severity is the format's table, kept here rather than in the rule registry so
that a finding can be made by a stage that knows nothing of rules.
"""

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

_E, _W = Severity.ERROR, Severity.WARNING
# The default severity of every code, as docs/format.md lists them; Organization.rules
# overrides them per tree. A rule module per code lives in goalspec/rules/.
DEFAULT_SEVERITY: dict[str, Severity] = {
    "GS001": _E, "GS002": _E, "GS003": _E, "GS004": _E, "GS005": _E,
    "GS101": _E, "GS102": _E, "GS103": _W,
    "GS201": _E, "GS202": _E, "GS203": _E, "GS204": _E, "GS205": _E, "GS206": _E, "GS207": _W,
    "GS301": _E, "GS302": _E, "GS303": _E, "GS304": _E, "GS305": _W, "GS306": _W,
    "GS401": _E, "GS402": _E, "GS403": _E, "GS404": _E, "GS405": _E, "GS406": _E, "GS407": _E, "GS408": _E,
    "GS409": _E, "GS410": _E, "GS411": _E, "GS412": _W,
    "GS501": _W, "GS502": _W, "GS503": _W,
    "GS601": _W,
}


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
    """Build a finding with the code's default severity.

    Every Diagnostic is made here so that severity defaults come from the one
    table above and positions are always 1-based.
    """
    if severity is None:
        severity = DEFAULT_SEVERITY[code]
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
