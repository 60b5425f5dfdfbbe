"""Findings as text, JSON, GitHub annotations or SARIF (docs/format.md, Output).

Every format is a pure function of the result and the working directory, so the
same input gives byte-identical output.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from goalspec import __version__
from goalspec.check import Result
from goalspec.diagnostics import Diagnostic, Severity
from goalspec.rules import RULES
from goalspec.spec.text import printable

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def render(result: Result, fmt: str, cwd: Path | None = None, color: bool = False) -> str:
    cwd = (cwd or Path.cwd()).resolve()
    if fmt == "text":
        return text(result, cwd, color)
    if fmt == "json":
        return as_json(result)
    if fmt == "github":
        return github(result, cwd)
    if fmt == "sarif":
        return sarif(result, cwd)
    raise ValueError(f"unknown format {fmt!r}")


def display_path(result: Result, d: Diagnostic, base: Path) -> str:
    """The finding's file relative to ``base`` (the working directory, or the repository root)."""
    # The tree's folder is resolved, the file is not: a finding about a link names the link.
    return Path(os.path.relpath(result.root.resolve() / d.file, base)).as_posix()


def summary_line(result: Result) -> str:
    s = result.summary

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 else 's'}"

    checked = f"{n(s.files, 'file')}, {n(s.goals, 'goal')}, {n(s.kpis, 'KPI')} checked"
    if not s.errors and not s.warnings:
        return f"no problems: {checked}"
    return f"{n(s.errors, 'error')}, {n(s.warnings, 'warning')}: {checked}"


def _one_line(value: str) -> str:
    # A key or title from a spec may hold a line break; editors read one finding per line.
    return value.replace("\r", "\\r").replace("\n", "\\n")


_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m"}


def text(result: Result, cwd: Path, color: bool = False) -> str:
    lines = []
    for d in result.diagnostics:
        severity = d.severity.value
        if color:  # only the code and severity: the line stays one an editor can read
            severity = f"{_COLORS.get(d.severity, '')}{severity}\x1b[0m"
        lines.append(f"{printable(display_path(result, d, cwd))}:{d.line}:{d.column}: {d.code} {severity}: "
                     f"{printable(_one_line(d.message))}")
        lines.append(f"    hint: {printable(_one_line(d.hint))}")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


def as_json(result: Result) -> str:
    s = result.summary
    doc = {
        "diagnostics": [
            {"code": d.code, "severity": d.severity.value, "file": d.file, "line": d.line, "column": d.column,
             "id": d.id, "message": d.message, "hint": d.hint}
            for d in result.diagnostics
        ],
        "summary": {"errors": s.errors, "warnings": s.warnings, "goals": s.goals, "kpis": s.kpis, "files": s.files},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def escape_data(value: str) -> str:
    """GitHub workflow-command escaping for the message part."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """GitHub workflow-command escaping for a property (file=, title=)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


ANNOTATIONS_PER_SEVERITY = 10  # GitHub shows no more than this many per step and type


def github(result: Result, cwd: Path) -> str:
    """Annotations, most severe first: the first ten errors, then the first ten warnings, each
    in file order; when any were left out, a notice gives the full count."""
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR][:ANNOTATIONS_PER_SEVERITY]
    warnings = [d for d in result.diagnostics if d.severity is not Severity.ERROR][:ANNOTATIONS_PER_SEVERITY]
    shown = errors + warnings
    lines = []
    for d in shown:
        kind = "error" if d.severity is Severity.ERROR else "warning"
        props = ",".join([
            f"file={escape_property(display_path(result, d, cwd))}",
            f"line={d.line}",
            f"col={d.column}",
            f"title={escape_property(d.code)}",
        ])
        lines.append(f"::{kind} {props}::{printable(escape_data(d.message))}")
    if len(shown) < len(result.diagnostics):
        lines.append(f"::notice title=goalspec::{escape_data(summary_line(result))}; "
                     f"{len(shown)} annotated, the rest in the job log (goalspec check --format text)")
    return "".join(line + "\n" for line in lines)


def repository_root(start: Path) -> Path:
    """The git work tree containing ``start``, else ``start`` itself."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def fingerprint(d: Diagnostic, uri: str) -> str:
    # From rule, file and YAML key path, never the line: editing lines above a
    # finding must not make code scanning see a new alert.
    key = "\x1f".join((d.code, uri, d.key_path or f"{d.line}:{d.column}"))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def sarif(result: Result, cwd: Path) -> str:
    base = repository_root(cwd)
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    rules = []
    for code in codes:
        rule = RULES[code]
        rules.append({
            "id": code,
            "name": code,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.explain.split("\n\n")[0].replace("\n", " ")},
            "help": {"text": rule.explain, "markdown": f"**{code}: {rule.summary}**\n\n{rule.explain}"},
            "defaultConfiguration": {"level": rule.severity.value},
        })
    results = []
    for d in result.diagnostics:
        uri = display_path(result, d, base)
        entry = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error" if d.severity is Severity.ERROR else "warning",
            "message": {"text": f"{d.message}. Hint: {d.hint}"},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": {"startLine": d.line, "startColumn": d.column},
                },
            }],
            "partialFingerprints": {"goalspecKeyPath/v1": fingerprint(d, uri)},
        }
        if d.id:
            entry["properties"] = {"id": d.id}
        results.append(entry)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "goalspec",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
