"""The statuses a goal can have, in a module of their own so that the command line can offer them
without loading the models (docs/data.md says how each is decided)."""

ON_TRACK, BEHIND_S, AT_RISK_S, ACHIEVED, MISSED, NO_DATA = "on track", "behind", "at risk", "achieved", "missed", "no data"
NOT_STARTED, NO_BASELINE = "not started", "no baseline"
STATUSES = (ON_TRACK, BEHIND_S, AT_RISK_S, ACHIEVED, MISSED, NOT_STARTED, NO_BASELINE, NO_DATA)
# Statuses that say nothing about pace: no rule about a running goal applies to them.
UNMEASURED = (NOT_STARTED, NO_BASELINE, NO_DATA)
