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
    moment besides this one (/proc/loadavg), the fewest of a few looks a millisecond apart;
    elsewhere the load average of the last minute. Not the average on Linux: it counts the
    command that ran just before, which has ended. The fewest: a process that runs now and then
    (a monitor sampling this one every few milliseconds) is caught running by one look in
    several, and would have cost the whole run its workers; one that keeps a core busy is caught
    by every look."""
    try:
        fewest = None
        for look in range(LOOKS):
            if look:
                time.sleep(0.001)
            with open("/proc/loadavg", encoding="ascii") as f:
                running = int(f.read().split()[3].split("/")[0]) - 1
            fewest = running if fewest is None else min(fewest, running)
        return max(0, fewest)
    except (OSError, IndexError, ValueError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return 0.0
