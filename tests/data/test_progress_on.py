"""Progress on several days at once (the site's weekly updates) is progress on each day."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta

import pytest

from goalspec.check import run
from goalspec.data.progress import goal_progress, progress_on
from goalspec.data.rollup import rollups, serving
from paths import ROOT


def _generated(tmp_path):
    spec = importlib.util.spec_from_file_location("gen_tree", ROOT / "bench" / "gen_tree.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(300, tmp_path / "tree")
    return tmp_path / "tree"


@pytest.mark.parametrize("which,today", [("specs", date(2026, 12, 7)), ("generated", date(2027, 1, 15))])
def test_each_day_is_what_that_day_alone_gives(tmp_path, which, today):
    tree = ROOT / "specs" if which == "specs" else _generated(tmp_path)
    result = run(tree, today)
    project, data = result.project, result.context.data
    days = [today - timedelta(days=7 * k) for k in range(14)] + [date(2025, 1, 1), date(2028, 1, 1)]
    together = progress_on(project, data, days)
    for day, found in zip(days, together):
        alone = {gid: p for gid in sorted(project.goals) if (p := goal_progress(project, data, gid, day)) is not None}
        assert found == alone, day
        children = serving(project)
        company = sorted(result.graph.company_goals)
        every = rollups(project, found, day)
        assert rollups(project, found, day, children) == every
        some = rollups(project, found, day, children, company)
        assert all(some[g] == every[g] for g in company if g in every)
