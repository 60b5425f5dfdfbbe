"""The alignment map's outline: placement, references for further parents, loose goals and
cycles, folding by size, filters' choices, and no recursion however deep the tree."""

from goalspec.site.layout import OPEN_UP_TO, layout_map


def goal(gid, parents=(), team="t", owner="p", status="on track"):
    return {
        "id": gid, "title": f"Title {gid}", "url": f"goals/{gid}.html", "company": not parents and team is None,
        "team": {"id": team, "label": team.upper()} if team else None, "owner": {"id": owner, "label": owner.upper()},
        "deadline": "2026-Q4", "status": "active",
        "progress": {"status": status, "percent": 40, "expected": 50} if status else None,
        "parents": [{"id": p, "label": f"Title {p}", "url": f"goals/{p}.html" if p != "ghost" else None} for p in parents],
    }


def tree(*goals):
    return {g["id"]: g for g in goals}


def rows(layout, key="trees"):
    return [(r["kind"], r.get("id")) for r in layout[key]]


def test_goals_sit_under_the_goal_they_serve_with_an_end_row_closing_each_subtree():
    goals = tree(goal("c", team=None), goal("a", ["c"]), goal("b", ["c"]), goal("a1", ["a"]))
    layout = layout_map(goals, [], ["c"])
    assert rows(layout) == [("goal", "c"), ("goal", "a"), ("goal", "a1"), ("end", None), ("goal", "b"), ("end", None)]
    by_id = {r["id"]: r for r in layout["trees"] if r["kind"] == "goal"}
    assert by_id["c"]["serving"] == 2 and by_id["a"]["serving"] == 1 and by_id["b"]["serving"] == 0
    assert layout["count"] == 4 and layout["loose"] == []


def test_a_goal_with_two_parents_is_drawn_once_nearest_the_root_and_pointed_to_from_the_other():
    goals = tree(goal("c", team=None), goal("a", ["c"]), goal("x", ["a", "c"]))
    layout = layout_map(goals, [], ["c"])
    placed = [r for r in layout["trees"] if r["kind"] == "goal"]
    assert [r["id"] for r in placed] == ["c", "a", "x"]
    x = placed[2]
    assert x["depth"] == 1 and [p["id"] for p in x["also"]] == ["a"]
    [ref] = [r for r in layout["trees"] if r["kind"] == "ref"]
    assert ref["id"] == "x" and ref["shown_under"] == "Title c"
    assert rows(layout) == [("goal", "c"), ("goal", "a"), ("ref", "x"), ("end", None), ("goal", "x"), ("end", None)]


def test_goals_that_reach_no_company_goal_and_cycles_are_listed_apart():
    goals = tree(goal("c", team=None), goal("orphan", ["ghost"]), goal("o1", ["orphan"]),
                 goal("loop1", ["loop2"]), goal("loop2", ["loop1"]))
    layout = layout_map(goals, [], ["c"])
    assert rows(layout) == [("goal", "c")]
    loose = [r["id"] for r in layout["loose"] if r["kind"] == "goal"]
    assert sorted(loose) == ["loop1", "loop2", "o1", "orphan"] and len(loose) == 4
    orphan = next(r for r in layout["loose"] if r.get("id") == "orphan")
    assert [p["id"] for p in orphan["also"]] == ["ghost"]  # the parent it names, though missing, is shown


def test_large_maps_start_folded_below_the_company_goals_children():
    small = tree(goal("c", team=None), goal("a", ["c"]), goal("a1", ["a"]))
    assert all(r["open"] for r in layout_map(small, [], ["c"])["trees"] if r["kind"] == "goal")
    big = tree(goal("c", team=None), *[goal(f"g{i}", ["c"]) for i in range(OPEN_UP_TO)], goal("deep", ["g0"]))
    opened = {r["id"]: r["open"] for r in layout_map(big, [], ["c"])["trees"] if r["kind"] == "goal"}
    assert opened["c"] and not opened["g0"] and not opened["deep"]


def test_filters_offer_the_teams_owners_and_statuses_that_occur():
    goals = tree(goal("c", team=None, owner="ceo", status=None), goal("a", ["c"], team="sales", status="at risk"),
                 goal("b", ["c"], team="marketing", owner="m", status="on track"))
    layout = layout_map(goals, [], ["c"])
    assert [t["id"] for t in layout["teams"]] == ["marketing", "sales"]
    assert [o["id"] for o in layout["owners"]] == ["ceo", "m", "p"]
    assert layout["statuses"] == ["active", "at risk", "on track"]  # unmeasured: its written status


def test_incentives_mark_the_goals_they_pay_on():
    goals = tree(goal("c", team=None), goal("a", ["c"]))
    incentives = [{"id": "bonus", "name": "Bonus", "for": {"id": "t", "label": "T", "url": None},
                   "pays_on": [{"goal": {"id": "a", "label": "Title a", "url": "goals/a.html"}}]}]
    layout = layout_map(goals, incentives, ["c"])
    a = next(r for r in layout["trees"] if r.get("id") == "a")
    assert a["pays"] == [{"label": "Bonus", "url": "incentives.html#incentive-bonus"}]
    assert layout["incentives"][0]["goals"][0]["id"] == "a"


def test_a_chain_thousands_deep_lays_out_without_recursion():
    n = 5000
    goals = tree(goal("g0", team=None), *[goal(f"g{i}", [f"g{i - 1}"]) for i in range(1, n)])
    layout = layout_map(goals, [], ["g0"])
    kinds = [r["kind"] for r in layout["trees"]]
    assert kinds.count("goal") == n and kinds.count("end") == n - 1
