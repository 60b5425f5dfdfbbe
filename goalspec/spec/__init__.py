"""The spec stage: YAML text to validated, positioned objects.

Owns reading spec files (compose, load, cache), the kinds' models and their
validation, and the value types of the format (periods, targets, titles, lead
criteria as data, targets in words). Positions are taken from the YAML here and
nowhere else. Imports only ``goalspec.diagnostics``; every other stage builds on it.
"""
