"""Findings as text, JSON, GitHub annotations or SARIF (docs/format.md, Output; docs/ci.md).

Every format is a pure function of the result, the working directory and (for
`github`) the Actions workspace, so the same input gives byte-identical output.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from goalspec import __version__
from goalspec.check import Result
from goalspec.diagnostics import Diagnostic, Severity
from goalspec.rules import RULES
from goalspec.spec.text import printable

FORMATS = ("text", "json", "github", "sarif")
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# goalspec's home (the SARIF log's informationUri); each rule's helpUri is its section of
# docs/rules.md there. docs/ci.md names both.
REPOSITORY = "https://github.com/goalspec/goalspec"
RULES_DOC = f"{REPOSITORY}/blob/main/docs/rules.md"


def render(result: Result, fmt: str, cwd: Path | None = None, color: bool = False,
           workspace: Path | None = None) -> str:
    """``workspace`` is GITHUB_WORKSPACE when set: what GitHub reads annotation paths against."""
    cwd = (cwd or Path.cwd()).resolve()
    if fmt == "text":
        return text(result, cwd, color)
    if fmt == "json":
        return as_json(result)
    if fmt == "github":
        return github(result, cwd, workspace)
    if fmt == "sarif":
        return sarif(result, cwd)
    raise ValueError(f"unknown format {fmt!r}")


def display_path(result: Result, d: Diagnostic, base: Path) -> str:
    """The finding's file relative to ``base`` (the working directory, or the repository root)."""
    # The tree's folder is resolved, the file is not: a finding about a link names the link.
    return _relative(str(result.root), d.file, str(base))


# A report names the same few files thousands of times, and resolving the tree's folder is a
# system call per part of its path: each (tree, file, base) is worked out once per process (a
# command prints one report).
@lru_cache(maxsize=4096)
def _relative(root: str, file: str, base: str) -> str:
    return Path(os.path.relpath(Path(root).resolve() / file, base)).as_posix()


def held_back_line(result: Result) -> str | None:
    """What a file that cannot be parsed held back, said once (on stderr: the report stays the
    contract's)."""
    n = result.summary.held_back
    if not n:
        return None
    return (f"goalspec: {n} more finding{'' if n == 1 else 's'} held back: the objects of a file that cannot be parsed "
            f"(GS001) may answer {'it' if n == 1 else 'them'}; fix that file first")


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
    if s.held_back:  # only then: the contract's summary keys stay exactly these otherwise
        doc["summary"]["held_back"] = s.held_back
    import json  # JSON and SARIF only: the text a person reads needs none

    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def escape_data(value: str) -> str:
    """GitHub workflow-command escaping for the message part."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """GitHub workflow-command escaping for a property (file=, title=)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


ANNOTATIONS_PER_SEVERITY = 10  # GitHub shows no more than this many per step and type


def github(result: Result, cwd: Path, workspace: Path | None = None) -> str:
    """Every finding, in the job log: the first ten errors, then the first ten warnings (each
    in file order) as annotations; the others as plain lines after them, and a notice with the
    count. GitHub limits annotations, not log lines.

    Paths are relative to ``workspace`` (GITHUB_WORKSPACE, which GitHub reads them against),
    else to the repository root, never to the working directory: a step with a
    `working-directory` still annotates the right file."""
    base = workspace.resolve() if workspace is not None else repository_root(cwd)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in result.diagnostics if d.severity is not Severity.ERROR]
    n = ANNOTATIONS_PER_SEVERITY
    lines = []
    for d in errors[:n] + warnings[:n]:
        kind = "error" if d.severity is Severity.ERROR else "warning"
        props = ",".join([
            f"file={escape_property(display_path(result, d, base))}",
            f"line={d.line}",
            f"col={d.column}",
            f"title={escape_property(d.code)}",
        ])
        lines.append(f"::{kind} {props}::{printable(escape_data(d.message))}")
    rest = errors[n:] + warnings[n:]
    for d in rest:
        path = printable(_one_line(display_path(result, d, base)))
        # A log line that starts with `::` (after blanks) is a workflow command: a file named so must not be one.
        path = f"./{path}" if path.lstrip().startswith(":") else path
        lines.append(f"{path}:{d.line}:{d.column}: {d.code} {d.severity.value}: {printable(_one_line(d.message))}")
    if rest:
        lines.append(f"::notice title=goalspec::{escape_data(summary_line(result))}; "
                     f"{len(result.diagnostics) - len(rest)} annotated, the other {len(rest)} listed in this step's log")
    return "".join(line + "\n" for line in lines)


def repository_root(start: Path) -> Path:
    """The git work tree containing ``start``, else ``start`` itself."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


FINGERPRINT = "goalspecKeyPath/v2"  # v2: objects without an id and list items are named by content


def fingerprint(d: Diagnostic, path: str, occurrence: int = 0) -> str:
    """From rule, file and YAML key path (which names objects and list items by content), never
    the line or a document's place: editing above a finding must not make it a new alert.
    ``occurrence`` tells apart findings that share all three (the second of two identical
    check-ins), counted in file order."""
    key = "\x1f".join((d.code, path, d.key_path, str(occurrence)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def rule_name(summary: str) -> str:
    """A rule's SARIF name: its summary up to a colon, in PascalCase, without what is in parentheses."""
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"\([^)]*\)", " ", summary.split(":")[0]).replace("'", ""))
    return "".join(w[:1].upper() + w[1:] for w in words)


def artifact_uri(path: str) -> str:
    """A relative path as a URI reference (RFC 3986): `sales team.yaml` → `sales%20team.yaml`;
    `#`, `?` and `:` are escaped too, so none reads as a fragment, a query or a scheme."""
    return quote(path, safe="/")


def sarif(result: Result, cwd: Path) -> str:
    base = repository_root(cwd)
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    rules = []
    for code in codes:
        rule = RULES[code]
        rules.append({
            "id": code,
            "name": rule_name(rule.summary),
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.explain.split("\n\n")[0].replace("\n", " ")},
            "helpUri": f"{RULES_DOC}#{code.lower()}",
            "help": {"text": rule.explain, "markdown": f"**{code}: {rule.summary}**\n\n{rule.explain}"},
            "defaultConfiguration": {"level": rule.severity.value},
        })
    results = []
    seen: dict[tuple[str, str, str], int] = {}
    for d in result.diagnostics:
        path = display_path(result, d, base)
        occurrence = seen.get((d.code, path, d.key_path), 0)
        seen[(d.code, path, d.key_path)] = occurrence + 1
        entry = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error" if d.severity is Severity.ERROR else "warning",
            "message": {"text": f"{d.message}. Hint: {d.hint}"},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(path)},
                    "region": {"startLine": d.line, "startColumn": d.column},
                },
            }],
            "partialFingerprints": {FINGERPRINT: fingerprint(d, path, occurrence)},
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
                "informationUri": REPOSITORY,
                "rules": rules,
            }},
            # goalspec counts columns in characters, as Python's str does
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    import json

    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
