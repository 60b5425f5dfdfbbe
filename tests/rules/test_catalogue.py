"""The rule catalogue reads what the registry reads, and listing rules stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from goalspec.rules import CODES, RULES
from goalspec.rules.catalogue import catalogue
from paths import ROOT, RUN_GOALSPEC


def test_catalogue_says_what_each_rule_module_says():
    entries = catalogue()
    assert list(entries) == list(CODES)
    for code, rule in RULES.items():
        entry = entries[code]
        assert (entry.severity, entry.summary, entry.explain) == (rule.severity, rule.summary, rule.explain), code
        assert entry.summary and entry.explain, code


_PROBE = RUN_GOALSPEC + """
heavy = ("networkx", "pydantic", "sqlalchemy", "duckdb", "ruamel.yaml", "jinja2")
print(sorted(name for name in heavy if name in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--version"], ["explain", "GS101"], ["explain", "gs412"], ["rules"],
                                  ["rules", "--format", "markdown"]])
def test_version_explain_and_rules_import_no_models_nor_graph(args):
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
    assert done.stdout.strip()
