"""The vcs stage: the spec tree through git.

Owns reading a tree at any revision (without touching the working tree), the
object-by-object diff of two validated trees, and each goal's history. Imports
``spec`` and ``diagnostics`` only.
"""
