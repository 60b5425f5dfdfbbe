"""Where the tests find the repository's own files, wherever a test module sits in tests/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
# The small valid tree every rule case starts from (tests/rules/cases/*.yaml change it).
RULES_BASE = ROOT / "tests" / "rules" / "base"
