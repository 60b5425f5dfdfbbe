"""The bench's own instruments: memory summed over a process tree, serve latency measured end to end."""

from __future__ import annotations

import shutil
import sys

import pytest

from paths import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from measure import run  # noqa: E402
from serving import serve_latency  # noqa: E402

_FORKS = """
import os, time
block = bytearray(80 * 2**20)
pid = os.fork()
if pid == 0:
    other = bytearray(80 * 2**20)
    for i in range(0, len(other), 4096):
        other[i] = 1
    time.sleep(0.5)
    os._exit(0)
for i in range(0, len(block), 4096):
    block[i] = 1
os.waitpid(pid, 0)
"""


def test_memory_is_summed_over_the_process_and_its_children():
    both = run([sys.executable, "-c", _FORKS]).mib
    # held for half a second, as the forked child holds its own: the sampler looks every 10 ms, and a
    # process that exits right after touching its pages could end between two looks
    alone = run([sys.executable, "-c", "import time\nblock = bytearray(80 * 2**20)\n"
                 "for i in range(0, len(block), 4096): block[i] = 1\ntime.sleep(0.5)"]).mib
    assert alone >= 80
    assert both >= alone + 60  # the child's own 80 MiB, not just the largest process


def test_a_failing_command_is_no_measurement():
    with pytest.raises(RuntimeError, match="exited 3"):
        run([sys.executable, "-c", "import sys; sys.exit(3)"], memory=False)


def test_serve_latency_sees_the_saved_change_served(tmp_path):
    tree = shutil.copytree(ROOT / "specs", tmp_path / "specs")
    got = serve_latency([sys.executable, "-m", "goalspec"], tree, "2026-12-01", 2, None,
                        goal="marketing.qualified-calls", timeout=60)
    assert len(got["latencies"]) == 2 and all(0 < s < 60 for s in got["latencies"])
    assert (tree / "goals" / "marketing.yaml").read_text().count("edit1x") == 1


_SHARES = """
import os, time
block = bytearray(120 * 2**20)
for i in range(0, len(block), 4096):
    block[i] = 1
pid = os.fork()
if pid == 0:
    time.sleep(0.6)  # the parent's pages, shared: not written here
    os._exit(0)
os.waitpid(pid, 0)
"""


def test_pages_a_forked_child_shares_count_once_in_the_proportional_sum():
    shared = run([sys.executable, "-c", _SHARES])
    assert shared.mib >= 2 * 110  # each resident set counts the 120 MiB block
    assert 110 <= shared.pss_mib < shared.mib - 90  # the proportional sum counts it once
