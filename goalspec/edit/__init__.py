"""The edit stage: everything that writes specs.

Owns ``checkin`` (a KPI value into the check-in file), ``fmt`` (the canonical
layout), ``init`` (a starting tree) and the JSON Schema editors validate with;
``write`` is how the three of them write a file (locked, atomic, refusals).
Imports ``spec`` and ``diagnostics`` only; nothing below the CLI writes a spec
except through this package.
"""
