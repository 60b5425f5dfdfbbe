"""Validated spec objects: one pydantic model per kind (docs/format.md, Kinds).

These are the checked types. Raw documents (``load.RawDocument``) become these in
``validate``; nothing downstream sees unvalidated data. The field descriptions are
the reference text for docs and editor schemas.
"""

# No `from __future__ import annotations` here: Python evaluates the field types as each class is
# made, where pydantic would otherwise eval some 130 annotation strings on every run (≈3 ms of each
# command). The few names used before their class exists are quoted.
from datetime import date as Date
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema, model_validator

from goalspec.spec.criteria import problem

API_VERSION = "goalspec/v1"
QUERY_TIMEOUT = 30.0  # seconds an SQL source's query may run, unless its `timeout` says otherwise

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$")]


def _as_list(value: Any) -> Any:
    # `parent: a` and `parent: [a, b]` are both allowed; the model keeps a list.
    return [value] if isinstance(value, str) else value


def _pays_on(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    return [{"goal": item} if isinstance(item, str) else item for item in value]


# Empty defaults made by Python functions, not by `list` and `dict` themselves: pydantic reads a
# default factory's signature, and a builtin's is parsed from text with tokenize, whose pattern
# costs several milliseconds of every command to compile.
def _list() -> list:
    return []


def _dict() -> dict:
    return {}


def _same(value: Any) -> Any:
    return value


def _text(value: Any) -> Any:
    # YAML reads 2026 as a number; a period field wants the text.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# What `periods.parse_period` and a `date` field read, as JSON Schema patterns (ECMA-262 and Python's `re`
# read them alike), so an editor flags `2027-Q5` or `2027-02-30` as it is typed. They describe, never
# decide: validation stays with the parser and pydantic. tests/edit/test_schema.py holds them to both.
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_DAY = (r"(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
        r"|02-(?:0[1-9]|1[0-9]|2[0-8]))|" + _LEAP_YEAR + r"-02-29)")
_PERIOD = (r"(?:[Ff][Yy][0-9]{4}(?:-[Qq][1-4]|-[Hh][12])?|" + _DAY
           + r"|[0-9]{4}(?:-(?:0[1-9]|1[0-2])|-[Qq][1-4]|-[Hh][12])?)")
PERIOD_SCHEMA: dict[str, Any] = {"anyOf": [
    {"type": "string", "pattern": r"^\s*(?!(?:[Ff][Yy])?0000)" + _PERIOD + r"\s*$",
     "patternErrorMessage": "Not a date or period: use 2026-09-30, 2026-09, 2026-Q3, 2026-H2, 2026, FY2027-Q1, "
                            "FY2027-H1 or FY2027."},
    {"type": "integer", "minimum": 1000, "maximum": 9999},  # YAML reads `2026` as a number
]}
DAY_SCHEMA: dict[str, Any] = {"type": "string", "format": "date", "pattern": r"^(?!0000)" + _DAY + "$",
                              "patternErrorMessage": "Not a day of the calendar: use YYYY-MM-DD, e.g. 2026-09-30."}

PeriodText = Annotated[str, BeforeValidator(_text, json_schema_input_type=Union[str, int]),
                       WithJsonSchema(PERIOD_SCHEMA)]
Day = Annotated[Date, WithJsonSchema(DAY_SCHEMA)]


def _numbers_by(key: dict[str, Any]) -> WithJsonSchema:
    # pydantic would write a key's pattern as `patternProperties`, which lets every other key through.
    return WithJsonSchema({"type": "object", "propertyNames": key, "additionalProperties": {"type": "number"}})


Severity = Literal["error", "warning", "off"]
Direction = Literal["increase", "decrease", "maintain"]
Aggregation = Literal["sum", "last", "mean", "max", "min"]
Cadence = Literal["weekly", "monthly", "quarterly"]
GoalStatus = Literal["draft", "active", "achieved", "missed", "cancelled"]
Op = Literal["eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "contains", "exists", "before", "after"]
Duration = Annotated[str, BeforeValidator(_text, json_schema_input_type=Union[str, int]),
                     StringConstraints(pattern=r"^\d+(\.\d+)?\s*[hdw]$"),
                     # the input type above would hide the pattern; a bare number (no unit) never passes it
                     WithJsonSchema({"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?\s*[hdw]$",
                                     "patternErrorMessage": "Not a duration: write 48h, 2d or 1w."})]


class Model(BaseModel):
    # NaN and infinity (YAML's `.nan`, `.inf`, and 1e400) are no measurement: a spec that holds
    # one gets GS003 here instead of reaching the progress model's arithmetic.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False, defer_build=True)


class Document(Model):
    api_version: Literal["goalspec/v1"] = Field(alias="apiVersion", description="Always `goalspec/v1`.")


class Site(Model):
    title: str = Field(description="Title of the generated goals site.")
    base_url: str | None = Field(None, description="Public URL the site is published under, if any.")


EnvRef = Annotated[str, StringConstraints(pattern=r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")]


class SmtpServer(Model):
    host: str = Field(description="The SMTP server's host name.")
    port: int = Field(587, ge=1, le=65535, description="Its port; default 587 (submission, with STARTTLS).")
    sender: str = Field(alias="from", description="The sender's address, e.g. `Goals <goals@example.com>`.")
    username: str | None = Field(None, description="Login name; `${VAR}` reads it from the environment.")
    password: EnvRef | None = Field(None, description="Login password: only `${VAR}`, read from the environment.")
    starttls: bool = Field(True, description="Switch to TLS (STARTTLS) before logging in; default `true`.")


class DigestChannel(Model):
    id: Id = Field(description="The channel's name in messages.")
    type: Literal["slack", "webhook", "email"] = Field(
        description="`slack` (Block Kit to an incoming webhook), `webhook` (the digest's JSON) or `email`.")
    url: EnvRef | None = Field(None, description="The webhook's URL (a secret): only `${VAR}`, read from the environment.")
    to: list[str] = Field(default_factory=_list, description="E-mail addresses the digest goes to (`email`).")
    team: Id | None = Field(None, description="Audience: only this team's goals and what its people owe.")

    @model_validator(mode="after")
    def _needs(self) -> "DigestChannel":
        if self.type in ("slack", "webhook") and self.url is None:
            raise ValueError(f"a {self.type} channel needs `url: ${{VAR}}`")
        if self.type == "email" and not self.to:
            raise ValueError("an email channel needs `to`, a list of addresses")
        return self


class DigestSettings(Model):
    since: str = Field("7d", description="What `goalspec digest --send` compares with: `7d`, `2w` or a day.")
    smtp: SmtpServer | None = Field(None, description="The mail server e-mail channels send through.")
    channels: list[DigestChannel] = Field(default_factory=_list, description="Where `goalspec digest --send` sends.")

    @model_validator(mode="after")
    def _smtp(self) -> "DigestSettings":
        if any(c.type == "email" for c in self.channels) and self.smtp is None:
            raise ValueError("an email channel needs `smtp` beside `channels`")
        return self


class Organization(Document):
    kind: Literal["Organization"] = Field(description="`Organization`: the company; exactly one, in goalspec.yaml.")
    name: str = Field(description="The company's name.")
    fiscal_year_start: int = Field(1, ge=1, le=12, description="Month (1-12) the fiscal year starts in.")
    site: Site | None = Field(None, description="Settings of the generated site.")
    rules: dict[str, Severity] = Field(
        default_factory=_dict, description="Rule code → `error`, `warning` or `off`: overrides default severities.")
    digest: DigestSettings | None = Field(None, description="Where `goalspec digest --send` sends the weekly digest.")


class Person(Model):
    id: Id = Field(description="Person id; shares one namespace with team ids.")
    name: str = Field(description="Full name.")
    email: str | None = Field(None, description="Work e-mail address.")
    role: str | None = Field(None, description="Role in the team, e.g. `Head of Sales`.")


class Team(Document):
    kind: Literal["Team"]
    id: Id = Field(description="Team id; shares one namespace with person ids.")
    name: str = Field(description="The team's name.")
    lead: Id = Field(description="Person id of the team lead.")
    members: list[Person] = Field(default_factory=_list, description="The people in the team.")
    description: str | None = Field(None, description="What the team does (Markdown).")


class CheckinsSource(Model):
    type: Literal["checkins"] = Field(description="Values come from CheckIn documents.")


class CsvSource(Model):
    type: Literal["csv"]
    path: str = Field(description="CSV file, relative to the spec tree's root.")
    date_column: str = Field(description="Column holding each row's date (YYYY-MM-DD).")
    value_column: str = Field(description="Column holding each row's value.")


class SqlSource(Model):
    type: Literal["sql"]
    url: str = Field(description="SQLAlchemy URL; `sqlite:///` paths are relative to the tree; `${VAR}` reads the environment.")
    query: str = Field(description="A read-only query returning rows of (date, value).")
    timeout: float = Field(QUERY_TIMEOUT, gt=0, le=86400,
                           description="Seconds the query may run before it is stopped (GS204); at most a day.")


class LeadRecords(Model):
    date_column: str | None = Field(None, description="Column that dates each lead record (a leads KPI needs it).")
    id_column: str | None = Field(None, description="Column that names each record in reports; default: the first column.")
    handed_over_column: str = Field("handed_over_at", description="Column holding when the lead was handed over.")
    followed_up_column: str = Field("first_follow_up_at", description="Column holding the first follow-up after the hand-over.")


class LeadRecordsCsv(LeadRecords):
    type: Literal["csv"]
    path: str = Field(description="CSV file of lead records, relative to the spec tree's root.")


class LeadRecordsSql(LeadRecords):
    type: Literal["sql"]
    url: str = Field(description="SQLAlchemy URL of the database holding the lead records.")
    query: str = Field(description="A read-only query returning one row per lead record, with named columns.")
    timeout: float = Field(QUERY_TIMEOUT, gt=0, le=86400,
                           description="Seconds the query may run before it is stopped (GS204); at most a day.")


class LeadsSource(Model):
    type: Literal["leads"]
    definition: Id | None = Field(None, description="The LeadDefinition id whose qualified records are counted.")
    data: Annotated[Union[LeadRecordsCsv, LeadRecordsSql], Field(discriminator="type")] = Field(
        description="Where the lead records come from (a csv or sql source).")


Source = Annotated[Union[CheckinsSource, CsvSource, SqlSource, LeadsSource], Field(discriminator="type")]


class KPI(Document):
    kind: Literal["KPI"]
    id: Id = Field(description="KPI id.")
    name: str = Field(description="What is measured, in words.")
    unit: str | None = Field(None, description="Unit of the values, e.g. `seats`, `USD`, `%`, `leads`.")
    direction: Direction = Field("increase", description="Which way is good: `increase`, `decrease` or `maintain`.")
    aggregation: Aggregation = Field("last", description="How values inside a period make the period's value.")
    owner: Id = Field(description="Person id of whoever keeps the KPI's data right.")
    cadence: Cadence = Field("monthly", description="How often a new value is expected.")
    source: Source | None = Field(None, description="Where the values come from.")
    description: str | None = Field(None, description="What the KPI means and how it is counted (Markdown).")


class Target(Model):
    """A goal's target; which combination of fields is meaningful is checked by rules GS201/GS205."""

    # `Any` so that a wrong type is GS201's finding, not GS003's; the schema says what `parse_target` reads.
    value: Any = Field(None, description="Absolute target in the KPI's unit.",
                       json_schema_extra={"anyOf": [{"type": "number"}, {"type": "null"}]})
    change: Any = Field(None, description='Change relative to the baseline: `"+10%"` or `"-150"`.',
                        json_schema_extra={"anyOf": [
                            {"type": "number"},
                            {"type": "string", "pattern": r"^\s*[+\-−]?\s*[0-9]+(?:\.[0-9]+)?\s*%?\s*$",
                             "patternErrorMessage": 'Not a change: write "+10%", "-5%" or "-150".'},
                            {"type": "null"}]})
    baseline: Any = Field(None, description="A number, or `{period: 2026-Q2}` for the KPI's value over a period.",
                          json_schema_extra={"anyOf": [
                              {"type": "number"},
                              {"type": "object", "properties": {"period": PERIOD_SCHEMA}, "required": ["period"],
                               "additionalProperties": False},
                              {"type": "null"}]})
    done: Any = Field(None, description="`true` for a milestone: a yes/no end state, done once a check-in says so.",
                      json_schema_extra={"anyOf": [{"const": True}, {"type": "null"}]})

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"value": data}


class Revision(Model):
    date: Day = Field(description="When the change was made.")
    field: str = Field(description="The field that changed: `target` or `deadline` (goals), `criteria` (lead definitions).")
    from_: Any = Field(None, alias="from", description="The old value.")
    to: Any = Field(None, description="The new value.")
    reason: str = Field(description="Why it changed.")


class Outcome(Model):
    """How a goal ended, written by `goalspec close` (the goal's `status` says achieved, missed or cancelled)."""

    date: Day = Field(description="The day the goal was closed.")
    score: float | None = Field(None, ge=0, le=1, description="How far the goal was reached, 0 to 1.")
    note: str | None = Field(None, description="What we learned: shown on the goal's page and in the period's review.")


class Goal(Document):
    kind: Literal["Goal"]
    id: Id = Field(description="Goal id.")
    title: str = Field(description="The one-line statement: specific, with the number it commits to.")
    owner: Id = Field(description="Person id of the goal's owner.")
    team: Id | None = Field(None, description="Team id; absent only on company goals.")
    parent: Annotated[list[Id], BeforeValidator(_as_list, json_schema_input_type=Union[Id, list[Id]])] | None = Field(
        None, description="Goal id, or list of goal ids, this goal serves; absent only on company goals.")
    kpi: Id | None = Field(None, description="KPI id the goal is measured by.")
    target: Annotated[Target, BeforeValidator(_same, json_schema_input_type=Union[float, Target])] | None = Field(
        None, description="What the KPI must reach: `{value: …}`, `{change: …, baseline: …}`, or a bare number.")
    start: PeriodText | None = Field(None, description="Start date or period; default: the start of the deadline's period.")
    deadline: PeriodText | None = Field(None, description="Date or period by the end of which the target is reached.")
    status: GoalStatus = Field("active", description="`draft`, `active`, `achieved`, `missed` or `cancelled`.")
    weight: float = Field(1.0, gt=0, description="Share of the parent this goal carries.")
    contributes: bool = Field(False, description="What this goal's KPI counts is a part of what the parent's KPI "
                              "counts (same unit): the parts' targets must add up to the parent's (GS207).")
    tags: list[str] = Field(default_factory=_list, description="Free labels.")
    description: str | None = Field(None, description="Why the goal matters and how it will be reached (Markdown).")
    plan: Annotated[dict[PeriodText, float], _numbers_by(PERIOD_SCHEMA)] | None = Field(
        None, description="Intermediate values by period or day (`2026-10: 250`): the pace line GS503 judges against.")
    revisions: list[Revision] = Field(default_factory=_list, description="Why a target or deadline was changed.")
    outcome: Outcome | None = Field(None, description="How the goal ended, with what was learned (`goalspec close`).")

    @property
    def parents(self) -> list[str]:
        return self.parent or []

    @property
    def is_company_goal(self) -> bool:
        return self.parent is None and self.team is None


class Criterion(Model):
    """A node of a criteria tree: exactly one of `all`, `any`, `not`, or a leaf {field, op, value}."""

    all: list["Criterion"] | None = Field(None, description="Every criterion in the list holds.")
    any: list["Criterion"] | None = Field(None, description="At least one criterion in the list holds.")
    not_: "Criterion | None" = Field(None, alias="not", description="The criterion does not hold.")
    field: str | None = Field(None, description="A field of the lead record.")
    op: Op | None = Field(None, description="Comparison operator.")
    value: Any = Field(None, description="Value compared against (a list for `in` / `not_in`).")
    case_sensitive: bool | None = Field(
        None, description="On a leaf: compare text case-sensitively (default: the definition's `case_sensitive`).")

    @model_validator(mode="after")
    def _one_shape(self) -> "Criterion":
        shapes = [s for s in ("all", "any", "not_") if getattr(self, s) is not None]
        leaf = (self.field is not None or self.op is not None or "value" in self.model_fields_set
                or self.case_sensitive is not None)
        if len(shapes) + leaf != 1:
            raise ValueError("a criterion is exactly one of `all: [...]`, `any: [...]`, `not: {...}` or a leaf `{field, op, value}`")
        if leaf and (self.field is None or self.op is None):
            raise ValueError("a leaf criterion needs both `field` and `op`")
        if leaf and self.op != "exists" and "value" not in self.model_fields_set:
            raise ValueError(f"operator `{self.op}` needs a `value`")
        if leaf and (why := problem(self.op, self.value)):
            raise ValueError(why)
        return self


class LeadDefinition(Document):
    kind: Literal["LeadDefinition"]
    id: Id = Field(description="Lead definition id.")
    name: str = Field(description="Name of the definition, e.g. `Sales-qualified MSP lead`.")
    stage: str = Field(description="Funnel stage: `MQL`, `SAL`, `SQL`, `opportunity` or another word.")
    description: str | None = Field(None, description="The definition in one sentence both teams agree with.")
    agreed_by: list[Id] = Field(default_factory=_list, description="Team ids that signed the definition.")
    handed_to: Id | None = Field(None, description="Team that works the leads.")
    follow_up_within: Duration | None = Field(None, description="Agreed follow-up time, e.g. `2d`, `48h`.")
    case_sensitive: bool = Field(True, description="Compare text case-sensitively; a leaf may say otherwise.")
    criteria: Criterion = Field(description="What a record must meet to qualify.")
    revisions: list[Revision] = Field(
        default_factory=_list, description="Why the criteria were changed while goals counted these leads.")


class PaysOn(Model):
    goal: Id = Field(description="Goal id the incentive pays on.")
    share: float | None = Field(None, gt=0, le=1, description=(
        "Share of the incentive tied to this goal (0-1]; goals listed without one split what the given shares "
        "leave equally."))


class Incentive(Document):
    kind: Literal["Incentive"]
    id: Id = Field(description="Incentive id.")
    name: str = Field(description="Name of the bonus or reward.")
    for_: Id = Field(alias="for", description="Team id or person id the incentive is for.")
    pays_on: Annotated[list[PaysOn], BeforeValidator(_pays_on, json_schema_input_type=list[Union[Id, PaysOn]])] = Field(
        description="Goal ids (or `{goal, share}`) the incentive pays on.")
    period: PeriodText | None = Field(None, description="Period the incentive covers.")
    description: str | None = Field(None, description="How the incentive works (Markdown).")

    @property
    def goals(self) -> list[str]:
        return [p.goal for p in self.pays_on]

    def shares(self) -> list[float]:
        """Each item's share as paid: its own, or an equal part of what the given shares leave
        (`pays_on: [a, b]` is half each); never below 0 when the given shares exceed 1 (GS410)."""
        given = sum(p.share for p in self.pays_on if p.share is not None)
        unshared = sum(p.share is None for p in self.pays_on)
        rest = max(0.0, 1.0 - given) / unshared if unshared else 0.0
        return [p.share if p.share is not None else rest for p in self.pays_on]


class CheckIn(Document):
    kind: Literal["CheckIn"]
    kpi: Id = Field(description="KPI id the value is for.")
    date: Day | None = Field(None, description="Day the value was measured (single check-in).")
    value: float | None = Field(None, description="The measured value (single check-in).")
    values: Annotated[dict[Day, float], _numbers_by(DAY_SCHEMA)] | None = Field(
        None, description="A batch: `YYYY-MM-DD: number` pairs.")
    by: Id | None = Field(None, description="Person id of whoever reported the value.")
    note: str | None = Field(None, description="Context for the value.")
    confidence: float | None = Field(None, ge=0, le=1, description="Reporter's confidence in the goal (0-1).")

    @model_validator(mode="after")
    def _single_or_batch(self) -> "CheckIn":
        single = self.date is not None or self.value is not None
        if single and self.values is not None:
            raise ValueError("a check-in has either `date` and `value`, or `values`, not both")
        if not single and self.values is None:
            raise ValueError("a check-in needs `date` and `value`, or a batch of `values`")
        if single and (self.date is None or self.value is None):
            raise ValueError("a single check-in needs both `date` and `value`")
        return self


KINDS: dict[str, type[Document]] = {
    "Organization": Organization,
    "Team": Team,
    "KPI": KPI,
    "Goal": Goal,
    "LeadDefinition": LeadDefinition,
    "Incentive": Incentive,
    "CheckIn": CheckIn,
}

# Fields that specific rules report when missing (not GS003).
RULE_OWNED_FIELDS = {"Goal": {"kpi": "GS102", "target": "GS201", "deadline": "GS301"},
                     "KPI": {"unit": "GS203", "source": "GS204"}}
