"""`goalspec fmt`: one canonical layout for spec files, comments kept.

Keys follow the order of FORMAT.md (apiVersion, kind, id, then each kind's
fields as the models declare them; unknown keys keep their place at the end),
mappings indent by two spaces and list items by two more. ruamel.yaml's
round-trip mode keeps comments, blank lines, flow style, quotes and anchors.
A file that does not parse is left alone (`goalspec check` reports it).
"""

from __future__ import annotations

import io
from pathlib import Path

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from goalspec.spec.load import discover, line_comment
from goalspec.spec.models import KINDS, LeadsSource, Person, PaysOn, Revision, Site, Target
from goalspec.spec.models import CheckinsSource, CsvSource, LeadRecordsCsv, LeadRecordsSql, SqlSource

_SOURCES = {"checkins": CheckinsSource, "csv": CsvSource, "sql": SqlSource, "leads": LeadsSource}
_NESTED = {"site": Site, "target": Target, "members": Person, "pays_on": PaysOn, "revisions": Revision}


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap a long title
    return y


# FORMAT.md writes a check-in as kpi, date, value, by… and a batch as kpi, by, values:
# one order serves both.
_ORDERS = {"CheckIn": ["apiVersion", "kind", "kpi", "date", "value", "by", "values", "note", "confidence"]}


def _order(model: type[BaseModel]) -> list[str]:
    if model.__name__ in _ORDERS:
        return _ORDERS[model.__name__]
    # A model's own fields before inherited ones: lead records read `type, path`, then the shared columns.
    own = set(model.__annotations__)
    fields = sorted(model.model_fields.items(), key=lambda item: item[0] not in own)
    names = [info.alias or name for name, info in fields]
    head = [k for k in ("apiVersion", "kind", "id", "type") if k in names]
    return head + [k for k in names if k not in head]


def _sort(node: CommentedMap, model: type[BaseModel] | None) -> None:
    if model is not None:
        order = _order(model)
        rank = {key: i for i, key in enumerate(order)}
        wanted = sorted(node, key=lambda k: (rank.get(k, len(order)), list(node).index(k)))
        if wanted != list(node):
            for key in wanted:
                node.move_to_end(key)
    for key, value in node.items():
        child = _NESTED.get(key)
        if key == "source" and isinstance(value, CommentedMap):
            child = _SOURCES.get(value.get("type"))
            data = value.get("data")
            if isinstance(data, CommentedMap):
                _sort(data, LeadRecordsCsv if data.get("type") == "csv" else LeadRecordsSql)
        if isinstance(value, CommentedMap):
            _sort(value, child)
        elif isinstance(value, CommentedSeq) and child is not None:
            for item in value:
                if isinstance(item, CommentedMap):
                    _sort(item, child)


def format_text(text: str) -> str | None:
    """The canonical form of a file's text, or None when it does not parse as YAML."""
    y = _yaml()
    try:
        docs = list(y.load_all(text))
    except Exception:  # noqa: BLE001 - anything ruamel rejects is `check`'s to report
        return None
    for doc in docs:
        if isinstance(doc, CommentedMap):
            _sort(doc, KINDS.get(doc.get("kind")) if isinstance(doc.get("kind"), str) else None)
    y.explicit_start = text.lstrip().startswith("---")
    out = io.StringIO()
    y.dump_all(docs, out)
    new = out.getvalue()
    if sorted(_comments(new)) != sorted(_comments(text)):
        return None  # ruamel would drop or change a comment (e.g. one above a `---`): leave the file alone
    return new


def _comments(text: str) -> list[str]:
    found = (line_comment(line) for line in text.splitlines())
    return [c.strip() for c in found if c]


def fmt(tree: Path, write: bool = True) -> list[Path]:
    """Format every spec file; return the files that changed (or would change)."""
    changed = []
    for path in discover(tree):
        text = path.read_text(encoding="utf-8")
        new = format_text(text)
        if new is not None and new != text:
            changed.append(path)
            if write:
                path.write_text(new, encoding="utf-8")
    return changed
