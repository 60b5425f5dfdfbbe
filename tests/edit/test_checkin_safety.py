"""`goalspec checkin` never loses a value: concurrent check-ins, odd layouts, line endings, read-only files."""

import os
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalspec.check import run
from goalspec.cli import main
from goalspec.edit.checkin import RecordError, record
from goalspec.spec.load import load_text
from paths import RULES_BASE


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(RULES_BASE, root)
    return root


def checkin(tree: Path, *args: str):
    return CliRunner().invoke(main, ["checkin", *args, "--tree", str(tree)])


def values(raw: bytes) -> Counter:
    """Every check-in value the loader reads from the file, as (kpi, by, day, value)."""
    _, docs, findings = load_text(raw.decode("utf-8"), "c.yaml")
    assert not [f for f in findings if f.code in ("GS001", "GS004")], findings
    found = Counter()
    for doc in docs:
        data = doc.data
        if data.get("kind") != "CheckIn":
            continue
        if isinstance(data.get("values"), dict):
            found.update((data["kpi"], data.get("by"), day, v) for day, v in data["values"].items())
        if "date" in data:
            found[(data["kpi"], data.get("by"), data["date"], data["value"])] += 1
    return found


def goalspec(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "goalspec", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_twenty_concurrent_check_ins_all_survive(tree):
    first = date(2026, 7, 1)
    days = [(first + timedelta(days=i)).isoformat() for i in range(20)]
    procs = [goalspec("checkin", "seats", str(100 + i), "--date", day, "--by", "ana", "--tree", str(tree))
             for i, day in enumerate(days)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    assert all(code == 0 and "recorded" in out for code, out, _ in results), results
    raw = (tree / "checkins" / "seats.yaml").read_bytes()
    assert values(raw) == Counter(("seats", "ana", day, 100 + i) for i, day in enumerate(days))
    assert sorted(p.name for p in (tree / "checkins").iterdir()) == ["seats.yaml"]  # no lock or temp file left


def test_the_same_day_raced_is_recorded_once_and_refused_after(tree):
    procs = [goalspec("checkin", "seats", str(500 + i), "--date", "2026-07-31", "--by", "ana", "--tree", str(tree))
             for i in range(5)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    assert sorted(code for code, _, _ in results) == [0, 1, 1, 1, 1], results
    for code, _, err in results:
        assert code == 0 or "already has a value for 2026-07-31" in err
    found = values((tree / "checkins" / "seats.yaml").read_bytes())
    assert sum(found.values()) == 1  # one value, no duplicate key


BATCH = "apiVersion: goalspec/v1\nkind: CheckIn\nkpi: seats\nby: ana\nvalues:\n  2026-09-30: 300\n"


def test_a_batch_whose_last_value_is_on_the_next_line_keeps_it(tree):
    (tree / "c.yaml").write_text(BATCH + "  2026-10-31:\n    395\n")
    assert checkin(tree, "seats", "410", "--date", "2026-11-30", "--by", "ana").exit_code == 0
    raw = (tree / "c.yaml").read_bytes()
    assert values(raw) == Counter({("seats", "ana", "2026-09-30", 300): 1, ("seats", "ana", "2026-10-31", 395): 1,
                                   ("seats", "ana", "2026-11-30", 410): 1})
    assert raw.decode() == BATCH + "  2026-10-31:\n    395\n  2026-11-30: 410\n"


def test_crlf_stays_crlf_and_a_missing_final_newline_stays_missing(tree):
    original = (BATCH + "  2026-10-31: 395").replace("\n", "\r\n").encode()
    (tree / "c.yaml").write_bytes(original)
    assert checkin(tree, "seats", "410", "--date", "2026-11-30", "--by", "ana").exit_code == 0
    assert (tree / "c.yaml").read_bytes() == original + b"\r\n  2026-11-30: 410"
    assert checkin(tree, "seats", "5", "--date", "2026-12-01", "--by", "ana", "--note", "late").exit_code == 0
    raw = (tree / "c.yaml").read_bytes()
    assert raw.startswith(original + b"\r\n  2026-11-30: 410\r\n---\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n") and not raw.endswith(b"\n")


@pytest.mark.parametrize("make_read_only", ["file", "folder"])
def test_a_read_only_file_is_refused_without_a_traceback(tree, make_read_only):
    spec = tree / "c.yaml"
    spec.write_text(BATCH)
    os.chmod(spec if make_read_only == "file" else tree, 0o444 if make_read_only == "file" else 0o555)
    try:
        result = checkin(tree, "seats", "410", "--date", "2026-11-30", "--by", "ana")
    finally:
        os.chmod(tree, 0o755)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "not recorded:" in result.output and "is read-only" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert spec.read_text() == BATCH


def test_a_link_out_of_the_tree_is_not_written_through(tree, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(BATCH)
    (tree / "checkins").mkdir()
    (tree / "checkins" / "seats.yaml").symlink_to(outside)
    result = checkin(tree, "seats", "410", "--date", "2026-11-30", "--by", "ana")
    assert result.exit_code == 1 and "outside the tree" in result.output
    assert outside.read_text() == BATCH


# Property: whatever the layout, a check-in adds its value and changes no other.

DAYS = st.lists(st.dates(date(2025, 1, 1), date(2026, 12, 31)), min_size=1, max_size=6, unique=True)
NUMBERS = st.one_of(st.integers(-10**6, 10**6), st.decimals(-1000, 1000, places=2).map(float))


@st.composite
def layouts(draw):
    days = draw(DAYS)
    entries = [(d.isoformat(), draw(NUMBERS)) for d in days[:-1]]
    new_day = days[-1].isoformat()
    indent = " " * draw(st.sampled_from([2, 4]))
    comment = st.sampled_from(["", "   # a comment", "  # 'quoted' {brace} [x]: y"])
    style = draw(st.sampled_from(["block", "flow", "flow-lines"]))
    lines = draw(st.sampled_from([[], ["# check-ins"]])) + ["apiVersion: goalspec/v1", "kind: CheckIn",
                                                               "kpi: seats", "by: ana"]
    if not entries:
        lines.append("value: 1")
        lines.append(f"date: {(days[-1] - timedelta(days=1)).isoformat() if days[-1] > date(2025, 1, 1) else '2024-12-31'}")
    elif style == "block":
        lines.append("values:" + draw(comment))
        for day, value in entries:
            if draw(st.booleans()):
                lines.append(f"{indent}{day}: {value!r}" + draw(comment))
            else:
                lines.append(f"{indent}{day}:" + draw(comment))
                lines.append(f"{indent}  {value!r}" + draw(comment))
            if draw(st.booleans()):
                lines.append(draw(st.sampled_from(["", f"{indent}# between"])))
    elif style == "flow":
        lines.append("values: {" + ", ".join(f"{d}: {v!r}" for d, v in entries) + "}" + draw(comment))
    else:
        lines.append("values: {")
        lines.extend(f"{indent}{d}: {v!r}," for d, v in entries)
        lines.append("}" + draw(comment))
    if draw(st.booleans()):
        lines += ["---", "# another document", "apiVersion: goalspec/v1", "kind: CheckIn", "kpi: seats",
                  "date: 2020-01-01", "value: 7", "by: ben"]
    if draw(st.booleans()):
        lines.append("# a last comment")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    note = draw(st.sampled_from([None, None, "a note: with a colon"]))
    return text, new_day, draw(NUMBERS), note


@pytest.fixture(scope="module")
def property_tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("property") / "tree"
    shutil.copytree(RULES_BASE, root)
    return root


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layouts())
def test_a_check_in_changes_no_other_value_whatever_the_layout(property_tree, layout):
    text, day, value, note = layout
    spec = property_tree / "c.yaml"
    spec.write_bytes(text.encode())
    before = values(text.encode())
    project = run(property_tree, date(2027, 1, 1)).project
    try:
        record(project, "seats", float(value), date.fromisoformat(day), "ana", note)
    except RecordError as exc:
        pytest.fail(f"not recorded: {exc}\n{text!r}")
    raw = spec.read_bytes()
    number = int(value) if float(value).is_integer() else float(value)
    assert values(raw) == before + Counter({("seats", "ana", day, number): 1}), (text, raw)
    newline = b"\r\n" if "\r\n" in text else b"\n"
    assert raw.count(b"\n") == raw.count(newline) and raw.endswith(newline) == text.encode().endswith(newline)
    assert raw.startswith(text.rstrip("\r\n").encode()) or note is None  # a document of its own goes at the end
