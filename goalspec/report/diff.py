"""`goalspec diff` output: text for a terminal, JSON for tools, Markdown for a pull-request comment.

Each is a pure function of the diff, so the same two revisions give byte-identical output.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from goalspec.vcs.revision import revision_name
from goalspec.vcs.diff import ADDED, CHANGED, KINDS, MOVED, REMOVED, ObjectDiff, diff_projects

FORMATS = ("text", "json", "markdown")
_HEADINGS = {"Organization": "Organization", "Goal": "Goals", "KPI": "KPIs", "LeadDefinition": "Lead definitions",
             "Incentive": "Incentives", "Team": "Teams", "Person": "People"}
_STATUSES = (CHANGED, ADDED, REMOVED, MOVED)


@dataclass(frozen=True)
class Side:
    label: str  # how the revision is named to a reader: "main (1a2b3c4)", "working tree"
    commit: str | None  # None for the working tree
    # Findings that can keep an object out of the diff (unreadable YAML, schema errors, duplicates).
    problems: int = 0

    def note(self) -> str | None:
        if not self.problems:
            return None
        return (f"note: {self.label} has {self.problems} finding{'s' if self.problems != 1 else ''} of GS001–GS004; "
                "objects they concern may be missing from this diff (run goalspec check)")


@dataclass(frozen=True)
class Report:
    tree: str
    base: Side
    head: Side
    objects: tuple[ObjectDiff, ...]

    def counts(self) -> dict[str, int]:
        return {s: sum(o.status == s for o in self.objects) for s in _STATUSES}

    def summary(self) -> str:
        if not self.objects:
            return "no changes"
        return ", ".join(f"{n} {s}" for s, n in self.counts().items() if n)


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return as_json(report)
    if fmt == "markdown":
        return markdown(report)
    if fmt == "text":
        return text(report)
    raise ValueError(f"unknown format {fmt!r}")


def _where(o: ObjectDiff) -> str:
    if o.status == REMOVED:
        return f"was in {o.file}"
    if o.status == MOVED:
        return f"{o.from_file} → {o.file}"
    if o.from_file is not None:
        return f"moved from {o.from_file} to {o.file}"
    return o.file


def _name(o: ObjectDiff) -> str:
    return o.kind if o.kind == "Organization" else f"{o.kind} {o.id}"


def text(report: Report) -> str:
    lines = [f"goalspec diff {report.tree}: {report.base.label} → {report.head.label}", report.summary()]
    lines += [n for n in (report.base.note(), report.head.note()) if n]
    for o in report.objects:
        label = f' "{_one_line(o.label)}"' if o.label and o.label != o.id else ""
        lines.append(f"{_name(o)}{label} {o.status} ({_where(o)})")
        lines.extend(f"    {_one_line(c.text)}" for c in o.changes)
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    doc = {
        "tree": report.tree,
        "base": {"label": report.base.label, "commit": report.base.commit, "problems": report.base.problems},
        "head": {"label": report.head.label, "commit": report.head.commit, "problems": report.head.problems},
        "summary": report.counts(),
        "objects": [
            {"kind": o.kind, "id": o.id, "label": o.label, "status": o.status, "file": o.file,
             "from_file": o.from_file,
             "changes": [{"field": c.field, "from": c.before, "to": c.after, "text": c.text} for c in o.changes]}
            for o in report.objects
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")


def md(value: str) -> str:
    """Spec text inside Markdown: no emphasis, link, table cell or HTML made by accident."""
    return _MD_SPECIAL.sub(r"\\\1", _one_line(value))


def _code(value: str) -> str:
    return f"`{value}`" if "`" not in value else f"``{value}``"


def markdown(report: Report) -> str:
    out = [f"### goalspec diff: {_code(report.base.label)} → {_code(report.head.label)}", ""]
    out += [f"> {md(n)}\n" for n in (report.base.note(), report.head.note()) if n]
    if not report.objects:
        out += [f"No changes to the spec tree {_code(report.tree)}.", ""]
        return "\n".join(out)
    out += [f"**{report.summary()}** in {_code(report.tree)}", ""]
    for kind in KINDS:
        group = [o for o in report.objects if o.kind == kind]
        if not group:
            continue
        out += [f"#### {_HEADINGS[kind]}", ""]
        for o in group:
            ident = "" if kind == "Organization" else f"{_code(o.id)} "
            label = md(o.label) if o.label and o.label != o.id else ""
            out.append(f"- **{o.status}** {ident}{label} ({md(_where(o))})".replace("  (", " ("))
            out.extend(f"  - {md(c.text)}" for c in o.changes)
        out.append("")
    return "\n".join(out)


def _one_line(value: str) -> str:
    return value.replace("\r", "\\r").replace("\n", "\\n")


def compare(tree: Path, base: str | None = None, head: str | None = None, cache=None) -> Report:
    """The diff between two revisions of a tree; HEAD None is the working tree, BASE None the
    merge base of HEAD with the default branch. Raises RevisionError on a usage problem."""
    from goalspec.spec.memory import no_cyclic_gc

    with no_cyclic_gc():  # two trees of plain data: see spec.memory
        return _compare(tree, base, head, cache)


def _compare(tree: Path, base: str | None, head: str | None, cache) -> Report:
    from goalspec.spec.load import Loaded, load_tree
    from goalspec.rules import KNOWN_CODES
    from goalspec.vcs.revision import RevisionError, default_branch, load_at, locate, merge_base, resolve, short
    from goalspec.spec.validate import validate

    repo = locate(tree)
    head_commit = resolve(repo, head) if head is not None else None
    if base is None:
        branch = default_branch(repo)
        if branch is None:
            raise RevisionError("no default branch to compare with (origin/HEAD, main or master): give BASE")
        base_commit = merge_base(repo, head_commit or "HEAD", branch)
        base_side = Side(f"merge base with {branch} ({short(base_commit)})", base_commit)
    else:
        base_commit = resolve(repo, base)
        base_side = Side(revision_name(base, base_commit), base_commit)
    old = load_at(repo, base_commit, tree, cache)
    if head_commit is None:
        new = load_tree(tree, cache) if tree.is_dir() else Loaded(tree, (), (), ())
        head_side = Side("working tree", None)
    else:
        new = load_at(repo, head_commit, tree, cache)
        head_side = Side(revision_name(head, head_commit), head_commit)
    if not old.files and not new.files:
        raise RevisionError(f"{tree} holds no spec files in either revision")
    base_project, base_found = validate(old, KNOWN_CODES)
    head_project, head_found = validate(new, KNOWN_CODES)
    base_side = replace(base_side, problems=_problems(old.diagnostics, base_found))
    head_side = replace(head_side, problems=_problems(new.diagnostics, head_found))
    return Report(tree.as_posix(), base_side, head_side, diff_projects(base_project, head_project))


def _problems(*found) -> int:
    return sum(d.code in ("GS001", "GS002", "GS003", "GS004") for group in found for d in group)
