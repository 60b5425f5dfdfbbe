"""Every rule's cases, as data: tests/rules/cases/GSxxx.yaml, run over tests/rules/base.

A case overlays files onto the base tree (a file given as null is removed) and
lists every finding expected, as ``CODE file:line:col``: the exact set, so a
case also proves that nothing else is reported. A case with ``base:`` is checked
as `check --base` would check it: ``base`` overlays the base tree the same way,
and the result is the tree at the base revision that GS601 compares with.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from goalspec.check import run
from goalspec.spec.load import load_tree
from goalspec.rules import CODES, KNOWN_CODES, BaseRevision
from goalspec.spec.validate import validate

HERE = Path(__file__).parent
TODAY = date(2026, 8, 1)


def _cases():
    for path in sorted((HERE / "cases").glob("GS*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            yield pytest.param(path.stem, case, id=f"{path.stem}-{case['name']}")


CASES = list(_cases())


def build(tmp_path: Path, files: dict[str, str | None]) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(HERE / "base", tree)
    for rel, text in (files or {}).items():
        target = tree / rel
        if text is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return tree


def test_base_tree_is_clean(tmp_path):
    result = run(build(tmp_path, {}), TODAY)
    assert result.diagnostics == ()


@pytest.mark.parametrize("code,case", CASES)
def test_rule_case(tmp_path, code, case):
    tree = build(tmp_path, case.get("files"))
    today = date.fromisoformat(str(case["today"])) if "today" in case else TODAY
    base = None
    if "base" in case:
        base_tree = build(tmp_path / "base", case["base"])
        base = BaseRevision(validate(load_tree(base_tree), KNOWN_CODES)[0], "the base")
    result = run(tree, today, base=base)
    got = sorted(f"{d.code} {d.file}:{d.line}:{d.column}" for d in result.diagnostics)
    assert got == sorted(case["expect"]), [d.text_line() for d in result.diagnostics]
    for d in result.diagnostics:
        assert d.hint and d.message


def test_every_rule_has_a_failing_and_a_passing_case():
    by_code: dict[str, list[dict]] = {}
    for param in CASES:
        code, case = param.values
        by_code.setdefault(code, []).append(case)
    for code in CODES:
        cases = by_code.get(code, [])
        assert any(any(e.startswith(code + " ") for e in c["expect"]) for c in cases), f"{code}: no failing case"
        assert any(not any(e.startswith(code + " ") for e in c["expect"]) for c in cases), f"{code}: no passing case"
