"""GS101's judgement of a title, on the forms the format names: quantities in digits and words,
multipliers and glued units, end states; directions, endless activities, bare topics, targets
that live elsewhere; numbers that are not the commitment, each said as what it was read as."""

import pytest

from goalspec.spec import vague
from goalspec.spec.vague import amounts, judge, quantities
from paths import corpus_titles


@pytest.mark.parametrize("title", [
    # quantities in words
    "Reach one million users", "Grow from three to six enterprise customers", "Run four webinars for MSP owners",
    "Revenue doubles by FY2027", "Close twice as many MSP deals as in Q2", "Cut the support backlog in half",
    "Win the majority of renewals", "Train all employees on phishing", "Call every customer with an open ticket",
    # multipliers and units glued to numbers
    "3x pipeline by the end of Q3", "Reach 1.5x pipeline coverage", "Cut p95 latency from 800ms to 200ms",
    "Reduce build time to 2.5 h", "Reach 10k monthly active users", "Close $50K in new ARR",
    # verifiable end states
    "Launch the partner portal", "Publish the pricing page", "GDPR policy fully implemented", "Ship v2 of the API",
    "Migrate billing to Stripe", "The DHT is enabled by default", "Provided reasons for yanked crates",
    # plain numbers, and years that count something
    "Book 120 calls with qualified MSP leads by the end of Q3", "Sell 2000 seats", "Keep churn below 2%",
    "A daemon runs for 10 days without a crash", "Be at a sales efficiency of 1.0 or higher",
    # what follows a purpose or a continuation is judged for what it is
    "Continue to triage all bugs within one week", "Ship improved font fallback to stable",
    "Publish the MSP pricing page to accelerate inbound demand",
    # a name that is an abstract noun, "no" plus a thing, "support for", a new deliverable
    "Launch the Mozilla Network into the world", "No jQuery", "Fingerprint support throughout the stack",
    "Official support for defining pipelines in YAML", "We'll finally finish up polkit-in-kio",
    "Sell 2.5 million seats", "Document best practices for core teams",
])
def test_specific(title):
    assert judge(title) is None, judge(title).message()


@pytest.mark.parametrize("title,kind,said", [
    ("Improve marketing", "direction", '"improve"'),
    ("Increase revenue", "direction", '"increase"'),
    ("Better onboarding by Q3", "direction", '"better"'),
    ("Create more partnerships", "direction", "more"),
    ("Explore new markets", "activity", '"explore"'),
    ("Continue the migration", "activity", '"continue"'),
    ("Evaluate vendors", "activity", '"evaluate"'),
    ("Customer success", "topic", "a topic"),
    ("Deliver according to plan", "elsewhere", "according to plan"),
    ("Hit our Q3 targets", "elsewhere", "targets"),
    ("Deliver the product roadmap", "elsewhere", "roadmap"),
    ("Reach as many top companies as possible", "wording", "as possible"),
    ("Build a world-class MSP channel of 500 seats", "wording", "world-class"),
    ("Ship high quality releases to our customers", "quality", "high quality"),
    ("Build my network", "abstract", "network"),
    ("Publish content on the marketing site to accelerate inbound demand", "abstract", "content"),
    ("Strengthen & stabilize the Foundation", "direction", "strengthen"),
    ("Adoption of the SDK grows", "direction", "grows"),
    ("Performance should improve for all code", "direction", "improve"),
    ("This goal will prioritize fixing parity issues", "activity", "prioritize"),
    ("Web apps never lose core functionality for more than a few minutes", "quality", "a few"),
    ("Embedded devices", "topic", "a topic"),
    ("Package management", "topic", "a topic"),
    ("Ensure API consistency", "abstract", "consistency"),
])
def test_vague_and_why(title, kind, said):
    verdict = judge(title)
    assert verdict is not None and verdict.kind == kind
    assert said in verdict.message()


@pytest.mark.parametrize("title,read", [
    ("Rust 2024", '"2024" as a year'),
    ("Beat the 2015 numbers", '"2015" as a year'),
    ("Explore v2 of the API", '"v2" as a version'),
    ("Improve GNOME 3.0 quickly", '"3.0" as a version'),
    ("Grow revenue in 4 weeks", '"in 4 weeks" as a duration'),
    ("Become a top 10 vendor", '"top 10" as a rank'),
    ("Grow the team as we scale to 150+ employees", "as the scope"),
    ("Improve onboarding by March 15", '"March 15" as a day'),
    ("Become the #1 onboarding experience", '"#1" as a rank'),
    ("NumPy 2.0 stabilization and downstream usage", '"2.0" as a version'),
])
def test_numbers_that_are_not_the_commitment_are_said_as_what_they_are(title, read):
    verdict = judge(title)
    assert verdict is not None and read in verdict.message() and "not as an amount" in verdict.message()


def test_vague_words_match_on_word_boundaries():
    assert judge("Growth team hires 4 engineers") is None  # "growth" is not "grow"
    assert judge("Moreover, sign 3 partners") is None


def test_quantities_name_what_was_read():
    found, _ = quantities("Reach 3x pipeline and 10k users")
    assert "3x" in found and any("10k" in f for f in found)


def test_titles_read_elsewhere_are_what_judge_quantities_and_stated_times_compute(monkeypatch):
    """What the parse workers hand back (titleread.read) is what the rules would compute, and once
    told, judge, quantities and stated_times answer it without reading the title again."""
    from datetime import date

    from goalspec.spec import titleread, when
    from goalspec.spec.periods import parse_period

    monkeypatch.setattr(vague, "_told", {})
    monkeypatch.setattr(when, "_told", {})
    titles = corpus_titles() + ["Book 120 calls by the end of Q3", "Improve marketing", "", "Ship v2.0 in 4 weeks",
                                 "Grow 10% over Q2 by the end of Q3 2026", "Q3 2026: sell 10 seats by September"]
    readings = titleread.read(titles)
    assert readings == [(vague._judge.__wrapped__(t), vague._reading(t), when.find_times(t)) for t in titles]
    assert sum(v is not None for v, *_ in readings) > len(titles) // 3  # vague ones among them, in earnest
    assert sum(bool(hits) for *_, hits in readings) > 20  # and times
    deadline = parse_period("2026-Q3", 1)
    computed = [when.stated_times.__wrapped__(t, deadline, deadline.first, 1) for t in titles]
    titleread.tell(dict(zip(titles, readings)))
    assert [when.stated_times.__wrapped__(t, deadline, deadline.first, 1) for t in titles] == computed
    told = {t: (object(), (("told",), (("1", "a day"),), ()), ((0, 0),)) for t in titles[:5]}
    titleread.tell(told)
    assert judge(titles[0]) is told[titles[0]][0]  # the told answer, not one computed again
    assert quantities(titles[1]) == (["told"], [("1", "a day")])
    assert amounts(titles[1] + " 12") == list(vague._reading(titles[1] + " 12")[2])  # not told: read here
    said = "Sell 10 seats by the end of Q2"
    assert when.stated_times.__wrapped__(said, deadline, date(2026, 7, 1), 1)  # a time, read here
    titleread.tell({said: (None, vague._reading(said), ())})
    assert when.stated_times.__wrapped__(said, deadline, date(2026, 7, 1), 1) == ()  # told: none
