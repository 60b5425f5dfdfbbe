"""The data stage: what the KPIs read, and where each goal stands.

Owns reading KPI values (check-ins, CSV files, SQL queries, lead records run
through their definitions) and the progress model computed from them. Imports
``spec`` and ``diagnostics`` only; the rules, the reports and the site read the
numbers from here, so they cannot disagree.
"""
