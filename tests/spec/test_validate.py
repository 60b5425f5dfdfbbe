"""Raw documents to validated objects: GS002-GS005 messages, hints and what is kept."""

from datetime import date
from pathlib import Path

import pytest

from goalspec.check import run
from goalspec.spec.load import load_tree
from goalspec.spec.models import Goal, Incentive
from goalspec.rules import KNOWN_CODES
from goalspec.spec.validate import validate

HEAD = "apiVersion: goalspec/v1\n"
ORG = HEAD + "kind: Organization\nname: Acme\n"


def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in {"goalspec.yaml": ORG, **files}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def findings(tmp_path, files):
    project, diags = validate(load_tree(tree(tmp_path, files)), KNOWN_CODES)
    return project, diags


def test_did_you_mean_for_a_misspelt_field(tmp_path):
    _, diags = findings(tmp_path, {"g.yaml": HEAD + "kind: Goal\nid: a\ntitle: T 1\nowner: x\ndeadlnie: 2026\n"})
    (d,) = diags
    assert (d.code, d.line, d.column) == ("GS003", 6, 1)
    assert "deadlnie" in d.message and d.hint == "did you mean `deadline`?"


def test_unknown_field_without_a_close_match_lists_the_fields(tmp_path):
    _, diags = findings(tmp_path, {"t.yaml": HEAD + "kind: Team\nid: t\nname: T\nlead: p\nbudget: 3\n"})
    (d,) = diags
    assert "known fields" in d.hint and "`members`" in d.hint


def test_did_you_mean_for_a_misspelt_kind(tmp_path):
    _, diags = findings(tmp_path, {"g.yaml": HEAD + "kind: Incentiv\nid: a\n"})
    (d,) = diags
    assert (d.code, d.line, d.column, d.id) == ("GS002", 2, 7, "a")
    assert d.hint == "did you mean `Incentive`?"


def test_source_fields_are_suggested_from_the_named_source_type(tmp_path):
    kpi = HEAD + "kind: KPI\nid: k\nname: K\nunit: u\nowner: p\nsource: {type: csv, path: a.csv, date_colum: d, value_column: v}\n"
    _, diags = findings(tmp_path, {"k.yaml": kpi})
    unknown = [d for d in diags if "unknown field" in d.message]
    assert unknown[0].hint == "did you mean `date_column`?"


def test_valid_objects_are_typed_models(tmp_path):
    goal = HEAD + "kind: Goal\nid: a\ntitle: Sell 5 seats\nowner: p\nparent: b\nteam: t\ndeadline: 2026\nweight: 2\n"
    inc = HEAD + "kind: Incentive\nid: i\nname: I\nfor: t\npays_on: [a, {goal: b, share: 0.5}]\n"
    project, diags = findings(tmp_path, {"g.yaml": goal, "i.yaml": inc})
    assert diags == []
    g = project.goals["a"].model
    assert isinstance(g, Goal) and g.parents == ["b"] and g.deadline == "2026" and g.weight == 2.0
    i = project.incentives["i"].model
    assert isinstance(i, Incentive) and i.goals == ["a", "b"] and i.pays_on[1].share == 0.5
    with pytest.raises(Exception):
        g.title = "changed"  # validated objects are frozen


def test_an_invalid_object_is_declared_but_not_kept(tmp_path):
    kpi = HEAD + "kind: KPI\nid: k\nname: K\nunit: u\nowner: p\ndirection: sideways\n"
    project, diags = findings(tmp_path, {"k.yaml": kpi})
    assert [d.code for d in diags] == ["GS003"]
    assert "k" not in project.kpis and project.is_declared("KPI", "k")


def test_people_and_teams_share_a_namespace(tmp_path):
    teams = (HEAD + "kind: Team\nid: a\nname: A\nlead: p\nmembers: [{id: p, name: P}]\n---\n"
             + HEAD + "kind: Team\nid: b\nname: B\nlead: p\nmembers: [{id: p, name: P}, {id: q, name: Q}]\n---\n"
             + HEAD + "kind: Team\nid: c\nname: C\nlead: q\nmembers: [{id: q, name: Someone else}]\n")
    project, diags = findings(tmp_path, {"t.yaml": teams})
    assert [(d.code, d.line) for d in diags] == [("GS004", 20)]
    assert "Someone else" in diags[0].message
    assert set(project.people) == {"p", "q"} and project.is_party("a") and project.is_party("q")


def test_first_in_sorted_path_order_wins_a_duplicate(tmp_path):
    team = HEAD + "kind: Team\nid: t\nname: {}\nlead: p\nmembers: [{{id: p, name: P}}]\n"
    project, diags = findings(tmp_path, {"b/t.yaml": team.format("Second"), "a/t.yaml": team.format("First")})
    assert project.teams["t"].model.name == "First"
    assert [(d.code, d.file) for d in diags] == [("GS004", "b/t.yaml")]


def test_document_order_does_not_change_the_findings(tmp_path):
    one = HEAD + "kind: Goal\nid: a\ntitle: Improve\nowner: nobody\n"
    two = HEAD + "kind: Goal\nid: b\ntitle: Better\nowner: nobody\n"
    first = run(tree(tmp_path / "x", {"g.yaml": one + "---\n" + two}), date(2026, 1, 1))
    second = run(tree(tmp_path / "y", {"g.yaml": two + "---\n" + one}), date(2026, 1, 1))
    assert _key(first) == _key(second)


def _key(result):
    return sorted((d.code, d.id, d.message) for d in result.diagnostics)


def test_models_share_their_sets_of_fields_given_and_stay_frozen():
    from pydantic import ValidationError as Frozen

    from paths import SPECS

    project = run(SPECS, date(2026, 12, 1)).project
    goals = [g.model for g in project.goals.values()]
    sets = {id(g.__pydantic_fields_set__) for g in goals}
    assert len(sets) < len(goals)
    assert all(g.model_fields_set == set(g.model_dump(exclude_unset=True)) for g in goals)
    first = goals[0]
    copied = first.model_copy(update={"title": "Sell 5 seats by Q4"})
    assert "title" in copied.model_fields_set and copied.title != first.title
    with pytest.raises(Frozen):
        first.title = "x"
    assert first.model_fields_set == set(first.model_dump(exclude_unset=True))


def test_checkin_batches_share_equal_days_and_numbers_and_keep_a_negative_zero(tmp_path):
    batch = HEAD + "kind: CheckIn\nkpi: {kpi}\nvalues:\n  2026-01-05: 175\n  2026-01-12: {last}\n"
    project, diags = findings(tmp_path, {"c.yaml": batch.format(kpi="a", last="-0.0") + "---\n"
                                         + batch.format(kpi="b", last="0") + "---\n"
                                         + batch.format(kpi="c", last="-0.0")})
    assert not diags
    a, b, c = (x.model.values for x in project.checkins)
    assert a == {date(2026, 1, 5): 175.0, date(2026, 1, 12): -0.0} and b == c == a
    (da, va), (db, vb) = list(a.items())[0], list(b.items())[0]
    assert da is db and va is vb  # one object each, not one per batch
    assert [str(v) for v in (a[date(2026, 1, 12)], b[date(2026, 1, 12)], c[date(2026, 1, 12)])] == ["-0.0", "0.0", "-0.0"]


def test_a_memory_cache_keeps_the_models_of_unchanged_documents(tmp_path):
    from goalspec.spec.cache import MemoryCache

    goal = HEAD + "kind: Goal\nid: {id}\ntitle: Sell 5 seats\nowner: p1\nkpi: k1\ntarget: {{value: 5}}\ndeadline: 2026-Q3\n"
    root = tree(tmp_path, {"a.yaml": goal.format(id="a"), "b.yaml": goal.format(id="b"),
                           "bad.yaml": HEAD + "kind: Goal\nid: bad\n"})
    cache = MemoryCache()
    first, diags = validate(load_tree(root, cache), KNOWN_CODES, cache.models)
    assert diags and all(d.id == "bad" for d in diags)
    (root / "b.yaml").write_text(goal.format(id="b").replace("Sell 5", "Sell 6"))
    second, again = validate(load_tree(root, cache), KNOWN_CODES, cache.models)
    assert second.goals["a"].model is first.goals["a"].model  # unchanged: not validated again
    assert second.goals["b"].model is not first.goals["b"].model and second.goals["b"].model.title == "Sell 6 seats"
    assert [(d.code, d.message) for d in again] == [(d.code, d.message) for d in diags]  # findings as before
    assert len(cache.models) == 3  # this tree's valid documents only: a, b and the organization
