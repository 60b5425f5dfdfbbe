"""What changed between two versions of a spec tree, object by object and field by field.

Objects are matched by (kind, id), never by file: a goal moved to another file
is the same goal, "moved". Each changed field is said in words ("target 120 →
90 calls (−25%)"), so a pull-request comment reads like a change log. Used by
`goalspec diff`, GS601 and the site's goal history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from pydantic import BaseModel

from goalspec.spec.models import Criterion
from goalspec.spec.periods import day_or_none
from goalspec.spec.targets import TargetProblem, parse_target
from goalspec.spec.validate import Project
from goalspec.spec.criteria import sentence
from goalspec.spec.secrets import redact
from goalspec.spec.words import describe_target, number

# The order objects are listed in: what a reviewer reads first comes first.
KINDS = ("Organization", "Goal", "KPI", "LeadDefinition", "Incentive", "Team", "Person")
ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"

Key = tuple[str, str]  # (kind, id); the Organization's id is ""


@dataclass(frozen=True, slots=True)
class Located:
    model: BaseModel
    file: str


@dataclass(frozen=True)
class Change:
    field: str
    before: Any  # plain JSON-able values
    after: Any
    text: str


@dataclass(frozen=True)
class ObjectDiff:
    kind: str
    id: str
    label: str  # the title or name (as it is now, or was when removed)
    status: str  # added | removed | changed | moved (moved: nothing but the file changed)
    file: str  # where the object is (where it was, when removed)
    from_file: str | None  # the file it was in, when it moved
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Lookup:
    """What a change is said in terms of: KPI units and the fiscal year."""

    units: Mapping[str, str | None]
    fiscal_year_start: int = 1

    def unit(self, kpi: str | None) -> str:
        return (self.units.get(kpi or "") or "") if kpi else ""


def objects(project: Project) -> dict[Key, Located]:
    """Every object of a project that a diff compares (check-ins are data, not specs)."""
    out: dict[Key, Located] = {}
    if project.organization is not None:
        out[("Organization", "")] = Located(project.organization.model, project.organization.file)
    for kind, table in (("Goal", project.goals), ("KPI", project.kpis), ("LeadDefinition", project.leads),
                        ("Incentive", project.incentives), ("Team", project.teams), ("Person", project.people)):
        for ident, obj in table.items():
            out[(kind, ident)] = Located(obj.model, obj.file)
    return out


def lookup_of(*projects: Project) -> Lookup:
    """Units from the given projects, the first one naming a KPI winning."""
    units: dict[str, str | None] = {}
    for project in reversed(projects):
        units.update({kid: k.model.unit for kid, k in project.kpis.items()})
    return Lookup(units, projects[0].fiscal_year_start if projects else 1)


def diff_projects(base: Project, head: Project) -> tuple[ObjectDiff, ...]:
    return diff_objects(objects(base), objects(head), lookup_of(head, base))


def diff_objects(base: Mapping[Key, Located], head: Mapping[Key, Located], lookup: Lookup,
                 kinds: Iterable[str] = KINDS) -> tuple[ObjectDiff, ...]:
    """Every object added, removed, changed or moved, in KINDS order, then by id."""
    rank = {k: i for i, k in enumerate(kinds)}
    out = []
    for key in sorted(set(base) | set(head), key=lambda k: (rank.get(k[0], len(rank)), k[1])):
        if key[0] not in rank:
            continue
        old, new = base.get(key), head.get(key)
        if old is None:
            out.append(ObjectDiff(key[0], key[1], _label(new.model), ADDED, new.file, None))
        elif new is None:
            out.append(ObjectDiff(key[0], key[1], _label(old.model), REMOVED, old.file, None))
        elif old.model != new.model or old.file != new.file:
            changes = tuple(field_changes(key[0], old.model, new.model, lookup)) if old.model != new.model else ()
            moved = old.file if old.file != new.file else None
            status = CHANGED if changes else MOVED
            out.append(ObjectDiff(key[0], key[1], _label(new.model), status, new.file, moved, changes))
    return tuple(out)


def _label(model: BaseModel) -> str:
    return getattr(model, "title", None) or getattr(model, "name", None) or getattr(model, "id", "")


def field_changes(kind: str, old: BaseModel, new: BaseModel, lookup: Lookup) -> Iterable[Change]:
    """One Change per field that differs, in the model's field order."""
    special = _SPECIAL.get(kind, {})
    for name, info in type(new).model_fields.items():
        a, b = getattr(old, name), getattr(new, name)
        if a == b:
            continue
        label = info.alias or name
        how = special.get(label)
        if how is not None:
            yield from how(old, new, lookup)
        else:
            yield _plain_change(label, a, b)


# values in words ----------------------------------------------------------------

def plain(value: Any) -> Any:
    """A model value as JSON-able data."""
    if isinstance(value, BaseModel):
        return plain(value.model_dump(mode="json", by_alias=True, exclude_defaults=True))
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        # A database URL is shown as every output shows it: a password written into it is `***`.
        return {str(k): redact(v) if k == "url" and isinstance(v, str) else plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def shown(value: Any) -> str:
    if value is None or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    return str(value)


def percent(before: float, after: float) -> str | None:
    """The change as a signed percentage of the old value ("−25%"), when there is one."""
    if before == 0:
        return None
    pct = round((after - before) / abs(before) * 100, 1)
    text = f"{abs(pct):,.1f}".rstrip("0").rstrip(".")
    return f"{'−' if pct < 0 else '+'}{text}%"


def _plain_change(label: str, a: Any, b: Any) -> Change:
    pa, pb = plain(a), plain(b)
    simple = all(v is None or isinstance(v, (str, int, float, bool)) for v in (pa, pb))
    multiline = any(isinstance(v, str) and "\n" in v for v in (pa, pb))
    if simple and not multiline and label not in ("description", "title", "name"):
        return Change(label, pa, pb, f"{label} {shown(pa)} → {shown(pb)}")
    if label in ("title", "name") and not multiline:
        return Change(label, pa, pb, f'{label} "{shown(pa)}" → "{shown(pb)}"')
    return Change(label, pa, pb, f"{label} changed")


def _set_change(label: str, a: list, b: list) -> Change:
    added = [x for x in b if x not in a]
    removed = [x for x in a if x not in b]
    parts = ([f"added {', '.join(map(str, added))}"] if added else []) + \
        ([f"removed {', '.join(map(str, removed))}"] if removed else [])
    return Change(label, plain(a), plain(b), f"{label}: {'; '.join(parts) if parts else 'reordered'}")


# goals -----------------------------------------------------------------------------

def _target(old, new, lookup: Lookup) -> Iterable[Change]:
    ua, ub = lookup.unit(old.kpi), lookup.unit(new.kpi)
    before, after = plain(old.target), plain(new.target)
    ta, tb = _parsed(old.target), _parsed(new.target)
    va = ta.implied_value() if ta else None
    vb = tb.implied_value() if tb else None
    if va is not None and vb is not None:
        if ua == ub:
            pct = percent(va, vb)
            unit = f" {ub}" if ub and ub != "%" else ub
            text = f"target {number(va)} → {number(vb)}{unit}" + (f" ({pct})" if pct else "")
        else:
            text = f"target {describe_target(ta, ua)} → {describe_target(tb, ub)}"
    else:
        text = f"target {describe_target(ta, ua) if ta else shown(before)} → {describe_target(tb, ub) if tb else shown(after)}"
    yield Change("target", before, after, text)


def _parsed(target):
    if target is None:
        return None
    try:
        return parse_target(target)
    except TargetProblem:
        return None


def _when(label: str, last: bool):
    def change(old, new, lookup: Lookup) -> Iterable[Change]:
        a, b = getattr(old, label), getattr(new, label)
        text = f"{label} {shown(a)} → {shown(b)}"
        da, db = (day_or_none(v, lookup.fiscal_year_start, last=last) for v in (a, b))
        if da is not None and db is not None and da != db:
            days = (db - da).days
            text += f" ({abs(days)} day{'' if abs(days) == 1 else 's'} {'later' if days > 0 else 'earlier'})"
        yield Change(label, a, b, text)
    return change


def _parent(old, new, lookup: Lookup) -> Iterable[Change]:
    a, b = old.parents, new.parents
    yield Change("parent", plain(old.parent), plain(new.parent), f"re-parented: {shown(a)} → {shown(b)}")


def _tags(old, new, lookup: Lookup) -> Iterable[Change]:
    yield _set_change("tags", old.tags, new.tags)


def _revision_text(r) -> str:
    return f"{r.field} {shown(plain(r.from_))} → {shown(plain(r.to))} on {r.date.isoformat()}: {r.reason}"


def _revisions(old, new, lookup: Lookup) -> Iterable[Change]:
    before, after = list(old.revisions), list(new.revisions)
    added = [r for r in after if r not in before]
    removed = [r for r in before if r not in after]
    for r in added:
        yield Change("revisions", None, plain(r), f"revision added: {_revision_text(r)}")
    for r in removed:
        yield Change("revisions", plain(r), None, f"revision removed: {_revision_text(r)}")
    if not added and not removed:
        yield Change("revisions", plain(before), plain(after), "revisions reordered")


def _kpi(old, new, lookup: Lookup) -> Iterable[Change]:
    yield Change("kpi", old.kpi, new.kpi, f"KPI {shown(old.kpi)} → {shown(new.kpi)}")


# other kinds -------------------------------------------------------------------------

def _source(old, new, lookup: Lookup) -> Iterable[Change]:
    yield Change("source", plain(old.source), plain(new.source),
                 f"source {_source_text(old.source)} → {_source_text(new.source)}")


def _source_text(source) -> str:
    if source is None:
        return "none"
    if source.type == "csv":
        return f"CSV file {source.path}"
    if source.type == "sql":
        return "SQL query" if "sqlite" not in source.url else f"SQL query on {redact(source.url)}"
    if source.type == "leads":
        return f"lead records counted by {source.definition or 'no definition'}"
    return "check-ins"


def leaves(node: Criterion | None) -> list[str]:
    """A criteria tree's leaves in words, in order (with `not` said)."""
    if node is None:
        return []
    if node.all is not None or node.any is not None:
        return [text for child in (node.all or node.any) for text in leaves(child)]
    if node.not_ is not None:
        return [f"not ({text})" for text in leaves(node.not_)]
    return [sentence(node.field, node.op, node.value)]


def _criteria(old, new, lookup: Lookup) -> Iterable[Change]:
    a, b = leaves(old.criteria), leaves(new.criteria)
    added = [x for x in b if x not in a]
    removed = [x for x in a if x not in b]
    parts = ([f"added “{'”, “'.join(added)}”"] if added else []) + \
        ([f"removed “{'”, “'.join(removed)}”"] if removed else [])
    yield Change("criteria", plain(old.criteria), plain(new.criteria),
                 f"criteria: {'; '.join(parts)}" if parts else "criteria: regrouped (same conditions, new all/any/not)")


def _members(old, new, lookup: Lookup) -> Iterable[Change]:
    yield _set_change("members", [m.id for m in old.members], [m.id for m in new.members])


def _agreed_by(old, new, lookup: Lookup) -> Iterable[Change]:
    yield _set_change("agreed_by", old.agreed_by, new.agreed_by)


def _pays_on(old, new, lookup: Lookup) -> Iterable[Change]:
    # Shares as paid: `[a, b]` and `[{goal: a, share: 0.5}, b]` say the same thing.
    a = dict(zip(old.goals, old.shares()))
    b = dict(zip(new.goals, new.shares()))
    parts = [f"added {g}" for g in b if g not in a] + [f"removed {g}" for g in a if g not in b]
    parts += [f"share of {g} {number(a[g])} → {number(b[g])}" for g in b if g in a and a[g] != b[g]]
    yield Change("pays_on", plain(old.pays_on), plain(new.pays_on), f"pays_on: {'; '.join(parts) or _same_shares(old, new)}")


def _same_shares(old, new) -> str:
    return "reordered" if sorted(old.goals) == sorted(new.goals) and old.goals != new.goals else "the same shares, written differently"


def _rules(old, new, lookup: Lookup) -> Iterable[Change]:
    a, b = old.rules, new.rules
    parts = [f"{code} {a.get(code, 'default')} → {b.get(code, 'default')}"
             for code in sorted(set(a) | set(b)) if a.get(code) != b.get(code)]
    yield Change("rules", dict(a), dict(b), f"rules: {'; '.join(parts)}")


_SPECIAL: dict[str, dict[str, Callable]] = {
    "Goal": {"target": _target, "start": _when("start", last=False), "deadline": _when("deadline", last=True),
             "parent": _parent, "tags": _tags, "revisions": _revisions, "kpi": _kpi},
    "KPI": {"source": _source},
    "LeadDefinition": {"criteria": _criteria, "agreed_by": _agreed_by, "revisions": _revisions},
    "Incentive": {"pays_on": _pays_on},
    "Team": {"members": _members},
    "Organization": {"rules": _rules},
}
