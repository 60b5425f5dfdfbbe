"""Docs cannot fall behind: every rule and every command is documented."""


from click.testing import CliRunner

from goalspec.cli import main
from goalspec.report.explain import rules_markdown
from goalspec.rules import CODES, RULES
from paths import ROOT



def test_every_rule_has_summary_and_explain_text():
    for code in CODES:
        rule = RULES[code]
        assert rule.code == code
        assert rule.summary.endswith("."), code
        assert "*Anti-pattern*" in rule.explain and "*Best practice*" in rule.explain, code
        assert "Why" in rule.explain and "How to fix" in rule.explain, code


def test_rules_md_is_generated_and_current():
    assert (ROOT / "docs" / "rules.md").read_text() == rules_markdown(), \
        "regenerate with: goalspec rules --format markdown > docs/rules.md"


def test_every_code_has_a_section_in_rules_md():
    text = (ROOT / "docs" / "rules.md").read_text()
    for code in CODES:
        assert f"\n## {code}\n" in text


def test_every_command_is_documented_in_cli_md_and_has_an_example():
    text = (ROOT / "docs" / "cli.md").read_text()
    runner = CliRunner()
    for name in main.commands:
        assert f"\n## {name}\n" in text, f"docs/cli.md has no section for `{name}`"
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Example" in result.output, name


def test_readme_names_the_test_command_and_the_docs():
    readme = (ROOT / "README.md").read_text()
    assert "pytest" in readme
    for doc in ("docs/format.md", "docs/rules.md", "docs/cli.md"):
        assert doc in readme and (ROOT / doc).is_file()


def test_the_example_workflow_uses_only_real_commands():
    import yaml

    from goalspec.cli import main

    workflow = yaml.safe_load((ROOT / "examples" / "github-workflow.yml").read_text())
    runs = [step["run"] for job in workflow["jobs"].values() for step in job["steps"] if "run" in step]
    commands = {line.split()[1] for run in runs for line in run.splitlines() if line.startswith("goalspec ")}
    assert commands == {"check", "build", "diff"}
    assert commands <= set(main.commands)
    assert "upload-sarif" in (ROOT / "examples" / "github-workflow.yml").read_text()
    assert "examples/github-workflow.yml" in (ROOT / "docs" / "ci.md").read_text()


def test_nothing_in_the_repository_reaches_outside_it():
    """A fresh clone with nothing beside it runs every test and reads every doc."""
    import subprocess

    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    outside = []
    for name in files:
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".toml", ".yaml", ".yml", ".html", ".cfg", ".txt", "") or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for needle in ("../shared", "shared/FORMAT", "shared/schemas", "FORMAT.md"):
            if needle in text and name != "tests/test_docs.py":
                outside.append(f"{name}: {needle}")
    assert outside == []


def test_format_md_names_every_field_of_every_kind():
    from pydantic import BaseModel

    from goalspec.spec import models

    text = (ROOT / "docs" / "format.md").read_text()
    missing = []
    for name in dir(models):
        model = getattr(models, name)
        if isinstance(model, type) and issubclass(model, BaseModel) and model.__module__ == models.__name__:
            for field, info in model.model_fields.items():
                shown = info.alias or field
                if f"`{shown}`" not in text and f"{{{shown}" not in text and f" {shown}," not in text:
                    missing.append(f"{name}.{shown}")
    assert missing == []


def test_format_md_lists_every_rule_code_with_its_default_severity():
    text = (ROOT / "docs" / "format.md").read_text()
    for code, rule in RULES.items():
        assert f"| {code} | {rule.severity.value} |" in text, code


def test_the_guarantees_name_tests_that_exist_and_links_that_resolve():
    import re

    text = (ROOT / "docs" / "guarantees.md").read_text()
    named = re.findall(r"`(tests/[\w/]+\.py)`", text)
    assert len(named) >= 10
    assert [n for n in named if not (ROOT / n).is_file()] == []
    for doc, anchor in re.findall(r"\]\((\w+\.md)(?:#([\w-]+))?\)", text):
        target = (ROOT / "docs" / doc).read_text()
        if anchor:
            headings = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-")
                        for h in re.findall(r"^#+ (.+)$", target, re.M)}
            assert anchor in headings, (doc, anchor)
