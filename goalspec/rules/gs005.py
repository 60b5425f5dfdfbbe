"""No Organization, or more than one.

``goalspec.yaml`` at the root of the spec tree holds exactly one
``kind: Organization`` document: the company's name, its fiscal year and its rule
settings. A tree without it, a second Organization, or an Organization in
another file is reported.

Why: the fiscal year decides what ``FY2027-Q1`` means, and the rule settings
decide what fails CI; there must be exactly one place that says so.

How to fix: keep one Organization document, in goalspec.yaml.

*Anti-pattern*

    # teams/sales.yaml
    apiVersion: goalspec/v1
    kind: Organization
    name: Northwind

*Best practice*

    # goalspec.yaml
    apiVersion: goalspec/v1
    kind: Organization
    name: Northwind
    fiscal_year_start: 1
"""
