"""Whether a goal's title commits to something checkable (GS101).

A title is specific when two people could not disagree about whether it was
reached: it states a quantity ("Book 120 calls", "3x pipeline", "from 800ms to
200ms", "one million users", "doubles", "the majority of"), or a verifiable end
state ("Launch the partner portal", "GDPR policy fully implemented", "The DHT is
enabled by default", "Update all product docs to the new format"). It is vague
when it leans on wording that commits to nothing ("as many as possible",
"world-class"), states only a direction ("Improve marketing", "Increase
revenue"), an activity with no end ("Explore", "Continue", "Evaluate"), a bare
topic ("Rust 2024 Edition"), or a target that lives elsewhere ("Deliver the
product roadmap", "according to plan").

Numbers that are not the commitment are read for what they are: years, versions
("2.0", "v2"), durations ("in 4 weeks"), ranks and scope ("top 10", "as we
scale to 150+ employees"), days of a month, ordinals. The judgement works on the
title's clauses: a purpose ("... to accelerate demand", "for better
communication") says why, not what, so its words neither make a title vague nor
specific; of the clauses joined by "and", one that commits is enough.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

from goalspec.spec.twin import twin
from goalspec.spec.lexicon import (  # noqa: F401 - also read from here (GS103: UNIVERSAL)
    HARD_VAGUE, ELSEWHERE, DIRECTION, COMPARATIVE, ACTIVITY, ABSTRACT, VAGUE_QUALITY, PEOPLE,
    COMPLETION, GENERIC, STATE, PARTICIPLE, DELIVERABLE, REMOVAL, UNIVERSAL, WORD_NUMBER,
    WORD_QUANTITY, GLUED_UNIT, NOT_AMOUNT,
)
from goalspec.spec.titles import TitleNumber, numbers

_DIGIT = twin(r"\d")

# Where a purpose starts: what follows says why, not what will be done.
_PURPOSE = twin(
    r"(?:,\s+(?:\w+ly\s+)?(?=[a-z]+ing\b))|\s(?:in order to|so that|so as to|to help|for better|for more(?! than)|for greater|which|while|whilst"
    r"|that (?:will|would|can|helps?)|by (?=[a-z]+ing\b)|to (?=(?P<verb>[a-z]+)\b))\s?"
)
_CLAUSES = twin(r"\s*(?:;|:|,|\band\b|&|\s[-–—]\s|\+)\s*")
_WORD = twin(r"[a-z][a-z'\-]*")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Why a title is vague: the kind of vagueness, the words that show it, and the numbers
    read as something other than a quantity."""
    kind: str  # wording, elsewhere, direction, activity, topic, abstract, quality
    phrase: str
    discounted: tuple[tuple[str, str], ...] = ()  # (the number as written, what it was read as)

    def message(self) -> str:
        what = {
            "wording": f"it leans on vague wording (\"{self.phrase}\")",
            "elsewhere": f"its target lives elsewhere (\"{self.phrase}\")",
            "direction": f"it names a direction without an amount (\"{self.phrase}\")",
            "activity": f"it names an activity with no end (\"{self.phrase}\")",
            "quality": f"it names a quality nobody can check (\"{self.phrase}\")",
            "abstract": f"it names no amount and no deliverable (\"{self.phrase}\")",
            "topic": "it names a topic, with no amount and no end state",
        }[self.kind]
        if self.discounted:
            what += "; it reads " + ", ".join(f"\"{text}\" as {kind}" for text, kind in self.discounted) + \
                ", not as an amount"
        return f"goal title is vague: {what}"


def _normal(title: str) -> str:
    return (title.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
            .replace("`", ""))


def _main_part(text: str) -> str:
    """The title without its purpose: what will be done, not why."""
    m = re.match(r"\s*in order to [^,]*,\s*(.+)$", text)
    if m:
        return m.group(1)
    for cut in _PURPOSE.finditer(text):
        if cut.group("verb") is not None and _lemma(cut.group("verb")) not in _VERBS | PURPOSE_VERBS:
            continue  # "ship it to stable", "from 3% to 2%": not a purpose
        head = text[: cut.start()].strip()
        if len(_words(head)) >= 2:  # "Apply to lead an ERG": the verb needs its object
            return head
        break
    return text


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _lemma(word: str) -> str:
    for end, repl in (("ies", "y"), ("ing", ""), ("es", ""), ("ed", ""), ("s", "")):
        if word.endswith(end) and len(word) - len(end) >= 3:
            stem = word[: -len(end)] + repl
            for cand in (stem, stem + "e", stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem):
                if cand in COMPLETION or cand in ACTIVITY or cand in DIRECTION:
                    return cand
    return word


_DECIMAL = twin(r"\bv?\d+(?:\.\d+)+\b")


def _versions(title: str) -> list[tuple[int, int]]:
    """Spans of version numbers: x.y.z anywhere; x.y after a capitalized name that is not the
    title's first word ("GNOME 3.0", "Jenkins Templating Engine 2.0"; not "Sell 2.5 million")."""
    out = []
    for m in _DECIMAL.finditer(title):
        before = title[: m.start()].split()
        name = before[-1] if before else ""
        named = name[:1].isupper() and name[-1:].isalnum() and (
            len(before) > 1 or any(c.isupper() for c in name[1:]) or _lemma(name.lower()) not in _VERBS)
        if m.group(0).count(".") >= 2 or m.group(0).startswith("v") or named or name.lower() in ("version", "release"):
            out.append((m.start(), m.end()))
    return out
_DURATION_DONE = twin(r"\bfor (?:\d+|" + WORD_NUMBER + r") \w+ (?:without|with no|straight|in a row|uninterrupted)\b")
_NAMED = twin(r"(?<!^)(?<![.!?] )\b[A-Z][\w\-]*|\b\w*\d\w*[A-Za-z]\w*\b|[\w]+[_./`][\w]+|\b[a-z]+-[a-z]+\b|[\"“«][^\"”»]+[\"”»]")
_VERBS = COMPLETION | ACTIVITY | DIRECTION
# "I want to take the improv class", "We will launch ...": the goal is what follows.
_INTENT = twin(r"^\s*(?:(?:i|we)'ll|(?:i|we|our team|the team)(?: (?:really|also))? (?:want to|will|would like to|plan to|need to"
                     r"|are going to|am going to|intend to|commit to|shall))\s+(?:finally\s+)?")
PURPOSE_VERBS = frozenset(("accelerate", "ensure", "allow", "match", "save", "reach", "win", "attract", "retain",
                           "generate", "capture", "unlock", "avoid", "prevent", "address", "serve", "meet"))


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY = twin(r"\b" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?!\s*(?:%|[a-z]))|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?"
                  + _MONTH + r"(?![a-z])")
_KINDS = (
    (twin(r"\btop\b|#\d|number (?:one|1)"), "a rank"), (twin(r"\bas we\b"), "the scope"),
    (twin(r"^v\d|version|\d+\.\d+"), "a version"), (twin(_MONTH), "a day"),
    (twin(r"day|week|month|quarter|year|hour|minute|sprint|bit"), "a duration"),
    (twin(r"\d(?:st|nd|rd|th)$"), "an ordinal"), (twin(r"^(?:19|20)\d\d$"), "a year"),
    (twin(r"^(?:fy|q|h)\d|\d{4}-(?:q|h)?\d"), "a period"),
)


def _kind(text: str) -> str:
    return next((what for pattern, what in _KINDS if pattern.search(text)), "a name")


def _cut(title: str, spans: list[tuple[int, int]]) -> str:
    for a, b in reversed(spans):
        title = title[:a] + " " * (b - a) + title[b:]
    return title


def amounts(title: str) -> list[TitleNumber]:
    """The numbers in digits that are the title's commitment (GS103 compares them with the target):
    numbers() without the years, versions, durations, ranks and days that quantities() reads as
    something else."""
    return list(_read(title)[2]) if _DIGIT.search(title) else []


def quantities(title: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The quantities a title states, and the numbers in it read as something else, each with
    what it was read as (a year, a version, a duration, a rank, a day)."""
    found, discounted, _ = _read(title)
    return list(found), list(discounted)


Reading = tuple[tuple[str, ...], tuple[tuple[str, str], ...], tuple[TitleNumber, ...]]
# title -> a tuple whose first items are judge's verdict and _read's reading, made by the workers
# that parsed the tree (titleread.py)
_told: Mapping[str, tuple] = {}


def tell(readings: Mapping[str, tuple]) -> None:
    """Take what read_title() found of these titles (in another process) as judge's and _read's
    answers; they replace what was told before."""
    global _told
    _told = readings


def read_title(title: str) -> tuple[Verdict | None, Reading]:
    """The title's verdict and reading, kept in no cache: what tell() takes."""
    reading = _reading(title)
    return _verdict(title, reading), reading


def _read(title: str) -> Reading:
    told = _told.get(title)
    return told[1] if told is not None else _cached_reading(title)


def _reading(title: str) -> Reading:
    """A title read once for GS101, GS103 and the site: (quantities, numbers read as something
    else, amounts)."""
    spans = _versions(title)
    versions = [title[a:b] for a, b in spans]
    low = _normal(_cut(title, spans))
    found = [m.group(0) for m in _DURATION_DONE.finditer(low)]
    days = [m.group(0).strip() for m in _DAY.finditer(low)]
    low = _DAY.sub(" ", low)
    # One pass of the long NOT_AMOUNT pattern: its matches are both reported and blanked.
    others, pieces, at = [], [], 0
    for m in NOT_AMOUNT.finditer(low):
        if _DIGIT.search(m.group(0)):
            others.append(m.group(0).strip())
        pieces += [low[at:m.start()], " "]
        at = m.end()
    scrubbed = "".join(pieces) + low[at:]
    amounts_ = numbers(scrubbed)
    found += [n.text for n in amounts_]
    found += [m.group(0) for m in GLUED_UNIT.finditer(scrubbed)]
    found += [m.group(0) for m in WORD_QUANTITY.finditer(scrubbed)]
    discounted = [(v, "a version") for v in versions] + [(d, "a day") for d in days] + [(o, _kind(o)) for o in others]
    if not found:
        # Years and periods: numbers() leaves them out; say what they were read as.
        seen = " ".join(t for t, _ in discounted)
        for m in re.finditer(r"(?<![\w.])(?:fy)?\d[\w\-]*", scrubbed):
            text = m.group(0).rstrip(".,-")
            if text not in seen:
                discounted.append((text, _kind(text)))
    return tuple(found), tuple(discounted), tuple(amounts_)


_cached_reading = lru_cache(maxsize=1 << 17)(_reading)  # every title of a 100k tree: three rules ask of each


# serve re-judges every title of its tree on each save; on a larger tree a pass hits no cache
# smaller than the tree, and 100k entries cost megabytes at the peak of a check
def judge(title: str) -> Verdict | None:
    """None when the title commits to something checkable; else why it does not."""
    told = _told.get(title)
    return told[0] if told is not None else _judge(title)


@lru_cache(maxsize=1 << 14)
def _judge(title: str) -> Verdict | None:
    return _verdict(title, _read(title))


def _verdict(title: str, reading: Reading) -> Verdict | None:
    low = _normal(title)
    hard = HARD_VAGUE.search(low)
    if hard:
        return Verdict("wording", hard.group(0))
    found, discounted = list(reading[0]), list(reading[1])
    if found:
        return None
    elsewhere = ELSEWHERE.search(low)
    if elsewhere:
        return Verdict("elsewhere", elsewhere.group(0), _as_written(title, discounted))
    # Continuing has no end, unless what is continued has one for each of its things ("Continue
    # to triage all bugs within one week").
    low = _INTENT.sub("", low) or low
    body = re.sub(r"^\s*(?:continue|keep)(?: to| on)?\s+(?=\w)", "", low)
    if body != low and not UNIVERSAL.search(body):
        return Verdict("activity", low.split()[0], _as_written(title, discounted))
    verdict = _judge_body(body, title)
    if verdict is not None and discounted:
        return Verdict(verdict.kind, verdict.phrase, _as_written(title, discounted))
    return verdict


def _as_written(title: str, read: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """The numbers as the title writes them ("March 15", not "march 15")."""
    low = title.lower()
    out = []
    for text, kind in read:
        at = low.find(text)
        out.append((title[at: at + len(text)] if at >= 0 else text, kind))
    return tuple(out)


def _judge_body(low: str, title: str) -> Verdict | None:
    main = _main_part(low)
    # Clauses joined by "and", commas or dashes count apart only when each says what is done
    # (starts with a verb); "speed and reliability of building" is one object, not two clauses.
    clauses: list[str] = []
    for piece in _CLAUSES.split(main):
        if not piece.strip():
            continue
        first = _words(piece)[:1]
        starts_clause = bool(first) and _lemma(first[0]) in _VERBS and not first[0].endswith(("ing", "ed"))
        if clauses and not starts_clause:
            clauses[-1] += " and " + piece
        else:
            clauses.append(piece)
    first_problem: Verdict | None = None
    for i, clause in enumerate(clauses or [main]):
        words = _words(clause)
        if len(words) == 1 and i + 1 < len(clauses) and _lemma(words[0]) in DIRECTION | ACTIVITY:
            # "Strengthen & stabilize the Foundation": the direction is said of the same thing.
            return _clause(clause, title)
        verdict = _clause(clause, title)
        if verdict is None:
            return None
        first_problem = first_problem or verdict
    return first_problem


def _head(words: list[str]) -> str | None:
    """The object's head noun: the last word before a preposition or the end."""
    head = None
    skip = 0
    while skip < len(words) and words[skip] in ("to", "on", "in", "for", "with", "at"):
        skip += 1  # "Rely on a single component": the object comes after the verb's preposition
    for w in words[skip:]:
        if w in ("of", "for", "in", "on", "with", "to", "by", "at", "from", "around", "across", "into", "among",
                 "between", "through", "within", "and", "or"):
            break
        head = w
    return head


def _clause(clause: str, title: str) -> Verdict | None:
    words = _words(clause)
    if not words:
        return Verdict("topic", clause)
    lead = 1 if len(words) > 1 and words[0] in ("fully", "successfully", "finally", "formally", "publicly",
                                                "officially") else 0
    verb = _lemma(words[lead]) if len(words) > lead else ""
    if verb == "make" and len(words) > lead + 1 and words[lead + 1] == "progress":
        return Verdict("activity", "make progress")
    if verb == "reach" and len(words) > lead + 1 and words[lead + 1] == "out":
        return Verdict("activity", "reach out")
    if words[lead].endswith("ed") and verb in COMPLETION and verb != words[lead] and PARTICIPLE.match(words[lead]):
        return None  # "Provided reasons for yanked crates": said as done
    if words[lead].endswith("ed") and verb != words[lead]:
        verb = ""  # "Embedded devices", "Distributed parallelism": an adjective, not an imperative
    if len(words) == lead + 2 and verb in COMPLETION and verb not in DIRECTION | ACTIVITY \
            and re.search(r"(?:ment|tion|sion|ance|ence|ity|ness|ing)$", words[lead + 1]):
        verb = ""  # "Package management": a topic, not an imperative
    modal = re.search(r"\b(?:should|will|must|shall|would|can)\s+(?:\w+ly\s+)?(?:not\s+)?([a-z]+)", clause)
    if modal and _lemma(modal.group(1)) in DIRECTION - COMPLETION:
        return Verdict("direction", modal.group(1))  # "Performance should improve for all code"
    if modal and _lemma(modal.group(1)) in ACTIVITY - COMPLETION - {"be"}:
        return Verdict("activity", modal.group(1))  # "This goal will prioritize ..."
    rest = [w for w in words[lead + 1:] if w not in ("the", "a", "an", "our", "my", "their", "its", "out", "up",
                                                      "your")]
    quality = VAGUE_QUALITY.search(clause)
    universal = UNIVERSAL.search(clause)
    comparatives = [w for i, w in enumerate(words) if w in COMPARATIVE and not (i and words[i - 1] == "no")]
    if verb in COMPLETION and verb not in GENERIC:
        # Comparatives that describe the deliverable ("a new, more scalable support system") are
        # part of its name; one right after the verb is the goal itself ("build more partnerships").
        relative = next((i for i, w in enumerate(rest) if w in ("that", "which", "who")), len(rest))
        comparatives = [w for i, w in enumerate(rest) if w in COMPARATIVE and (i == 0 or i > relative)
                        and not (i == 0 and w.endswith("ed"))]  # "Ship improved font fallback": its name
    comparative = comparatives[0] if comparatives else None
    if verb in DIRECTION and (verb not in COMPLETION or comparative):
        return Verdict("direction", words[lead] if not comparative else f"{words[lead]} … {comparative}")
    if verb in ("support", "enable", "help", "assist", "serve", "empower") and _head(rest) in PEOPLE:
        return Verdict("activity", words[lead])  # "Support the sales team": helping has no end
    if verb in ("be", "become") and quality:
        return Verdict("quality", quality.group(0))
    if verb in ACTIVITY and verb not in COMPLETION:
        return Verdict("activity", words[lead])
    if comparative and not universal:
        return Verdict("direction", comparative)
    if quality:
        return Verdict("quality", quality.group(0))
    if universal:
        return None  # "Update all product docs", "Each Edition has a story": every one of them, or not
    if verb in COMPLETION:
        rest = [w for w in rest if w != "new"]
        head = _head(rest)
        if not rest or head is None:
            return Verdict("abstract", clause.strip())
        if head in ABSTRACT and verb not in REMOVAL and not _proper(head, title):
            return Verdict("abstract", f"{words[lead]} … {head}")
        if verb in GENERIC and not _named(clause, title) and not STATE.search(clause):
            return Verdict("abstract", f"{words[lead]} {' '.join(rest[:3])}")
        return None
    moving = next((w for w in words[1:] if w.endswith(("s", "ed")) and _lemma(w) in DIRECTION), None)
    if moving:
        return Verdict("direction", moving)  # "Adoption of the SDK grows"
    if STATE.search(clause) or PARTICIPLE.search(clause) or DELIVERABLE.search(clause):
        return None
    return Verdict("topic", clause.strip())


def _proper(word: str, title: str) -> bool:
    """Whether a word is capitalized as part of a name ("the Mozilla Network"), in a title that is
    not written in title case throughout."""
    words = re.findall(r"[A-Za-z][\w'\-]*", title)
    capitalized = sum(w[0].isupper() for w in words)
    return capitalized <= len(words) * 0.6 and bool(re.search(r"\b" + re.escape(word.capitalize()) + r"\b", title))


def _named(clause: str, title: str) -> bool:
    """Whether the clause names its thing: a proper name, a code name, a quoted name."""
    at = _normal(title).find(clause.strip()[:20])
    original = title[at: at + len(clause.strip())] if at >= 0 else title
    return bool(_NAMED.search(original.strip()))
