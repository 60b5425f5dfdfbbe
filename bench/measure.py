"""Whole-process measurements: wall time from spawn to exit, and memory summed over the process tree.

A process is timed from the moment it is spawned until it has exited (the
interpreter's start, every import and the shutdown included), as a user waiting
at a terminal sees it. Memory is the largest sum, over the samples, of the
resident sets of the process and all its descendants (forked workers included),
sampled from /proc every 10 ms. (Not wait4's peak: Linux carries a process's peak
across exec, so a command started from a large process would report that process's size.)

Resident sets count a page shared by a parent and its forked workers once in each of them;
beside that sum, the proportional sum (each process's PSS, /proc/PID/smaps_rollup: a shared
page split between the processes sharing it) is what the process tree takes of the machine.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_S = 0.01


@dataclass(frozen=True)
class Run:
    seconds: float
    mib: float  # resident sets summed over the process tree (0 when not sampled)
    cpu: float  # user + system seconds of the process and the children it waited for
    pss_mib: float = 0.0  # proportional sets summed over the tree, at its largest (0 when not sampled)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _tree(root: int) -> tuple[int, int]:
    """The resident and the proportional sets of ``root`` and its descendants, summed."""
    children, rss, pss, todo = _children(), 0, 0, [root]
    while todo:
        pid = todo.pop()
        rss += _rss(pid)
        pss += _pss(pid)
        todo.extend(children.get(pid, ()))
    return rss, pss


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, memory: bool = True) -> Run:
    """Run cmd to its end; raise if it fails (a benchmark of a failing command measures nothing)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        peak = peak_pss = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG if memory else 0)
            if pid:
                break
            rss, pss = _tree(proc.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)
            time.sleep(SAMPLE_S)
        seconds = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):  # 1: the check found what it reports as errors
            err.seek(0)
            raise RuntimeError(f"{' '.join(map(str, cmd))} exited {code}: {err.read().decode(errors='replace')[-2000:]}")
    return Run(seconds, peak / 2**20, usage.ru_utime + usage.ru_stime, peak_pss / 2**20)
