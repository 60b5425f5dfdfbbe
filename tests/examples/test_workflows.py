"""Every GitHub Actions workflow we publish (examples/*.yml, and the ```yaml blocks of
README.md and docs/*.md that are workflows or workflow steps) is valid as GitHub reads it,
and does what docs/ci.md says when it runs.

A workflow is checked for the keys GitHub requires (`on`, `jobs.*.runs-on`,
`jobs.*.steps`, each step `uses` or `run`), current action versions, the permissions
upload-sarif needs, and a pinned install line. Then each job is run here, step by step,
against a git repository holding the example tree: `run` steps through bash as the runner
runs them (`bash -eo pipefail`), without the install line (goalspec is already installed
here; installing needs the network); `uses` steps are stood in for by checks of what the
action would be given (upload-sarif: a complete, valid SARIF log; upload-pages-artifact:
the built site). `if:` conditions and `needs:` are evaluated as GitHub does for the
expressions the workflows use; an expression this test does not know fails it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
import yaml

from paths import ROOT, SPECS

# The current major version of each action the workflows use; one version everywhere.
CURRENT = {
    "actions/checkout": "v7",
    "actions/setup-python": "v7",
    "github/codeql-action/upload-sarif": "v4",
    "actions/upload-pages-artifact": "v5",
    "actions/deploy-pages": "v5",
}
INSTALL = re.compile(r"^\s*pip install ")
SARIF_SCHEMA = json.loads((ROOT / "tests" / "report" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FENCE = re.compile(r"^```ya?ml\n(.*?)^```", re.MULTILINE | re.DOTALL)


def published() -> dict[str, Any]:
    """Every workflow and workflow fragment we publish, by where it is."""
    found: dict[str, Any] = {}
    for path in sorted((ROOT / "examples").glob("*.y*ml")):
        found[path.relative_to(ROOT).as_posix()] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for i, block in enumerate(FENCE.findall(doc.read_text(encoding="utf-8"))):
            if "runs-on:" in block or re.match(r"\s*- (uses|run):", block):
                found[f"{doc.relative_to(ROOT).as_posix()} (yaml block {i + 1})"] = yaml.safe_load(block)
    return found


WORKFLOWS = published()


def as_workflow(data: Any) -> dict:
    """A workflow; a list of steps (a fragment in the docs) becomes a one-job workflow run on push to main."""
    if isinstance(data, list):
        return {"on": {"push": {"branches": ["main"]}}, "jobs": {"steps": {"runs-on": "ubuntu-latest", "steps": data}}}
    return data


def test_we_publish_the_workflows_we_know_of():
    names = set(WORKFLOWS)
    assert "examples/github-workflow.yml" in names
    assert sum(name.startswith("README.md") for name in names) == 2  # the site and the CI workflow
    assert any(name.startswith("docs/site.md") for name in names)


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_the_workflow_has_the_keys_github_requires(name):
    wf = as_workflow(WORKFLOWS[name])
    on = wf.get("on", wf.get(True))  # YAML 1.1 (PyYAML) reads the key `on` as true
    assert on, f"{name}: no `on`"
    assert isinstance(wf.get("jobs"), dict) and wf["jobs"], f"{name}: no jobs"
    for job_id, job in wf["jobs"].items():
        assert isinstance(job.get("runs-on"), str), f"{name}: job {job_id} has no runs-on"
        assert isinstance(job.get("steps"), list) and job["steps"], f"{name}: job {job_id} has no steps"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{name}: a step needs `uses` or `run`, not both: {step}"


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_actions_are_pinned_to_their_current_version(name):
    for job in as_workflow(WORKFLOWS[name])["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                action, _, ref = step["uses"].partition("@")
                assert CURRENT.get(action) == ref, f"{name}: {step['uses']} (current: {action}@{CURRENT.get(action)})"


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_goalspec_is_installed_pinned_and_alone_on_its_line(name):
    for job in as_workflow(WORKFLOWS[name])["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").splitlines():
                if INSTALL.match(line):
                    # not on PyPI yet: a release tag of its repository (docs/ci.md)
                    assert re.fullmatch(r'\s*pip install "goalspec @ git\+https://github\.com/OWNER/goalspec@v\d+\.\d+\.\d+"',
                                        line), f"{name}: {line}"
                assert "pip install goalspec" not in line, f"{name}: goalspec is not on PyPI: {line}"


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_sarif_upload_has_its_permissions_and_summary_steps_run_after_a_failure(name):
    wf = as_workflow(WORKFLOWS[name])
    for job_id, job in wf["jobs"].items():
        steps = job["steps"]
        if any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps):
            granted = job.get("permissions") or wf.get("permissions") or {}
            assert granted.get("security-events") == "write", f"{name}: {job_id}"
            assert granted.get("actions") == "read", f"{name}: {job_id}"
            assert granted.get("contents") == "read", f"{name}: {job_id}"
        for step in steps:
            if "goalspec diff" in step.get("run", "") or "--format sarif" in step.get("run", ""):
                assert str(step.get("if", "")).startswith("always()"), f"{name}: {step}"


# --- running the jobs ---------------------------------------------------------

@dataclass
class Outcome:
    """What a job's steps did: each step's label and its exit code, or "ran" / "skipped"."""

    steps: list[tuple[str, Any]] = field(default_factory=list)
    failed: bool = False
    summary: str = ""

    def of(self, label: str) -> list[Any]:
        return [result for step, result in self.steps if step == label]


def label(step: dict) -> str:
    if "uses" in step:
        return step["uses"].partition("@")[0].rpartition("/")[2]
    script = step["run"]
    if "--format sarif" in script:
        return "sarif"
    commands = re.findall(r"^\s*(goalspec \w+)", script, re.MULTILINE)
    return commands[0] if commands else "install" if INSTALL.match(script) else script.split()[0]


def evaluate(expr: str, event: str, failed: bool, workspace: Path) -> Any:
    """The expressions our workflows use, as GitHub evaluates them."""
    expr = expr.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()
    if not re.search(r"\b(always|success|failure|cancelled)\(\)", expr):
        expr = f"success() && ({expr})"  # GitHub's implied status check
    py = expr.replace("&&", " and ").replace("||", " or ")
    py = re.sub(r"!(?!=)", " not ", py)
    py = py.replace("always()", "True").replace("success()", "(not failed)").replace("failure()", "failed")
    names = {
        "github": SimpleNamespace(event_name=event, base_ref="main" if event == "pull_request" else ""),
        "hashFiles": lambda *globs: "h" if any((workspace / g).is_file() for g in globs) else "",
        "failed": failed,
    }
    return eval(py, {"__builtins__": {}}, names)  # the workflows we write, not input


def substitute(value: str, event: str) -> str:
    """`${{ github.… }}` in a value, as GitHub fills it in."""
    known = {"github.base_ref": "main" if event == "pull_request" else "", "github.event_name": event}

    def fill(m: re.Match) -> str:
        assert m[1].strip() in known, f"an expression this test does not know: {m[1]}"
        return known[m[1].strip()]

    return re.sub(r"\$\{\{(.*?)\}\}", fill, value)


def run_job(job: dict, event: str, repo: Path, tmp: Path) -> Outcome:
    outcome = Outcome()
    summary = tmp / f"summary-{event}.md"
    summary.write_text("")
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", str(tmp)),
        "GOALSPEC_CACHE_DIR": os.environ.get("GOALSPEC_CACHE_DIR", str(tmp / "cache")),
        "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(repo), "GITHUB_EVENT_NAME": event,
        "GITHUB_STEP_SUMMARY": str(summary), "NO_COLOR": "1",
    }
    env.update({key: substitute(str(value), event) for key, value in (job.get("env") or {}).items()})
    for step in job["steps"]:
        name = label(step)
        if not evaluate(str(step.get("if", "success()")), event, outcome.failed, repo):
            outcome.steps.append((name, "skipped"))
            continue
        if "uses" in step:
            outcome.steps.append((name, stand_in(step, repo)))
            continue
        script = "\n".join(line for line in step["run"].splitlines() if not INSTALL.match(line))
        if not script.strip():
            outcome.steps.append((name, "skipped"))
            continue
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=repo, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        outcome.steps.append((name, done.returncode))
        outcome.failed = outcome.failed or done.returncode != 0
    outcome.summary = summary.read_text()
    return outcome


def stand_in(step: dict, repo: Path) -> str:
    """What an action is given, checked as it would check it."""
    action = step["uses"].partition("@")[0]
    given = step.get("with") or {}
    if action == "github/codeql-action/upload-sarif":
        log = repo / given["sarif_file"]
        assert log.is_file() and log.stat().st_size, "an empty or missing SARIF file would be uploaded"
        errors = list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(json.loads(log.read_text())))
        assert not errors, errors[0]
    elif action == "actions/upload-pages-artifact":
        assert (repo / given["path"] / "index.html").is_file()
    else:
        assert action in ("actions/checkout", "actions/setup-python", "actions/deploy-pages"), action
    return "ran"


def company(tmp_path: Path, event: str, state: str) -> Path:
    """A repository whose main holds the example tree; on a pull request, the pull request's
    merge is checked out and origin/main is its base. ``state``: the tree after the change is
    `clean`, has an error (`broken`), or is missing, a usage error (`missing`)."""
    repo = tmp_path / "repo"
    shutil.copytree(SPECS, repo / "specs")

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main",
                        *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "goals")
    git("update-ref", "refs/remotes/origin/main", "HEAD")
    goals = repo / "specs" / "goals" / "marketing.yaml"
    goals.write_text(goals.read_text().replace("Book 120 calls with", "Book 120 booked calls with"))
    if state == "broken":
        kpis = repo / "specs" / "kpis" / "channel.yaml"
        kpis.write_text(kpis.read_text().replace("id: seats-closed", "id: seats-won"))
    if state == "missing":
        shutil.move(repo / "specs", repo / "goals")
    git("add", "-A")
    git("commit", "-qm", "the change")
    return repo


# What a job's goalspec steps exit with, by the state of the tree: the check fails on an
# error (1) and on a usage error (2); the SARIF step passes on findings (the check reports
# them) and fails, leaving no file, on a usage error.
CHECK = {"clean": 0, "broken": 1, "missing": 2}
SARIF = {"clean": 0, "broken": 0, "missing": 2}


def jobs_of(name: str) -> list[tuple[str, dict, list[str]]]:
    wf = as_workflow(WORKFLOWS[name])
    on = wf.get("on", wf.get(True))
    events = [on] if isinstance(on, str) else list(on)
    return [(job_id, job, events) for job_id, job in wf["jobs"].items()]


CASES = [(name, event, state) for name in sorted(WORKFLOWS) for event in ("pull_request", "push")
         if any(event in events for _, _, events in jobs_of(name)) for state in ("clean", "broken", "missing")]


@pytest.mark.parametrize("name, event, state", CASES)
def test_the_workflow_runs_as_docs_ci_says(tmp_path, name, event, state):
    jobs = jobs_of(name)
    repo = company(tmp_path, event, state)
    outcomes: dict[str, Outcome] = {}
    for job_id, job, _ in jobs:
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        if not evaluate(str(job.get("if", "success()")), event, any(outcomes[n].failed for n in needs), repo):
            continue
        outcome = outcomes[job_id] = run_job(job, event, repo, tmp_path)
        assert all(result in (0, "ran", "skipped", *[CHECK[state], SARIF[state]]) for _, result in outcome.steps)
        for result in outcome.of("goalspec check"):
            assert result == CHECK[state], (job_id, outcome.steps)
        for result in outcome.of("sarif"):
            assert result == SARIF[state], (job_id, outcome.steps)
            # the log is there exactly when the step passed, and then it is uploaded
            assert (repo / "goalspec.sarif").is_file() == (result == 0)
        if outcome.of("sarif"):
            assert outcome.of("upload-sarif") == ["ran" if SARIF[state] == 0 else "skipped"], outcome.steps
        if state == "broken" and outcome.of("sarif"):
            codes = {r["ruleId"] for r in json.loads((repo / "goalspec.sarif").read_text())["runs"][0]["results"]}
            assert "GS202" in codes
        diff = outcome.of("goalspec diff")
        if diff and event == "pull_request":
            # the summary is written whether the check passed or failed
            assert diff != ["skipped"] and (state == "missing" or (diff == [0] and "marketing" in outcome.summary))
        elif diff:
            assert diff == ["skipped"]
        for result in outcome.of("goalspec build"):
            assert result == CHECK[state], (job_id, outcome.steps)  # a tree with errors is not built
        if outcome.of("upload-pages-artifact"):
            assert outcome.of("upload-pages-artifact") == ["ran" if CHECK[state] == 0 else "skipped"]
        if "needs" in job and state != "clean":
            pytest.fail(f"{name}: job {job_id} ran though the job it needs failed")
    assert outcomes, f"{name}: no job ran on {event}"
