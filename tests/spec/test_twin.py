"""A twin pattern finds what its Unicode pattern finds, on every text: the ASCII mode is only a
shortcut (goalspec/spec/twin.py)."""

import re
from pathlib import Path

import yaml
from hypothesis import given, settings, strategies as st

from goalspec.spec import titles, vague, when
from goalspec.spec.twin import Twin, plain, twin

CORPUS = Path(__file__).parent.parent / "data" / "goals"


def every_twin() -> list[Twin]:
    found = []
    for module in (vague, titles, when):
        for value in vars(module).values():
            if isinstance(value, Twin):
                found.append(value)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    found += [x for x in (item if isinstance(item, tuple) else (item,)) if isinstance(x, Twin)]
    return found


TWINS = every_twin()


def found(pattern, text: str) -> list:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def test_the_title_readers_use_twins():
    assert len(TWINS) >= 40
    assert vague.NOT_AMOUNT in TWINS and when._LEAD_BEFORE in TWINS


def test_no_pattern_holds_a_letter_that_folds_to_ascii():
    # ASCII mode would not equate these with s, k, i under IGNORECASE, as Unicode mode does.
    for t in TWINS:
        for ch in t.pattern:
            if not ch.isascii():
                assert not ch.lower().isascii() and not ch.upper().isascii(), (t.pattern, ch)
                assert ch not in "ſKıİ", (t.pattern, ch)


def test_the_four_control_characters_are_read_the_unicode_way():
    spaced = twin(r"a\sb")
    assert not plain("a\x1cb") and plain("a b") and not plain("é")
    assert re.compile(r"a\sb", re.ASCII).search("a\x1cb") is None  # what the guard is for
    for ch in "\x1c\x1d\x1e\x1f":
        assert spaced.search(f"a{ch}b") is not None


ASCII = list("abcdefghijklmnopqrstuvwxyzQHFY0123456789 .,-%$#:;'\"/\t\n") + [
    "by ", "in ", "q3 ", "fy2027", "within ", "next ", "2026", "may ", "the end of ", "seats ", "one ", "over "]
WIDE = ["\x1c", "\x1f", "é", "ſ", "K", "ı", "٣", "€", "“", "”", "\u00a0", "\u2009"]
TEXTS = st.one_of(st.lists(st.sampled_from(ASCII), max_size=30).map("".join),
                  st.lists(st.sampled_from(ASCII + WIDE), max_size=30).map("".join))


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_every_twin_finds_what_its_unicode_pattern_finds(text):
    for t in TWINS:
        assert found(t, text) == found(t.wide(), text), (t.pattern, text)
        assert found(t, text.lower()) == found(t.wide(), text.lower()), (t.pattern, text)


def test_every_twin_agrees_on_the_corpus_of_real_titles():
    texts = [g["title"] for p in sorted(CORPUS.glob("*.yaml")) for g in yaml.safe_load(p.read_text("utf-8"))["goals"]]
    assert any(not plain(t) for t in texts) and sum(map(plain, texts)) > 300
    for text in texts:
        for t in TWINS:
            for variant in (text, text.lower()):
                assert found(t, variant) == found(t.wide(), variant), (t.pattern, variant)
                assert (t.search(variant) is None) == (t.wide().search(variant) is None)
                assert t.sub(" ", variant) == t.wide().sub(" ", variant)
