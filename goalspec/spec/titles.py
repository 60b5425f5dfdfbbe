"""Reading the numbers and the vague words in a goal's one-line title (GS101, GS103)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Wording that promises nothing measurable, whatever else the title says.
# "as possible" covers "as many (top companies) as possible", "as soon as possible".
ALWAYS_VAGUE = (
    "as possible", "asap", "world-class", "world class", "best-in-class", "best in class", "maximize",
    "maximise", "minimize", "minimise", "optimize", "optimise", "significantly", "substantially",
)
# Wording that is vague only when no number comes with it ("improve lead quality").
VAGUE_WITHOUT_NUMBER = ("improve", "better", "more", "enhance", "boost", "increase", "grow", "strengthen")

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_PERIOD = re.compile(
    r"\b(?:FY\d{2,4}(?:-?[QH][1-4])?|\d{4}-(?:[QH][1-4]|\d{2}(?:-\d{2})?)|[QH][1-4](?:\s*(?:FY)?\d{2,4})?)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(
    r"\b(?:(?:in|by|of|during|for|end|until|before|after|through|since|from|to)\s+|"
    r"(?:" + "|".join(_MONTHS) + r")[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?)(?:19|20)\d{2}\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_YEARISH = re.compile(r"(?:19|20)\d\d")
_NUMBER = re.compile(
    r"(?P<sign>[+\-−])?(?P<cur>[$€£])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mult>[kKmMbB]|thousand|million|billion)\b)?(?P<pct>\s?%|\s?percent\b|\s?pp\b)?",
)
_FROM_TO = re.compile(r"\bfrom\s+(?P<a>[^\s]+)\s+to\s+(?P<b>[^\s]+)", re.IGNORECASE)
_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9}


@dataclass(frozen=True, slots=True)
class TitleNumber:
    value: float
    percent: bool
    signed: bool
    text: str


def _blank(m: re.Match) -> str:
    return " " * len(m.group(0))


def numbers(title: str) -> list[TitleNumber]:
    """The quantities a title commits to; dates and period names are not among them."""
    if not _DIGIT.search(title):
        return []
    cleaned = _PERIOD.sub(_blank, title)
    if _YEARISH.search(cleaned):
        cleaned = _YEAR.sub(_blank, cleaned)
    out = []
    for m in _NUMBER.finditer(cleaned):
        # A digit glued to letters (MSP2, 3rd) is a name or an ordinal, not a quantity.
        before = cleaned[m.start() - 1] if m.start() else " "
        after = cleaned[m.end()] if m.end() < len(cleaned) else " "
        if before.isalpha() or (after.isalpha() and not m["mult"] and not m["pct"]):
            continue
        value = float(m["num"].replace(",", ""))
        if m["mult"]:
            value *= _MULT[m["mult"].lower()]
        if m["sign"] in ("-", "−"):
            value = -value
        out.append(TitleNumber(value, bool(m["pct"]), bool(m["sign"]), m.group(0).strip()))
    return out


def from_to(title: str) -> list[tuple[TitleNumber, TitleNumber]]:
    """Pairs written as "from 3% to 2%"."""
    pairs = []
    for m in _FROM_TO.finditer(title):
        a, b = numbers(m["a"]), numbers(m["b"])
        if a and b:
            pairs.append((a[0], b[0]))
    return pairs


_ALWAYS_VAGUE_RE = re.compile(
    r"\bas (?:many|much|high|low|soon|fast|quickly|often|far)\b.*?\bas possible\b|"
    + "|".join(r"(?<![a-z])" + re.escape(p) + r"(?![a-z])" for p in ALWAYS_VAGUE)
)
_VAGUE_WORD_RE = re.compile(r"\b(" + "|".join(VAGUE_WITHOUT_NUMBER) + r")\w*")


def vague_wording(title: str, found: list[TitleNumber] | None = None) -> str | None:
    """The vague phrase in a title, if it leans on one; "" when it simply has no number;
    None when it is specific. ``found`` passes numbers(title) when already known."""
    low = title.lower()
    if "as possible" in low or any(p in low for p in ALWAYS_VAGUE):
        m = _ALWAYS_VAGUE_RE.search(low)
        if m:
            return m.group(0)
    if found is None:
        found = numbers(title)
    if found:
        return None
    m = _VAGUE_WORD_RE.search(low)
    return m.group(1) if m else ""


def close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-9, 0.005 * abs(b))


# Verbs that say a thing will exist or be finished: with the thing named after them ("Launch the
# partner portal"), the title is a verifiable end state, the kind of statement a milestone target
# (`done: true`) checks.
COMPLETION_VERBS = (
    "launch", "ship", "release", "publish", "deliver", "complete", "finish", "implement", "deploy", "roll out",
    "open", "sign", "hire", "migrate", "introduce", "adopt", "certify", "pass", "obtain", "build", "create",
    "establish", "set up", "replace", "retire", "sunset", "decommission", "automate", "document", "host", "hold",
    "secure", "close", "move", "go live", "integrate", "rebuild", "redesign", "finalize", "finalise",
)
_END_STATE = re.compile(r"^\s*(?:" + "|".join(re.escape(v) for v in COMPLETION_VERBS) + r")(?:s|es|ed|d)?\s+"
                        r"(?:the\s+|a\s+|an\s+|our\s+)?[\w][\w\-]*", re.IGNORECASE)


def end_state(title: str) -> bool:
    """Whether a title names a deliverable after a completion verb ("Launch the partner portal")."""
    return bool(_END_STATE.match(title))
