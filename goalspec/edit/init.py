"""`goalspec init`: a small, commented spec tree that checks clean, to edit from.

Never over anything: a file that exists, or any link (even a dangling one, which
would be written through), makes it write nothing. The files are written under
the locks of all of them (``write.locked``, so two inits cannot both pass the
check), each one atomically; if one cannot be written, those already written are
removed again and the folder is as it was.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from goalspec.edit.schema import render as render_schema
from goalspec.edit.write import WriteError, locked, replace, writable

SCHEMA_FILE = "goalspec.schema.json"
# yaml-language-server reads a modeline only among the comments that head its own document
# (docs/editors.md), so every document of every file starts with one.
MODELINE = "# yaml-language-server: $schema={schema}\n"


class InitError(Exception):
    pass


def _next_quarter(today: date) -> tuple[str, str]:
    """The coming quarter (the goal's period) and the one before it (the baseline)."""
    q = (today.month - 1) // 3 + 1
    year, nq = (today.year + 1, 1) if q == 4 else (today.year, q + 1)
    return f"{year}-Q{nq}", f"{today.year}-Q{q}"


def files(today: date) -> dict[str, str]:
    quarter, baseline = _next_quarter(today)
    head = MODELINE + "apiVersion: goalspec/v1\n"
    texts = {
        "goalspec.yaml": head + """kind: Organization
name: Example Co            # your company's name
fiscal_year_start: 1        # the month your fiscal year starts in (FY2027 ends in 2027)
site:
  title: What Example Co is trying to do
""",
        "teams.yaml": head + """kind: Team
id: marketing
name: Marketing
lead: mia                   # a person id from the members below
members:
  - {id: mia, name: Mia Moreau, role: Head of Marketing}
---
apiVersion: goalspec/v1
kind: Team
id: sales
name: Sales
lead: sam
members:
  - {id: sam, name: Sam Sato, role: Head of Sales}
  - {id: cora, name: Cora Chen, role: CEO}
""",
        "kpis.yaml": head + """kind: KPI
id: seats-sold
name: Seats sold
unit: seats
direction: increase
aggregation: sum            # a quarter's value is the sum of its check-ins
owner: sam
cadence: monthly            # a value is expected at least once a month
source: {type: checkins}    # values come from check-ins.yaml (or a CSV file, or SQL)
""",
        "goals.yaml": head + f"""# A company goal has no team and no parent; every team goal serves one.
kind: Goal
id: company.seats
title: Increase seats sold by 10% over {baseline} by the end of {quarter}
owner: cora
kpi: seats-sold
target: {{change: "+10%", baseline: {{period: {baseline}}}}}
deadline: {quarter}
---
apiVersion: goalspec/v1
kind: Goal
id: sales.seats
title: Close 500 seats by the end of {quarter}
owner: sam
team: sales
parent: company.seats       # the goal this one serves
kpi: seats-sold
target: {{value: 500}}
deadline: {quarter}
""",
        "leads.yaml": head + """# What a qualified lead is, in words both teams signed.
kind: LeadDefinition
id: sales-qualified
name: Sales-qualified lead
stage: SQL
description: A company with 250 or more seats that wants to buy this quarter.
agreed_by: [marketing, sales]
handed_to: sales
follow_up_within: 2d
criteria:
  all:
    - {field: seats, op: gte, value: 250}
    - {field: wants_to_buy, op: eq, value: true}
""",
        "incentives.yaml": head + f"""# Bonuses pay on goals that trace to a company goal.
kind: Incentive
id: sales.bonus
name: Sales bonus
for: sales
pays_on:
  - {{goal: company.seats, share: 0.5}}
  - {{goal: sales.seats, share: 0.5}}
period: {quarter}
""",
        "checkins.yaml": head + f"""# Record values with: goalspec checkin seats-sold 120 --by sam
kind: CheckIn
kpi: seats-sold
by: sam
values:
  {today.isoformat()}: 120
""",
    }
    return {name: text.replace("\n---\n", "\n---\n" + MODELINE) for name, text in texts.items()}


def init(folder: Path, today: date) -> list[Path]:
    planned = {name: text.replace("{schema}", SCHEMA_FILE) for name, text in files(today).items()}
    planned[SCHEMA_FILE] = render_schema()
    targets = [folder / name for name in planned]
    _refuse_existing(targets)
    try:
        writable(folder / SCHEMA_FILE)
        folder.mkdir(parents=True, exist_ok=True)
        with locked(*targets):
            _refuse_existing(targets)  # again, now that no other writer can get in between
            _write_all(targets, list(planned.values()))
    except WriteError as exc:
        raise InitError(f"nothing written: {exc}") from None
    except OSError as exc:
        raise InitError(f"nothing written: {folder}: {exc.strerror or exc}") from None
    return targets


def _refuse_existing(targets: list[Path]) -> None:
    links = [p for p in targets if p.is_symlink()]
    if links:
        raise InitError("refusing to write through a link: " + ", ".join(str(p) for p in links))
    existing = [p for p in targets if os.path.lexists(p)]
    if existing:
        raise InitError("refusing to overwrite " + ", ".join(str(p) for p in existing))


def _write_all(targets: list[Path], texts: list[str]) -> None:
    written: list[Path] = []
    try:
        for path, text in zip(targets, texts):
            replace(path, text.encode("utf-8"))
            written.append(path)
    except BaseException:
        for path in written:  # all or nothing: a half tree would make the next init refuse
            path.unlink(missing_ok=True)
        raise
