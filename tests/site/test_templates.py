"""The jinja environment pages render in: its output escaping is markupsafe's, byte for byte."""

from __future__ import annotations

from datetime import date

import jinja2
import pytest
from markupsafe import Markup

from goalspec.check import run
from goalspec.site.build import assemble
from goalspec.site.output import environment, render_page
from goalspec.site.templates import Template, output_escape
from paths import ROOT


def jinja_own(env: jinja2.Environment) -> jinja2.Environment:
    """The same environment with jinja's own Template, whose output is markupsafe's escape."""
    twin = env.overlay()
    twin.template_class = jinja2.Template
    twin.cache = None  # compile afresh, with the class above
    return twin


def test_every_page_of_the_example_tree_is_what_jinja_itself_writes():
    result = run(ROOT / "specs", date(2026, 11, 23))
    made = assemble(result, ROOT / "specs", history=False)
    env = environment(None)
    twin = jinja_own(env)
    assert type(twin.get_template("goal.html")) is jinja2.Template
    pages = made.pages + made.later()
    assert len(pages) > 30
    for page in pages:
        assert render_page(page, env) == render_page(page, twin), page.path


class Shown:
    def __html__(self):
        return "<em>shown as it says</em>"

    def __str__(self):
        return "<never>"


SOURCE = ("{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e }}|{% set x %}<{{ a }}>{% endset %}{{ x }}|"
          "{% macro m(v) %}[{{ v }}]{% endmacro %}{{ m(a) }}|{% filter upper %}{{ a }}{% endfilter %}|"
          "{{ a ~ b }}|{{ [a, b] | join(',') }}|{{ none }}")


@pytest.mark.parametrize("a", ['<script>alert("x")</script>', "Tom & Jerry's", "plain", "", "\u202e<"])
def test_hostile_values_are_escaped_as_markupsafe_escapes_them(a):
    env = environment(None)
    values = dict(a=a, b=Markup("<b>bold</b>"), c=5.25, d=Shown(), e=["<li>"], none=None)
    ours, theirs = env.from_string(SOURCE), jinja_own(env).from_string(SOURCE)
    assert ours.render(values) == theirs.render(values)
    assert "<script>" not in ours.render(values) and "<b>bold</b>" in ours.render(values)


def test_pages_are_compiled_with_the_fast_escape():
    env = environment(None)
    template = env.get_template("goal.html")
    assert isinstance(template, Template)
    assert template.root_render_func.__globals__["escape"] is output_escape


def test_an_undefined_value_still_fails_the_page():
    env = environment(None)
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
