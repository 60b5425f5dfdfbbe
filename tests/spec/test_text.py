"""Control characters from specs are shown escaped on a terminal, never run: an OSC 52 sequence
in a title must not write the reader's clipboard, a bidi override must not reorder a line."""

import shutil

import pytest
from click.testing import CliRunner

from goalspec.cli import main
from goalspec.spec.text import printable
from paths import SPECS


@pytest.mark.parametrize("raw,shown", [
    ("plain text, tabs\tand\nlines", "plain text, tabs\tand\nlines"),
    ("\x1b]52;c;SGVsbG8=\x07", "\\x1b]52;c;SGVsbG8=\\x07"),
    ("\x1b[2J\x9b31m", "\\x1b[2J\\x9b31m"),
    ("\x00\x7f\r", "\\x00\\x7f\\x0d"),
    ("abc\u202edcba\u2066", "abc\\u202edcba\\u2066"),
    ("naïve — 10 % ✓", "naïve — 10 % ✓"),
])
def test_printable(raw, shown):
    assert printable(raw) == shown


@pytest.fixture
def tree(tmp_path):
    shutil.copytree(SPECS, tmp_path / "specs")
    goals = tmp_path / "specs" / "goals" / "sales.yaml"
    text = goals.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    text = text.replace(title, 'title: "Close 1100 MSP seats \\e]52;c;SGVsbG8=\\a by the end of Q3 \\u202e"', 1)
    deadline = next(line for line in text.splitlines() if line.startswith("deadline:"))
    goals.write_text(text.replace(deadline, 'deadline: "2027-Q3\\e[2J"', 1))
    return tmp_path / "specs"


@pytest.mark.parametrize("args", [
    ["check", "{tree}", "--format", "text"],
    ["check", "{tree}", "--format", "github"],
    ["trace", "sales.msp-seats", "{tree}"],
    ["graph", "{tree}", "--format", "dot"],
    ["graph", "{tree}", "--format", "mermaid"],
])
def test_text_outputs_escape_what_specs_hold(tree, args):
    result = CliRunner().invoke(main, [a.format(tree=tree) for a in args] + ["--today", "2027-08-15"])
    assert "internal error" not in result.output
    assert "\x1b" not in result.output and "\x07" not in result.output and "\u202e" not in result.output
    assert "\\x1b" in result.output


def test_json_keeps_the_exact_text(tree):
    import json

    result = CliRunner().invoke(main, ["check", str(tree), "--format", "json", "--today", "2027-08-15"])
    messages = " ".join(d["message"] for d in json.loads(result.output)["diagnostics"])
    assert "2027-Q3\x1b[2J" in messages  # escaped by JSON itself, exact for a program
