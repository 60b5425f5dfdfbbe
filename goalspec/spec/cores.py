"""How many cores a large load or build may fork workers onto.

Workers cost CPU of their own (forking, handing results back), so they win only
when there are idle cores to run on: on a machine already busy they made a check
slower, not faster. The count is the cores this process may use less those
other processes are running on now, at most four. The output never depends on it.
"""

from __future__ import annotations

import os
import time

MAX_WORKERS = 4


def spare_cores() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores, round(cores - busy())))


LOOKS = 5  # how many times the running processes are counted, a millisecond apart


def busy() -> float:
    """How many cores other processes are using now: on Linux, the processes running at this
    moment besides this one (/proc/loadavg), the fewest of a few looks a millisecond apart, its
    ancestors left out; elsewhere the load average of the last minute. Not the average on Linux:
    it counts the command that ran just before, which has ended. The fewest: a process that runs
    now and then is caught running by one look in several, and one that keeps a core busy by
    every look. Not the ancestors: they wait for this process (a shell, `make`, CI), or watch it
    (a profiler sampling its memory every few milliseconds, which would otherwise cost it its
    workers). /proc/loadavg counts the whole machine's; the processes are those this process
    can see (in a container, the container's)."""
    try:
        fewest = None
        for look in range(LOOKS):
            if look:
                time.sleep(0.001)
            with open("/proc/loadavg", encoding="ascii") as f:
                running = int(f.read().split()[3].split("/")[0]) - 1
            fewest = running if fewest is None else min(fewest, running)
        if fewest > 0:  # someone else runs: is it one of this process's ancestors?
            fewest = min(fewest, _running_besides_ancestors())
        return max(0, fewest)
    except (OSError, IndexError, ValueError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0


def _running_besides_ancestors() -> int:
    """The threads running now (state R in /proc/PID/task/TID/stat, as /proc/loadavg counts
    them), those of this process and of its ancestors left out."""
    def stat(path: str) -> tuple[str, int]:
        with open(path, "rb") as f:
            text = f.read()
        state, ppid = text[text.rindex(b")") + 2:].split()[:2]
        return state.decode("ascii"), int(ppid)

    mine, pid = set(), os.getpid()
    while pid > 1 and pid not in mine:
        mine.add(pid)
        pid = stat(f"/proc/{pid}/stat")[1]
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            for task in os.scandir(f"/proc/{entry.name}/task"):
                count += stat(f"{task.path}/stat")[0] == "R"
        except (OSError, IndexError, ValueError):
            continue  # ended while counted
    return count
