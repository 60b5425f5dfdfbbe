"""The SQL a CSV file's summary compiles to for DuckDB, kept between runs.

Building the statement takes SQLAlchemy, whose import alone (0.15–0.3 s) is a third of what
DuckDB takes to count a million records. A run that finds the text kept hands it to DuckDB as
it stands and never imports SQLAlchemy.

The text depends on nothing but what the key holds: the file's path as written (the text
names it), its header, the definitions, the options (the day the follow-ups are judged on
among them), and the code that writes the SQL (every module of ``goalspec.data`` and
``goalspec.spec``, by content, so that an edited module is never answered by text the old one
wrote). Entries are plain data in the file cache (``spec.cache``), bounded with it and
off with it (``GOALSPEC_NO_CACHE=1``). DuckDB runs a kept text in the same locked session as a
new one: it can read that one file and nothing else, whoever wrote the cache folder.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Sequence

from goalspec.data.tally import Shape
from goalspec.spec.cache import FileCache
from goalspec.spec.models import LeadDefinition

_HERE = Path(__file__).parent


def code_files() -> list[Path]:
    """The modules whose content keys the kept text: what writes the SQL and what reads the criteria."""
    return [*sorted(_HERE.glob("*.py")), *sorted((_HERE.parent / "spec").glob("*.py"))]


@cache
def _code() -> str:
    digest = hashlib.sha256()
    for path in code_files():
        digest.update(f"{path.parent.name}/{path.name}".encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def store() -> FileCache | None:
    return FileCache.default(salt=f"duckdb-csv-sql|{_code()}")


def key(path: Path, columns: Sequence[str], definitions: Sequence[tuple[str, LeadDefinition]],
        options: dict[str, Any], as_of: datetime | None) -> bytes:
    """``as_of``: the moment the classifier judges follow-ups at (``datetime.now()`` when the
    options give none), which the text holds when a definition agrees a follow-up (else None:
    the text does not depend on it). The definitions are written with their values' types
    (``repr``): a date compares as a day, its ISO text as text."""
    defined = [(lid, d.model_dump()) for lid, d in definitions]
    return repr((str(path), tuple(columns), defined, sorted({**options, "as_of": as_of}.items()))).encode()


def usable(entry: Any) -> bool:
    """A kept entry of the shape ``pushdown.compiled`` writes, whole and consistent (a damaged one
    is a miss: its statement is built again)."""
    if not (isinstance(entry, dict) and isinstance(entry.get("summary"), str)
            and isinstance(entry.get("unsure"), (str, type(None))) and isinstance(entry.get("late"), dict)):
        return False
    shape = Shape.from_plain(entry.get("shape"))
    return (shape is not None and (entry["unsure"] is None) == ("u" not in shape.at)
            and sorted(entry["late"]) == sorted(str(k) for k in shape.states)
            and all(isinstance(text, str) for text in entry["late"].values()))
