"""The pipeline's direction holds (import-linter's contracts in pyproject.toml), and each
contract can fail: a copy of the package with one import turned the wrong way breaks it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paths import ROOT

LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path, *contracts: str) -> subprocess.CompletedProcess:
    args = [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"]
    for contract in contracts:
        args += ["--contract", contract]
    # PYTHONPATH first: the package analysed is the one in `root`, not an installed copy.
    return subprocess.run(args, cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root), "PATH": ""})


def test_every_contract_is_kept():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("layout")
    shutil.copytree(ROOT / "goalspec", root / "goalspec", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", root)
    return root


# Each case adds one line to one module and names the contract that must then break.
CASES = [
    ("pipeline", "goalspec/spec/periods.py", "from goalspec.check import run"),  # a lower stage reaching up
    ("pipeline", "goalspec/graph.py", "import goalspec.data.progress"),  # siblings of one layer stay apart
    ("acyclic", "goalspec/data/sources.py", "from goalspec.data import leads"),  # leads imports sources
    ("commands", "goalspec/cli/site.py", "from goalspec.cli.check import _trees_of"),
    ("click-in-cli", "goalspec/report/status.py", "import click"),
    ("templates-in-site", "goalspec/report/trace.py", "import jinja2"),
    ("templates-in-site", "goalspec/cli/options.py", "import markdown_it"),
]


@pytest.mark.parametrize("contract,module,line", CASES, ids=[f"{c}:{m}" for c, m, _ in CASES])
def test_a_reversed_import_breaks_the_contract(copy, contract, module, line):
    path = copy / module
    original = path.read_text()
    path.write_text(original + "\n" + line + "  # noqa\n")
    try:
        done = lint(copy, contract)
    finally:
        path.write_text(original)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 broken" in done.stdout


def test_contracts_name_every_stage():
    """A new stage package must be placed in the layers, or nothing guards its imports."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [c["layers"] for c in config["contracts"] if c["id"] == "pipeline"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    stages = {f"goalspec.{p.name}" for p in (ROOT / "goalspec").iterdir() if (p / "__init__.py").is_file()}
    stages |= {f"goalspec.{p.stem}" for p in (ROOT / "goalspec").glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert stages == named
