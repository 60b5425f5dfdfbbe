"""Raw documents become validated, positioned objects (GS002-GS005)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from goalspec.diagnostics import START, Diagnostic, Pos, make
from goalspec.spec.load import SEP, Loaded, RawDocument, SourceFile, content_path, object_key
from goalspec.spec.models import (
    API_VERSION, KINDS, KPI, CheckIn, Goal, Incentive, LeadDefinition, Organization, Person, Team,
)

M = TypeVar("M", bound=BaseModel)
ORG_FILE = "goalspec.yaml"


@dataclass(frozen=True, slots=True)
class Obj(Generic[M]):
    """A validated object and the document it came from (for positions)."""

    model: M
    doc: RawDocument
    path: str = ""  # where the object sits in its document; people sit in a team's members

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def id(self) -> str | None:
        return getattr(self.model, "id", None)

    def _p(self, sub: str) -> str:
        return f"{self.path}{SEP}{sub}" if self.path and sub else (sub or self.path)

    def pos(self, sub: str = "") -> Pos:
        """Position of a value (of the object itself when sub is empty)."""
        return self.doc.value_pos(self._p(sub))

    def key_pos(self, sub: str) -> Pos:
        return self.doc.key_pos(self._p(sub))

    def has(self, sub: str) -> bool:
        return self.doc.has(self._p(sub))

    def anchor(self) -> Pos:
        """Where a finding about a missing field points: the id line, else the kind line."""
        return _anchor(self.doc, self.path)

    def key_path(self, sub: str = "") -> str:
        kind = type(self.model).__name__
        head = object_key(kind, self.id, self.doc.data)
        if not sub:
            return head
        return f"{head}/{content_path(_value_at(self.doc.data, self.path), sub)}"

    def diag(self, code: str, sub: str | None, message: str, hint: str, *, key: bool = False) -> Diagnostic:
        """A finding at a field's value (or key); sub=None points at the object's anchor."""
        if sub is None:
            pos = self.anchor()
        else:
            pos = self.key_pos(sub) if key else self.pos(sub)
        return make(code, self.file, pos, message, hint, id=self.id, key_path=self.key_path(sub or ""))


@dataclass(frozen=True, slots=True)
class Project:
    """Everything that validated, by kind and id: the input of the graph and the rules."""

    root: Path
    files: tuple[SourceFile, ...]
    organization: Obj[Organization] | None
    teams: dict[str, Obj[Team]]
    people: dict[str, Obj[Person]]
    kpis: dict[str, Obj[KPI]]
    goals: dict[str, Obj[Goal]]
    leads: dict[str, Obj[LeadDefinition]]
    incentives: dict[str, Obj[Incentive]]
    checkins: tuple[Obj[CheckIn], ...]
    # Ids seen per kind, valid or not: a reference to an object that has its own
    # schema error is not also reported as undefined.
    declared: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def fiscal_year_start(self) -> int:
        return self.organization.model.fiscal_year_start if self.organization else 1

    def is_declared(self, kind: str, ident: str) -> bool:
        return ident in self.declared.get(kind, ())

    def is_party(self, ident: str) -> bool:
        """A team or person id (they share one namespace)."""
        return self.is_declared("Team", ident) or self.is_declared("Person", ident)


def _anchor(doc: RawDocument, path: str = "") -> Pos:
    prefix = f"{path}{SEP}" if path else ""
    for key in ("id", "kind"):
        if doc.has(prefix + key):
            return doc.key_pos(prefix + key)
    return doc.value_pos(path)


def validate(loaded: Loaded, known_codes: frozenset[str],
             memo: dict[int, tuple[Any, Any]] | None = None) -> tuple[Project, list[Diagnostic]]:
    """``memo`` (a MemoryCache's ``models``): models made from the same data object last time are
    taken as they are (serve validates 13,000 documents per save, of which one changed); it is
    left holding this tree's only, each with its data, so an id is never another object's."""
    diags: list[Diagnostic] = []
    made: dict[int, tuple[Any, Any]] | None = {} if memo is not None else None  # a check alone keeps none
    fresh: list[CheckIn] = []
    by_kind: dict[str, list[Obj]] = {k: [] for k in KINDS}
    declared: dict[str, set[str]] = {k: set() for k in KINDS}
    declared["Person"] = set()
    shared: dict[frozenset[str], set[str]] = {}

    for doc in loaded.documents:
        kind = _kind_of(doc, diags)
        if kind is None:
            continue
        data = doc.data
        if isinstance(data.get("id"), str):
            declared[kind].add(data["id"])
        if kind == "Team" and isinstance(data.get("members"), list):
            declared["Person"].update(m["id"] for m in data["members"] if isinstance(m, dict) and isinstance(m.get("id"), str))
        hit = memo.get(id(data)) if memo is not None else None
        if hit is not None and hit[0] is data:
            model = hit[1]
        else:
            try:
                model = KINDS[kind].model_validate(data)
            except ValidationError as exc:
                diags.extend(_schema_findings(doc, kind, exc))
                continue
            _share_fields_set(model, shared)
            if kind == "CheckIn":
                fresh.append(model)
        if made is not None:
            made[id(data)] = (data, model)
        by_kind[kind].append(Obj(model, doc))
    _share_values(fresh)
    if memo is not None and made is not None:
        memo.clear()
        memo.update(made)

    org = _organization(loaded, by_kind["Organization"], diags, known_codes)
    teams = _unique(by_kind["Team"], diags)
    people = _people(teams, diags)
    goals = _unique(by_kind["Goal"], diags)
    for goal in goals.values():
        if goal.model.parent and goal.model.team is None:
            diags.append(goal.diag("GS003", None, "goal serves a parent but names no `team`",
                                   "add `team:`; only company goals (no parent) stand without a team"))
    project = Project(
        root=loaded.root,
        files=loaded.files,
        organization=org,
        teams=teams,
        people=people,
        kpis=_unique(by_kind["KPI"], diags),
        goals=goals,
        leads=_unique(by_kind["LeadDefinition"], diags),
        incentives=_unique(by_kind["Incentive"], diags),
        checkins=tuple(by_kind["CheckIn"]),
        declared={k: frozenset(v) for k, v in declared.items()},
    )
    return project, diags


def _share_fields_set(model: BaseModel, shared: dict[frozenset[str], set[str]]) -> None:
    """Give a frozen model (and the models inside it) one shared copy of its set of fields given.

    pydantic keeps a set of the fields given per model, larger than the model itself; a
    tree's goals give the same few sets, so 100k goals need a few dozen, not 200k. The
    models are frozen, so pydantic never adds to the set (model_copy copies it first)."""
    given = model.__pydantic_fields_set__
    object.__setattr__(model, "__pydantic_fields_set__", shared.setdefault(frozenset(given), given))
    for value in model.__dict__.values():
        if isinstance(value, BaseModel):
            _share_fields_set(value, shared)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for item in value:
                _share_fields_set(item, shared)


def _share_values(checkins: list[CheckIn]) -> None:
    """Give equal days and equal numbers of check-in batches one object each.

    pydantic makes a new date and float per batch entry: a year of weekly values for 12,000
    KPIs is 600,000 of each, and the KPIs' points keep them all. Zero is left as it is: 0.0 and
    -0.0 are equal, and a value is kept as written."""
    days: dict = {}
    numbers: dict = {}
    for c in checkins:
        values = c.values
        if values:
            # The model is frozen: its field is set past pydantic, to an equal dict.
            c.__dict__["values"] = {days.setdefault(d, d): numbers.setdefault(v, v) if v else v
                                          for d, v in values.items()}


def _kind_of(doc: RawDocument, diags: list[Diagnostic]) -> str | None:
    data = doc.data
    if not isinstance(data, dict):
        what = "empty" if data is None else f"a {type(data).__name__}"
        diags.append(make("GS002", doc.file, doc.value_pos(), f"document is {what}, not a goalspec object",
                          "each document is a mapping that starts with apiVersion: goalspec/v1 and a kind",
                          key_path=_doc_key(doc)))
        return None
    api = data.get("apiVersion")
    if api != API_VERSION:
        pos = doc.value_pos("apiVersion") if "apiVersion" in data else _anchor(doc)
        got = "no apiVersion" if "apiVersion" not in data else f"apiVersion `{api}`"
        diags.append(make("GS002", doc.file, pos, f"unknown {got}: expected `{API_VERSION}`",
                          f"set `apiVersion: {API_VERSION}`", id=_str_id(data), key_path=_doc_key(doc, "apiVersion")))
        return None
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        pos = doc.value_pos("kind") if "kind" in data else doc.key_pos("apiVersion")
        got = "no kind" if "kind" not in data else f"kind `{kind}`"
        diags.append(make("GS002", doc.file, pos, f"unknown {got}", _choices_hint(str(kind), KINDS), id=_str_id(data),
                          key_path=_doc_key(doc, "kind")))
        return None
    return kind


def _doc_key(doc: RawDocument, sub: str = "") -> str:
    """A finding's key path for a document whose kind is unknown: its id if it has one, else what it is about."""
    ident = _str_id(doc.data) if isinstance(doc.data, dict) else None
    head = object_key(None, ident, doc.data)
    return f"{head}/{sub}" if sub else head


def _str_id(data: dict) -> str | None:
    ident = data.get("id")
    return ident if isinstance(ident, str) else None


def _value_at(data: Any, path: str) -> Any:
    """The value at a key path (a person's entry in a team's members), for naming list items."""
    for part in path.split(SEP) if path else ():
        if isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            data = data.get(part) if isinstance(data, dict) else None
    return data


def _choices_hint(got: str, choices) -> str:
    close = difflib.get_close_matches(got, list(choices), n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`?"
    return "use one of: " + ", ".join(f"`{c}`" for c in choices)


def _loc_path(loc: tuple) -> str:
    return SEP.join(str(part) for part in loc)


def _schema_findings(doc: RawDocument, kind: str, exc: ValidationError) -> list[Diagnostic]:
    model = KINDS[kind]
    ident = _str_id(doc.data)
    key_head = object_key(kind, ident, doc.data)
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        loc = _strip_union_tags(loc)
        path = _loc_path(loc)
        etype = err["type"]
        if etype == "missing":
            parent = _loc_path(loc[:-1])
            # docs/format.md, Positions: a missing field points at the object's id line, or at the
            # list item it is missing from.
            item = max((i for i, part in enumerate(loc) if isinstance(part, int)), default=None)
            pos = _anchor(doc, _loc_path(loc[:item + 1])) if item is not None else _anchor(doc)
            message = f"{kind} is missing required field `{loc[-1]}`" if not parent else \
                f"`{parent.replace(SEP, '.')}` is missing required field `{loc[-1]}`"
            hint = f"add `{loc[-1]}:`" + _field_help(model, loc, doc.data)
        elif etype == "extra_forbidden":
            pos = doc.key_pos(path)
            allowed = _allowed_fields(model, loc[:-1], doc.data)
            close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
            message = f"unknown field `{loc[-1]}`" + (f" in {kind}" if len(loc) == 1 else f" in `{_loc_path(loc[:-1]).replace(SEP, '.')}`")
            hint = f"did you mean `{close[0]}`?" if close else (
                "known fields: " + ", ".join(f"`{a}`" for a in allowed) if allowed else "remove the field")
        else:
            pos = doc.value_pos(path)
            where = f"`{path.replace(SEP, '.')}`" if path else kind
            message = f"{where}: {_plain(err)}"
            hint = "fix the value" + _field_help(model, loc, doc.data)
        out.append(make("GS003", doc.file, pos, message, hint, id=ident,
                        key_path=f"{key_head}/{content_path(doc.data, path)}" if path else key_head))
    return out


_SOURCE_TAGS = frozenset({"checkins", "csv", "sql", "leads"})


def _strip_union_tags(loc: tuple) -> tuple:
    # Discriminated unions put the tag (e.g. "csv") into the location; YAML has no such level.
    return tuple(p for i, p in enumerate(loc)
                 if not (i and p in _SOURCE_TAGS and loc[i - 1] in ("source", "data")))


_EXPECTED = {
    "model_type": "a mapping", "model_attributes_type": "a mapping", "dict_type": "a mapping",
    "list_type": "a list", "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "bool_type": "true or false", "bool_parsing": "true or false", "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)", "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "finite_number": "a finite number",
}


def _plain(err: dict) -> str:
    value = err.get("input")
    shown = type(value).__name__ if isinstance(value, (dict, list)) else _clip(repr(value))
    expected = _EXPECTED.get(err["type"])
    if err["type"] in ("float_parsing", "float_type") and isinstance(value, int) and not isinstance(value, bool):
        expected = "a number within a float's range (about ±1.8e308)"  # an integer of hundreds of digits
    if expected:
        return f"expected {expected}, got {shown}"
    msg = err["msg"].removeprefix("Value error, ")
    msg = msg[0].lower() + msg[1:]
    if err["type"] in ("literal_error", "string_pattern_mismatch", "greater_than", "greater_than_equal",
                       "less_than", "less_than_equal", "enum"):
        return f"{msg}, got {shown}"
    return msg


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit - 1]}…"


def _submodel(model: type[BaseModel], loc: tuple, data: Any) -> type[BaseModel] | None:
    """The pydantic model that a location inside ``model`` refers to, if one.

    ``data`` walks along so that a tagged union (a KPI source) resolves to the
    member the document actually names.
    """
    current: Any = model
    for part in loc:
        data = data[part] if isinstance(data, (dict, list)) and _has(data, part) else None
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if info is None:
            return None
        current = _pick_model(info.annotation, data)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _has(data: dict | list, part: Any) -> bool:
    return part in data if isinstance(data, dict) else isinstance(part, int) and 0 <= part < len(data)


def _pick_model(annotation: Any, data: Any) -> Any:
    members = list(_models_in(annotation))
    tag = data.get("type") if isinstance(data, dict) else None
    for member in members:
        field = member.model_fields.get("type")
        if field is not None and tag in get_args(field.annotation):
            return member
    return members[0] if members else None


def _models_in(annotation: Any):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in get_args(annotation):
        yield from _models_in(arg)


def _allowed_fields(model: type[BaseModel], loc: tuple, data: Any) -> list[str]:
    sub = _submodel(model, loc, data)
    if sub is None:
        return []
    return [info.alias or name for name, info in sub.model_fields.items()]


def _field_help(model: type[BaseModel], loc: tuple, data: Any) -> str:
    parent = _submodel(model, loc[:-1], data)
    if parent is None or not loc or not isinstance(loc[-1], str):
        return ""
    info = next((f for n, f in parent.model_fields.items() if (f.alias or n) == loc[-1]), None)
    if info is None or not info.description:
        return ""
    text = info.description
    if text[1:2].islower():  # "Column holding…" reads on; "CSV file…" keeps its capitals
        text = text[0].lower() + text[1:]
    return f" — {text}"


def _unique(objs: list[Obj], diags: list[Diagnostic]) -> dict[str, Obj]:
    out: dict[str, Obj] = {}
    for obj in objs:
        first = out.get(obj.id)
        if first is not None:
            diags.append(obj.diag("GS004", "id", f"duplicate {type(obj.model).__name__} id `{obj.id}` "
                                  f"(first defined at {first.file}:{first.pos('id').line})",
                                  "give each object its own id"))
            continue
        out[obj.id] = obj
    return out


def _people(teams: dict[str, Obj[Team]], diags: list[Diagnostic]) -> dict[str, Obj[Person]]:
    people: dict[str, Obj[Person]] = {}
    for team in teams.values():
        for i, member in enumerate(team.model.members):
            person = Obj(member, team.doc, f"members{SEP}{i}")
            if member.id in teams:
                diags.append(person.diag("GS004", "id", f"person id `{member.id}` is also a team id",
                                         "person and team ids share one namespace; rename one of them"))
                continue
            first = people.get(member.id)
            if first is None:
                people[member.id] = person
            elif first.model.name != member.name:
                diags.append(person.diag(
                    "GS004", "id", f"person id `{member.id}` names `{member.name}` here but `{first.model.name}` "
                    f"at {first.file}:{first.pos('id').line}",
                    "a person listed in several teams keeps one id and one name; give different people different ids"))
    return people


def _organization(loaded: Loaded, orgs: list[Obj[Organization]], diags: list[Diagnostic],
                  known_codes: frozenset[str]) -> Obj[Organization] | None:
    at_root = [o for o in orgs if o.file == ORG_FILE]
    for stray in (o for o in orgs if o.file != ORG_FILE):
        diags.append(make("GS005", stray.file, stray.anchor(), "Organization outside goalspec.yaml",
                          "move the Organization document into goalspec.yaml at the tree's root",
                          key_path="Organization"))
    for extra in at_root[1:]:
        diags.append(make("GS005", extra.file, extra.anchor(), "more than one Organization",
                          "keep exactly one Organization document in goalspec.yaml", key_path="Organization"))
    if not at_root:
        has_root_file = any(f.path == ORG_FILE for f in loaded.files)
        already = any(d.file == ORG_FILE and d.code in ("GS001", "GS002", "GS003") for d in diags)
        if not already:
            message = "goalspec.yaml holds no Organization" if has_root_file else \
                "no goalspec.yaml with an Organization at the tree's root"
            diags.append(make("GS005", ORG_FILE, START, message,
                              "create goalspec.yaml with `apiVersion: goalspec/v1`, `kind: Organization` and a `name`",
                              key_path="Organization"))
        return None
    org = at_root[0]
    for code in org.model.rules:
        if code not in known_codes:
            diags.append(org.diag("GS003", f"rules{SEP}{code}", f"unknown rule code `{code}`",
                                  _choices_hint(code, sorted(known_codes)), key=True))
    return org
