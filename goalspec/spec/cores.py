"""How many cores a large load or build may fork workers onto.

Workers cost CPU of their own (forking, handing results back), so they win only
when there are idle cores to run on: on a machine already busy they made a check
slower, not faster. The count is the cores this process may use less the
machine's current load, at most four. The output never depends on it.
"""

from __future__ import annotations

import os

MAX_WORKERS = 4


def spare_cores() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):
        busy = 0.0
    return max(1, min(MAX_WORKERS, cores, round(cores - busy)))
