"""Hostile and broken input never escapes as an exception.

A property test mutates the example tree's YAML and CSV files (lines deleted, duplicated
and swapped, random bytes, hostile scalars) and runs check, status, build and
`leads classify` in-process: each must end with findings or a one-line message, never
with `internal error` (which the CLI prints for an exception that escaped) or a
traceback. On the example's live day its goals have data, so the progress model, the
roll-up and the charts run too. CI runs a bounded number of examples; a longer run:

    GOALSPEC_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalspec.cli import main
from paths import SPECS

EXAMPLES = int(os.environ.get("GOALSPEC_FUZZ_EXAMPLES", "25"))
TODAY = "2026-12-01"  # the day the example tree is live on: its goals run, its data is there

# Numbers that are no measurement, or that overflow what arithmetic expects.
NUMBERS = [".nan", ".inf", "-.inf", "1e400", "-1e400", "1e-400", "0x" + "f" * 400, "9" * 400, "-0", "0", "-1",
           "NaN", "inf", "-inf", "1,200", "1_000", "1e308", "-1e308", "5e-324"]
HOSTILE = NUMBERS + [
    "''", "~", "null", "[]", "{}", "[", "{", "]", "&a [*a, *a]", "*undefined", "!!python/object/apply:os.system [id]",
    "!!binary aGVsbG8=", '"\\e]52;c;SGVsbG8=\\a"', '"\\u202e"', "2026-02-30", "2026-13", "2026-Q5", "9999-12-31",
    "0001-01-01", "next quarter", "x" * 5000, "<<: *a", "? [a]\n: b", "'", '"', "|", ">", "- - - -", "true",
    "   ", "\t", "%YAML 1.1", "---", "...",
]


def base_tree(root: Path) -> Path:
    tree = root / "specs"
    shutil.copytree(SPECS, tree)
    return tree


def files_of(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*") if p.suffix in (".yaml", ".csv"))


@st.composite
def mutations(draw):
    # Every example changes one number that reaches arithmetic (check-in values, weights), where
    # NaN and overflow hide; then up to two mutations of any kind.
    out = [("number", draw(st.integers(0, 10_000)), 0, b"", draw(st.sampled_from(NUMBERS)))]
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "bytes", "scalar", "truncate", "cell",
                                     "number-cell"]))
        scalar = draw(st.sampled_from(NUMBERS if kind.startswith("number") else HOSTILE))
        kind = {"number-cell": "cell"}.get(kind, kind)
        out.append((kind, draw(st.integers(0, 10_000)), draw(st.integers(0, 10_000)),
                    draw(st.binary(min_size=1, max_size=12)), scalar))
    return out


NUMERIC = re.compile(rb": -?[0-9][0-9.,_]*\s*(#.*)?$")


def replace_number(files: list[Path], a: int, scalar: str) -> None:
    """One of all the tree's numeric values, picked evenly across files, becomes ``scalar``."""
    places = [(path, n) for path in files for n, line in enumerate(path.read_bytes().split(b"\n"))
              if NUMERIC.search(line)]
    if not places:
        return
    path, n = places[a % len(places)]
    lines = path.read_bytes().split(b"\n")
    key, _, _ = lines[n].partition(b": ")
    lines[n] = key + b": " + scalar.encode()
    path.write_bytes(b"\n".join(lines))


def mutate(path: Path, kind: str, a: int, b: int, noise: bytes, scalar: str) -> None:
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    i, j = a % len(lines), b % len(lines)
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "bytes":
        at = a % (len(raw) + 1)
        path.write_bytes(raw[:at] + noise + raw[at:])
        return
    elif kind == "truncate":
        path.write_bytes(raw[: a % (len(raw) + 1)])
        return
    elif kind == "scalar" and (values := [n for n, line in enumerate(lines) if b": " in line]):
        i = values[a % len(values)]  # a line that holds a value: the hostile scalar replaces it
        key, _, _ = lines[i].partition(b": ")
        lines[i] = key + b": " + scalar.encode()
    elif kind == "cell" and (rows := [n for n, line in enumerate(lines) if b"," in line]):
        i = rows[a % len(rows)]
        cells = lines[i].split(b",")
        cells[j % len(cells)] = scalar.replace(",", " ").encode()
        lines[i] = b",".join(cells)
    path.write_bytes(b"\n".join(lines))


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "internal error" not in output and "Traceback" not in output, (args, output)
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, output)
    if result.exit_code == 2:  # a usage error: one line that says what is wrong
        assert output.strip(), args
    return output


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return base_tree(tmp_path_factory.mktemp("pristine"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
@given(st.data())
def test_mutated_trees_never_crash(pristine, tmp_path_factory, data):
    root = tmp_path_factory.mktemp("fuzz")
    tree = root / "specs"
    shutil.copytree(pristine, tree)
    files = files_of(tree)
    for kind, a, b, noise, scalar in data.draw(mutations()):
        if kind == "number":
            replace_number(files, a, scalar)
        else:
            mutate(data.draw(st.sampled_from(files)), kind, a, b, noise, scalar)
    run("check", str(tree), "--today", TODAY)
    run("check", str(tree), "--today", TODAY, "--format", "sarif")
    run("status", str(tree), "--today", TODAY)
    run("status", str(tree), "--today", TODAY, "--format", "json")
    run("build", str(tree), "-o", str(root / "site"), "--allow-errors", "--today", TODAY, "--no-history")
    run("leads", "classify", str(tree / "data" / "leads.csv"), "--tree", str(tree), "--today", TODAY)


def test_the_unmutated_base_tree_shows_real_figures(pristine):
    """The fuzzed tree is worth fuzzing: its goals have data, so progress and charts run."""
    output = run("status", str(pristine), "--today", TODAY)
    assert "no data" not in output.splitlines()[2]
