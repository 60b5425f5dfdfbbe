"""`goalspec schema`: the JSON Schema (draft-07) of every kind, from the pydantic models.

Editors that speak JSON Schema (yaml-language-server in VS Code and others) use it
to complete field names and flag typos as a leader types. Output keys are sorted
so the committed copy (schema/goalspec-v1.schema.json) only changes with the models.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from goalspec.spec.models import KINDS

SCHEMA_ID = "urn:goalspec:schema:v1"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def schema() -> dict[str, Any]:
    document = Annotated[Union[tuple(KINDS.values())], Field(discriminator="kind")]
    raw = TypeAdapter(document).json_schema(mode="validation", ref_template="#/definitions/{model}")
    raw.pop("discriminator", None)  # an OpenAPI keyword, not JSON Schema; `kind` consts do the job
    out = {
        "$schema": DRAFT_07,
        "$id": SCHEMA_ID,
        "title": "goalspec/v1 document",
        "description": "One document of a goalspec spec tree: Organization, Team, KPI, Goal, LeadDefinition, "
                       "Incentive or CheckIn.",
        "definitions": _draft07(raw.pop("$defs")),
        **_draft07(raw),
    }
    return out


def _draft07(node: Any) -> Any:
    """pydantic writes draft 2020-12; draft-07 has no `discriminator`, and `$defs` is `definitions`."""
    if isinstance(node, dict):
        return {k: _draft07(v) for k, v in node.items() if k != "discriminator"}
    if isinstance(node, list):
        return [_draft07(v) for v in node]
    return node


def render() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
