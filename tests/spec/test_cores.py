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
    monkeypatch.setattr(cores, "_running_besides_ancestors", lambda: 9)  # none of them an ancestor
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
    monkeypatch.setattr(cores, "_running_besides_ancestors", lambda: 9)  # none of them an ancestor
    looks = iter(["1.0 1.0 1.0 2/100 9\n", "1.0 1.0 1.0 1/100 9\n"] + ["1.0 1.0 1.0 2/100 9\n"] * 8)
    monkeypatch.setattr(cores, "open", lambda *a, **k: io.StringIO(next(looks)), raising=False)
    assert cores.busy() == 0
    steady = iter(["1.0 1.0 1.0 2/100 9\n"] * cores.LOOKS)
    monkeypatch.setattr(cores, "open", lambda *a, **k: io.StringIO(next(steady)), raising=False)
    assert cores.busy() == 1


def test_the_ancestors_that_watch_a_process_do_not_count_as_busy(monkeypatch):
    """The bench samples goalspec's memory every few milliseconds from its parent process: that
    parent, running, must not cost the run its workers; any other running thread counts."""
    from types import SimpleNamespace

    procs = {1: ("S", 0, [1]), 50: ("R", 1, [50]), 60: ("R", 50, [60, 61]), 70: ("R", 1, [70, 71]),
             80: ("S", 1, [80])}  # 50: the sampler, 60: this process, 70: another program
    states = {tid: (state, ppid) for pid, (state, ppid, tids) in procs.items() for tid in tids}
    states[71] = ("S", 1)

    def scandir(path):
        if path == "/proc":
            return [SimpleNamespace(name=str(p), path=f"/proc/{p}") for p in procs] + [SimpleNamespace(name="self")]
        pid = int(path.split("/")[2])
        return [SimpleNamespace(name=str(t), path=f"/proc/{pid}/task/{t}") for t in procs[pid][2]]

    def fake_open(path, *a, **k):
        tid = int(path.rstrip("/stat").rsplit("/", 1)[1])
        state, ppid = states[tid]
        return io.BytesIO(f"{tid} (py thon) {state} {ppid} 0 0\n".encode())

    monkeypatch.setattr(cores.os, "scandir", scandir)
    monkeypatch.setattr(cores.os, "getpid", lambda: 60)
    monkeypatch.setattr(cores, "open", fake_open, raising=False)
    assert cores._running_besides_ancestors() == 1  # 70's running thread; not 50, 60 or the sleepers
    states[70] = ("S", 1)
    assert cores._running_besides_ancestors() == 0
    loadavg = iter(["1.0 1.0 1.0 3/100 9\n"] * cores.LOOKS)  # the sampler and this process: running
    monkeypatch.setattr(cores, "open", lambda path, *a, **k: io.StringIO(next(loadavg)) if path == "/proc/loadavg"
                        else fake_open(path), raising=False)
    assert cores.busy() == 0
