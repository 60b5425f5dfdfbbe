"""GS101 measured on real goal statements written outside this project (tests/data/goals/:
each with its public source and a label). Precision: of the titles GS101 calls vague, how many
are; recall: of the vague titles, how many GS101 finds. A further labelled folder of the same
format can be measured the same way: GOALSPEC_GOAL_CORPUS=/path/to/folder."""

import os
from pathlib import Path

import pytest
import yaml

from goalspec.spec.vague import judge

CORPUS = Path(__file__).parent.parent / "data" / "goals"
FOLDERS = [CORPUS] + ([Path(os.environ["GOALSPEC_GOAL_CORPUS"])] if os.environ.get("GOALSPEC_GOAL_CORPUS") else [])
PRECISION, RECALL = 0.9, 0.95


def entries(folder: Path) -> list[tuple[str, str, bool]]:
    out = []
    for path in sorted(folder.glob("*.yaml")):
        for goal in yaml.safe_load(path.read_text(encoding="utf-8"))["goals"]:
            out.append((path.name, goal["title"], goal["vague"]))
    return out


def test_the_corpus_is_real_labelled_and_large():
    rows = entries(CORPUS)
    assert len(rows) >= 300
    assert len({t.casefold() for _, t, _ in rows}) == len(rows)
    vague = sum(v for *_, v in rows)
    assert 0.3 < vague / len(rows) < 0.7  # both kinds, in earnest
    for path in CORPUS.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["source"]["url"].startswith(("https://", "http://")), path
        assert all(isinstance(g["vague"], bool) and g["why"] for g in data["goals"]), path


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_gs101_precision_and_recall(folder):
    rows = entries(folder)
    said = [(name, title, vague, judge(title)) for name, title, vague in rows]
    tp = sum(1 for *_, vague, v in said if vague and v is not None)
    fp = [(n, t, v.message()) for n, t, vague, v in said if not vague and v is not None]
    fn = [(n, t) for n, t, vague, v in said if vague and v is None]
    precision = tp / (tp + len(fp)) if tp + len(fp) else 1.0
    recall = tp / (tp + len(fn)) if tp + len(fn) else 1.0
    report = (f"{len(rows)} titles: precision {precision:.3f}, recall {recall:.3f}\n"
              + "".join(f"  called vague, labelled specific: {t!r} ({n}): {m}\n" for n, t, m in fp)
              + "".join(f"  missed: {t!r} ({n})\n" for n, t in fn))
    print(report)
    assert precision >= PRECISION and recall >= RECALL, report
