"""Workers only where they win: on idle cores."""

from __future__ import annotations

import io
import multiprocessing
import shutil

import pytest

from goalspec.spec import cores
from goalspec.spec.load import load_tree
from paths import SPECS


@pytest.mark.parametrize("affinity,load,want", [(2, 0.0, 2), (2, 0.4, 2), (2, 0.6, 1), (2, 3.0, 1), (8, 1.0, 4),
                                                (1, 0.0, 1)])
def test_spare_cores_are_the_idle_ones(monkeypatch, affinity, load, want):
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda pid: set(range(affinity)))
    monkeypatch.setattr(cores, "busy", lambda: load)
    assert cores.spare_cores() == want


@pytest.mark.parametrize("text,want", [("0.52 0.84 1.24 1/103 15666\n", 0), ("3.10 2.00 1.00 3/210 99\n", 2)])
def test_busy_counts_the_other_processes_running_now_not_the_minute_before(monkeypatch, text, want):
    monkeypatch.setattr(cores, "open", lambda *a, **k: io.StringIO(text), raising=False)
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (9.0, 9.0, 9.0))
    assert cores.busy() == want


def test_busy_falls_back_to_the_load_average(monkeypatch):
    def missing(*a, **k):
        raise FileNotFoundError("/proc/loadavg")

    monkeypatch.setattr(cores, "open", missing, raising=False)
    monkeypatch.setattr(cores.os, "getloadavg", lambda: (1.5, 1.0, 1.0))
    assert cores.busy() == 1.5


def test_a_large_tree_on_a_busy_machine_is_parsed_without_workers(tmp_path, monkeypatch):
    tree = shutil.copytree(SPECS, tmp_path / "specs")
    (tree / "big.yaml").write_text("# " + "x" * (1024 * 1024) + "\napiVersion: goalspec/v1\nkind: Team\nid: big\nname: Big\n")
    forks = []
    real = multiprocessing.get_context
    monkeypatch.setattr(multiprocessing, "get_context", lambda *a: forks.append(a) or real(*a))
    monkeypatch.setattr(cores, "busy", lambda: 8.0)
    busy = load_tree(tree)
    assert forks == []
    monkeypatch.setattr(cores, "busy", lambda: 0.0)
    monkeypatch.setattr(cores.os, "sched_getaffinity", lambda pid: {0, 1})
    idle = load_tree(tree)
    assert forks and idle.documents == busy.documents


def test_busy_is_the_fewest_running_of_a_few_looks(monkeypatch):
    """A monitor that runs now and then (the bench's memory sampler) is seen by one look, not all:
    it does not cost a large tree its workers; a process that keeps a core busy is seen by every look."""
    looks = iter(["1.0 1.0 1.0 2/100 9\n", "1.0 1.0 1.0 1/100 9\n"] + ["1.0 1.0 1.0 2/100 9\n"] * 8)
    monkeypatch.setattr(cores, "open", lambda *a, **k: io.StringIO(next(looks)), raising=False)
    assert cores.busy() == 0
    steady = iter(["1.0 1.0 1.0 2/100 9\n"] * cores.LOOKS)
    monkeypatch.setattr(cores, "open", lambda *a, **k: io.StringIO(next(steady)), raising=False)
    assert cores.busy() == 1
