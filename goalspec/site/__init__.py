"""The site stage: the goals site.

Owns rendering pages from templates (jinja2, markdown-it), the alignment map's
layout, the SVG charts, the atomic build and the local preview server. Imports
``check``, ``report`` and everything below them; never the CLI.
"""
