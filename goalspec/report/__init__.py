"""The report stage: a check's result as text for people and machines.

Owns findings as text, JSON, GitHub annotations and SARIF; the status table;
trace; the graph export; the diff report; and the rule catalogue (explain).
Imports ``check`` and everything below it; never the site or the CLI.
"""
