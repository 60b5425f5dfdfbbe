"""Where the tests find the repository's own files, wherever a test module sits in tests/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
# The small valid tree every rule case starts from (tests/rules/cases/*.yaml change it).
RULES_BASE = ROOT / "tests" / "rules" / "base"
# Real goal statements, labelled (GS101's corpus; tests/data/goals/README.md).
GOAL_CORPUS = ROOT / "tests" / "data" / "goals"


def corpus_titles() -> list[str]:
    """Every title of the goal corpus, in file order."""
    import yaml

    return [goal["title"] for path in sorted(GOAL_CORPUS.glob("*.yaml"))
            for goal in yaml.safe_load(path.read_text(encoding="utf-8"))["goals"]]


def corpus_tree(folder: Path) -> list[str]:
    """A tree of one goal per title of the goal corpus, fifty to a file (its KPI names no owner: GS405
    on every goal); its titles."""
    import json

    titles = corpus_titles()
    (folder / "goalspec.yaml").write_text("apiVersion: goalspec/v1\nkind: Organization\nname: A\n")
    (folder / "people.yaml").write_text(
        "apiVersion: goalspec/v1\nkind: Person\nid: ana\nname: Ana\n---\n"
        "apiVersion: goalspec/v1\nkind: KPI\nid: seats\nname: Seats\nunit: seats\nsource: {type: checkins}\n")
    for start in range(0, len(titles), 50):
        (folder / f"goals-{start:04}.yaml").write_text("---\n".join(
            f"apiVersion: goalspec/v1\nkind: Goal\nid: g{i}\ntitle: {json.dumps(titles[i])}\nowner: ana\nkpi: seats\n"
            f"target: {{value: {100 + i}}}\ndeadline: 2027-Q{1 + i % 4}\n" for i in range(start, min(start + 50, len(titles)))))
    return titles

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
