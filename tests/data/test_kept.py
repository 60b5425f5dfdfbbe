"""serve's checks keep what a save did not change (KPI series, goals' progress): each one gives
exactly what a check from scratch gives."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from goalspec.check import run
from goalspec.report.findings import as_json
from goalspec.spec.cache import MemoryCache
from paths import SPECS

TODAY = date(2026, 12, 1)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


SAVES = [
    ("checkins/seats-closed.yaml", "2026-11-30: 360", "2026-11-30: 460"),          # a value
    ("goals/sales.yaml", "target: {value: 1200}", "target: {value: 1300}"),        # a target
    ("kpis/channel.yaml", "aggregation: sum          # a quarter's value", "aggregation: last          # a quarter's value"),
    ("goals/sales.yaml", "start: 2026-Q4\n", ""),                                  # a window
    ("checkins/seats-closed.yaml", "  2026-11-30: 460\n", ""),                     # a value gone
]


@pytest.fixture
def tree(tmp_path) -> Path:
    return shutil.copytree(SPECS, tmp_path / "specs")


def test_every_check_that_keeps_gives_what_a_check_from_scratch_gives(tree):
    cache = MemoryCache()
    run(tree, TODAY, cache)
    cache.keep_used()
    for file, old, new in SAVES:
        _edit(tree / file, old, new)
        kept = run(tree, TODAY, cache)
        cache.keep_used()
        fresh = run(tree, TODAY)
        assert kept.context.data.series == fresh.context.data.series, file
        assert kept.context.progress == fresh.context.progress, (file, old)
        assert as_json(kept) == as_json(fresh), (file, old)
    extra = tree / "checkins" / "more.yaml"
    extra.write_text("apiVersion: goalspec/v1\nkind: CheckIn\nkpi: seats-closed\ndate: 2026-11-29\nvalue: 10\nby: ben\n")
    assert run(tree, TODAY, cache).context.progress == run(tree, TODAY).context.progress  # a check-in added
    extra.unlink()
    assert run(tree, TODAY, cache).context.progress == run(tree, TODAY).context.progress  # and removed


def test_what_a_save_did_not_touch_is_kept_not_worked_out_again(tree):
    cache = MemoryCache()
    run(tree, TODAY, cache)
    cache.keep_used()
    before = run(tree, TODAY, cache)  # the documents, models and series are now those kept
    cache.keep_used()
    _edit(tree / "checkins/seats-closed.yaml", "2026-11-30: 360", "2026-11-30: 460")
    after = run(tree, TODAY, cache)
    moved = {gid for gid in after.context.progress if after.context.progress[gid] is not before.context.progress[gid]}
    # The goal measured by the KPI whose values changed, and the one whose KPI counts lead records
    # (read from their file on every check: only check-in series are kept).
    assert moved == {"sales.msp-seats", "marketing.qualified-calls"}
    assert after.context.data.series["msp-seats"] is before.context.data.series["msp-seats"]
    assert after.context.data.series["seats-closed"] is not before.context.data.series["seats-closed"]
    later = run(tree, date(2026, 12, 2), cache)  # another day: nothing is the same
    assert all(later.context.progress[gid] is not after.context.progress[gid] for gid in later.context.progress)
