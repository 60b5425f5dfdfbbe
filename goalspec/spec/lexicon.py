"""The words and patterns GS101 reads a title with (spec/vague.py): wording that commits to
nothing, directions, activities, completion verbs, qualities nobody can check, and the numbers
that say when or which rather than how much."""

from __future__ import annotations

import re

from goalspec.spec.twin import twin

# Wording that promises nothing measurable, whatever else the title says.
HARD_VAGUE = twin(
    r"\bas (?:many|much|high|low|soon|fast|quickly|often|far|well|good|best)\b[^.;]*?\bas (?:possible|we can)\b"
    r"|\b(?:wherever|whenever|where|when) (?:is )?possible\b|\bas (?:possible|needed|appropriate)\b|\basap\b"
    r"|\bworld[- ]class\b|\bbest[- ]in[- ]class\b|\bmaximi[sz]\w*|\bminimi[sz]\w*|\boptimi[sz]\w*"
    r"|\bas \w+ as (?:it|they|we|you) can be\b|\bdo (?:my|our|your|their) best\b"
    r"|\bsignificantly\b|\bsubstantially\b|\bdramatically\b|\bdrastically\b|\bconsiderably\b"
)
# A target that lives somewhere else: the title points at it instead of stating it.
ELSEWHERE = twin(
    r"\baccording to (?:the |our )?(?:plan|roadmap|budget|targets?)\b|\b(?:on|to) plan\b(?!\s+[a-z])"
    r"|\b(?:meet|hit|achieve|reach|make|deliver(?:ing)?(?: on)?|execute|follow|stick to|stay (?:on|within))"
    r" (?:(?:the|our|all|its|their|this|\w+) ){0,2}"
    r"(?:plan|roadmap|budget|targets?|goals?|quotas?|objectives|commitments|numbers|kpis|okrs)\b"
    r"|\b(?:hit|meet|achieve|make)\b[\w\s&]*?\b(?:targets?|goals|quotas?|budget)\b"
)
DIRECTION = frozenset((
    "improve", "increase", "grow", "reduce", "decrease", "boost", "enhance", "strengthen", "expand", "accelerate",
    "raise", "lower", "cut", "lessen", "speed", "scale", "advance", "elevate", "deepen", "broaden", "widen",
    "amplify", "intensify", "heighten", "build", "drive", "mature", "evolve", "refine",
    "simplify", "streamline", "modernize", "modernise", "upgrade",
))
COMPARATIVE = frozenset((
    "more", "better", "higher", "faster", "lower", "less", "fewer", "greater", "stronger", "easier", "cheaper",
    "quicker", "smoother", "richer", "deeper", "broader", "wider", "larger", "bigger", "smaller", "healthier",
    "happier", "safer", "simpler", "clearer", "tighter", "improved", "increased", "enhanced", "greater", "closer",
))
ACTIVITY = frozenset((
    "explore", "continue", "evaluate", "investigate", "research", "experiment", "study", "consider", "assess",
    "analyze", "analyse", "review", "examine", "look", "work", "focus", "help", "assist", "participate", "engage",
    "collaborate", "promote", "encourage", "foster", "nurture", "advocate", "learn", "understand", "monitor",
    "maintain", "keep", "try", "attempt", "pursue", "prioritize", "prioritise", "lead", "champion",
    "leverage", "empower", "facilitate", "invest", "aim", "strive", "seek", "socialize", "socialise",
    "gather", "measure", "answer", "reach out", "nail", "become", "be",
    "discuss", "think", "brainstorm", "plan", "prepare", "position", "embrace", "cultivate", "inspire",
))
# Things an activity can be done to without ever being finished: a title that only makes or
# builds one of these ("Build my network", "Create content") has not said when it is done.
ABSTRACT = frozenset((
    "network", "credibility", "awareness", "engagement", "visibility", "presence", "relationship",
    "relationships", "culture", "community", "leadership", "cooperation", "collaboration", "alignment",
    "momentum", "trust", "quality", "experience", "efficiency", "productivity", "performance", "growth",
    "content", "intelligence", "value", "impact", "innovation", "excellence", "morale", "satisfaction",
    "brand", "reputation", "knowledge", "skills", "capabilities", "capacity", "demand", "pipeline", "momentum",
    "synergy", "synergies", "mindshare", "goodwill", "buzz", "traction", "success", "foundation", "foundations",
    "partnerships", "partnership", "opportunities", "opportunity", "vision", "thought", "reach", "progress",
    "connections", "cooperation", "work", "feedback", "communication", "communications", "resources",
    "development", "efforts", "initiatives", "understanding", "consistency", "reliability", "stability",
    "scalability", "usability", "accessibility", "security", "maintainability", "robustness", "parity", "insight", "insights", "usage", "fitness", "fit",
))
VAGUE_QUALITY = twin(
    r"\bhigh[- ]quality\b|\bwell[- ](?:tested|designed|known|documented|defined|run|managed)\b|\bpositively\b"
    r"|\bcustomer[- ](?:driven|centric|focused|first)\b|\bunified\b|\bintegrated\b|\bseamless\w*|\brobust\b"
    r"|\bprecise\b|\baggressively\b|\bconsistently\b|\beffective(?:ly)?\b|\befficient(?:ly)?\b|\bimpactful\b"
    r"|\bexcellent\b|\bgreat\b|\bstrong\b|\bsolid\b|\bmeaningful(?:ly)?\b|\bholistic\w*|\bproactive\w*"
    r"|\bappropriate(?:ly)?\b|\badequate(?:ly)?\b|\bsufficient(?:ly)?\b|\bsustainabl[ey]\b|\bhealthy\b"
    r"|\binnovative\b|\bmodern\b|\busable\b|\bengaging\b|\bcompelling\b|\bawesome\b|\bdelightful\b"
    r"|\bhealthy\b|\brelevant\b|\bpopular\b|\bwidely\b|\bsuccessful(?:ly)?\b|\bgood\b|\bexplosive\b|\bsound\b"
    r"|\breliable\b|\bextraordinary\b|\battractive\b|\beasy\b|\blove\b|\bpolished\b|\bfast\b|\bbiggest\b"
    r"|\bmajor\b|\bbig\b|\bmassive(?:ly)?\b|\bproduction[- ]ready\b|\bscalable\b|\bstabilizable\b|\bplayer\b"
    r"|\bthought lead\w*|\b(?:the )?best\b(?![\s-]+practices?)|\blatest\b|\bessential\b|\bmost \w+|\bready to\b|\bin the wild\b|\bdata[- ]informed\b|\bdegrade\b"
    r"|\bstreamlined\b|\binclusive\b|\bresonat\w+|\ba few\b|\bseveral\b|\bmany\b|\bwide\b|\blargest\b|\bnumerous\b|\ba (?:lot|number) of\b"
    r"|\blots of\b|\bvarious\b"
)
PEOPLE = frozenset(("team", "teams", "partners", "partner", "customers", "customer", "users", "user", "colleagues",
                    "staff", "people", "members", "community", "sales", "marketing", "engineers", "developers",
                    "employees", "students", "leads", "clients", "resellers", "msps", "everyone"))
# Verbs that bring a thing into being, change its state, or finish it: with the thing named
# after them, the title is an end state a reader can check.
COMPLETION = frozenset((
    "launch", "ship", "release", "publish", "deliver", "complete", "finish", "implement", "deploy", "roll",
    "open", "sign", "hire", "migrate", "introduce", "adopt", "certify", "pass", "obtain", "build", "create",
    "establish", "set", "replace", "retire", "sunset", "decommission", "automate", "document", "host", "hold",
    "secure", "close", "move", "go", "integrate", "rebuild", "redesign", "finalize", "finalise", "add", "remove",
    "fix", "deprecate", "stabilize", "stabilise", "rewrite", "reimplement", "re-implement", "define", "draft",
    "write", "decide", "select", "choose", "prototype", "eliminate", "expose", "use", "allow", "accept", "make",
    "change", "update", "track", "apply", "send", "take", "assemble", "run", "mark", "rely", "drop", "merge",
    "port", "convert", "translate", "file", "submit", "approve", "ratify", "enroll", "register", "attend",
    "deprecate", "switch", "transition", "unify", "consolidate", "standardize", "standardise", "rename",
    "have", "get", "know", "do", "produce", "design", "install", "configure", "test", "audit", "resolve",
    "respond", "triage", "hand", "present", "train", "onboard", "recruit", "win", "land", "earn",
    "achieve", "reach", "attain", "pay", "repay", "refactor", "extract", "split", "archive", "delete", "ban",
    "block", "require", "enforce", "validate", "verify", "instrument", "upgrade", "downgrade",
    "provide", "offer", "organize", "organise", "schedule", "conduct", "perform", "record", "report", "announce",
    "evangelize", "reorganize", "reorganise", "restructure", "outsource", "insource", "migrate", "launch",
    "extend", "develop", "display", "show", "list", "put", "turn", "give", "bring", "let", "clean", "fill",
    "staff", "price", "package", "bundle", "localize", "localise", "spin", "stand", "kick", "wrap", "support",
    "enable", "earn", "send", "found", "form", "appoint", "elect", "nominate", "name", "pick", "buy", "sell",
    "acquire", "license", "open-source", "open source", "sponsor", "fund", "raise", "cover", "visit", "meet",
    "ensure", "incorporate", "include", "embed", "distribute", "finish",
))
# Verbs that say little by themselves: the thing after them must be named (a proper name, a code
# name, a quoted name) for the title to be an end state ("Take Advanced Excel on SkillsSoft" is,
# "Take a training class" is not).
GENERIC = frozenset((
    "take", "earn", "send", "get", "make", "do", "provide", "offer", "resolve", "run", "use", "know", "hold",
    "host", "support", "enable", "give", "bring", "put", "cover", "visit", "meet", "raise", "ensure",
))
STATE = twin(
    r"\b(?:can|will|should|must|shall)(?: (?:still|always|now|not|no longer))? (?!be\b)[a-z]+"
    r"|\b(?:isn't|aren't|won't|doesn't|don't|cannot|can't) [a-z]+ed\b|\bby default\b|\bthe default\b|\bon (?:trunk|stable|nightly|main|master)\b"
    r"|\bin (?:production|beta|ga|stable|place)\b|\bgenerally available\b|\bend[- ]to[- ]end\b"
    r"|\b(?:fully|completely|entirely|successfully)\b|\bno (?:more|longer)\b|\bno one\b|^\s*no \w+"
)
PARTICIPLE = twin(
    r"\b(?:implemented|enabled|finished|published|launched|shipped|released|completed|added|removed|deprecated"
    r"|stabili[sz]ed|merged|migrated|deployed|delivered|provided|defined|documented|automated|approved|signed"
    r"|replaced|retired|fixed|resolved|rolled out|live|done|available|self-serve|in place|ready)\b"
)
DELIVERABLE = twin(
    r"\b(?:rfc|mvp|prototype|preview|proposal|spec|specification|decision|policy|report|certification|audit"
    r"|beta|alpha)\b|\bsupport for\b|^\s*[\w\-]+ support\b|\b(?:a|an) new\b|\b(?:stabili[sz]ation|migration|completion|removal|deprecation|adoption"
    r"|rollout|roll-out|implementation|release|launch) of\b"
)
# Verbs that take a thing away: "Eliminate the performance impact" is done when it is gone.
REMOVAL = frozenset(("remove", "eliminate", "fix", "resolve", "drop", "retire", "sunset", "decommission",
                     "deprecate", "delete", "ban", "block", "replace", "archive", "close"))
UNIVERSAL = twin(r"\b(?:all|every|everyone|everybody|everything|each|both|always|never|none|no one|zero)\b")
# Quantities said in words: "four webinars", "one million users", "doubles", "half", "the majority of".
WORD_NUMBER = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|"
    "million|billion|dozen|dozens"
)
WORD_QUANTITY = twin(
    r"\b(?:" + WORD_NUMBER + r")\b(?! of (?:the|our|us|them|its|their)\b)"
    r"|\b(?:doubl|tripl|quadrupl|halv)(?:e|es|ed|ing)\b|\btwice\b|\bthrice\b|\bhalf\b|\b(?:a|the) majority\b"
    r"|\bat (?:least|most) (?:one|two|three|\d)|\b\d+(?:\.\d+)?\s?x\b|\b\d+(?:\.\d+)?x-?\w*"
)
_UNIT = (r"ms|s|sec|secs|seconds?|mins?|minutes?|h|hrs?|hours?|d|days?|wk|wks|weeks?|mo|months?|yrs?|years?|kb|mb|gb"
         r"|tb|pb|kbps|mbps|gbps|rps|qps|tps|px|pts?|pp|bps|ppm|fps|k|m|bn|mm|cm|km|kg|g|usd|eur|gbp")
GLUED_UNIT = twin(r"(?<![\w.])[$€£]?\d+(?:[.,]\d+)?\s?(?:" + _UNIT + r")\b", re.IGNORECASE)
# Numbers that only say when or which, never how much.
NOT_AMOUNT = twin(
    r"\b(?:in|for|over|during|within|after|every|per|each|next|last|past|first)\s+(?:the\s+)?(?:\d+|"
    + WORD_NUMBER + r"|a|an)\s+(?:business\s+)?(?:days?|weeks?|months?|quarters?|years?|hours?|minutes?|sprints?)\b"
    r"|#\d+\b|\bnumber (?:one|1)\b|\btop[- ]\d+|\btop (?:" + WORD_NUMBER + r")\b|\bas we \w+ (?:to|past|beyond) [\d,]+\+?"
    r"|\bv\d[\w.]*|\bversion \d[\w.]*|\b\d+\.x\b|\b\d+(?:st|nd|rd|th)\b|\b[a-z]+\d+\b"
    r"|\bp\d\d?\b|\b\d+-(?:bit|month|week|day|year|quarter|hour)\b"
    r"|\b(?:one|1) (?:of|thing)\b"
    # A year, unless it counts something ("Sell 2000 seats"; "the 2015 numbers" is a year).
    r"|\b(?:19|20)\d\d\b(?!\s+(?!(?:numbers|figures|results|goals|targets|plans|editions|releases|okrs|roadmaps"
    r"|levels)\b)[a-z]+s\b)",
    re.IGNORECASE,
)
