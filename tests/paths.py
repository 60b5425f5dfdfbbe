"""Where the tests find the repository's own files, wherever a test module sits in tests/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
# The small valid tree every rule case starts from (tests/rules/cases/*.yaml change it).
RULES_BASE = ROOT / "tests" / "rules" / "base"

# The start of a probe run in a fresh interpreter (`python -c PROBE ARGS`): goalspec's command line
# with ARGS, as `python -m goalspec` runs it; what follows reports on the process it leaves.
RUN_GOALSPEC = """
import runpy, sys
sys.argv = ["goalspec", *sys.argv[1:]]
try:
    runpy.run_module("goalspec", run_name="__main__")
except SystemExit:
    pass
"""
