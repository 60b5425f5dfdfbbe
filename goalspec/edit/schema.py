"""`goalspec schema`: the JSON Schema (draft-07) of every kind, from the pydantic models.

Editors that speak JSON Schema (yaml-language-server in VS Code and others) use it
to complete field names and flag typos and bad periods as a leader types (docs/editors.md).
Output keys are sorted so the committed copy (schema/goalspec-v1.schema.json) only
changes with the models. The period and day patterns, used by many fields, are written
once, as `definitions/Period` and `definitions/Day`.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from goalspec.spec.models import DAY_SCHEMA, KINDS, PERIOD_SCHEMA

# Where SchemaStore serves the schema once it is submitted (docs/editors.md): an id that never
# moves, whichever copy an editor loaded. A new major version of the format gets a new id.
SCHEMA_ID = "https://json.schemastore.org/goalspec-v1.json"
_SHARED = {
    "Period": ("Date or period: 2026-09-30, 2026-09, 2026-Q3, 2026-H2, 2026, FY2027-Q1, FY2027-H1 or FY2027.",
               PERIOD_SCHEMA),
    "Day": ("A day of the calendar, YYYY-MM-DD.", DAY_SCHEMA),
}
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def schema() -> dict[str, Any]:
    document = Annotated[Union[tuple(KINDS.values())], Field(discriminator="kind")]
    raw = TypeAdapter(document).json_schema(mode="validation", ref_template="#/definitions/{model}")
    raw.pop("discriminator", None)  # an OpenAPI keyword, not JSON Schema; `kind` consts do the job
    out = {
        "$schema": DRAFT_07,
        "$id": SCHEMA_ID,
        "title": "goalspec/v1 document",
        "description": "One document of a goalspec spec tree (company goals as YAML): Organization, Team, KPI, "
                       "Goal, LeadDefinition, Incentive or CheckIn.",
        "definitions": {**_shared(_draft07(raw.pop("$defs"))),
                        **{name: {"description": text, **body} for name, (text, body) in _SHARED.items()}},
        **_shared(_draft07(raw)),
    }
    return out


def _shared(node: Any) -> Any:
    """Each copy of a shared schema becomes a `$ref` to its one definition.

    pydantic flattens an optional field's `anyOf`: `Period | None` is the period's branches
    and `null` side by side, so those branches are found inside a longer `anyOf` too.
    """
    for name, (_, body) in _SHARED.items():
        ref = {"$ref": f"#/definitions/{name}"}
        if node == body:
            return ref
        branches = body.get("anyOf")
        if isinstance(node, dict) and branches and all(b in node.get("anyOf", []) for b in branches):
            rest = [b for b in node["anyOf"] if b not in branches]
            node = {**node, "anyOf": [ref, *rest]}
    if isinstance(node, dict):
        return {k: _shared(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_shared(v) for v in node]
    return node


def _draft07(node: Any) -> Any:
    """pydantic writes draft 2020-12; draft-07 has no `discriminator`, and `$defs` is `definitions`.

    `"default": null` goes too: it says only "optional", which `required` already says, and an
    editor would complete `start: null` for it.
    """
    if isinstance(node, dict):
        return {k: _draft07(v) for k, v in node.items()
                if k != "discriminator" and not (k == "default" and v is None)}
    if isinstance(node, list):
        return [_draft07(v) for v in node]
    return node


def render() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
