"""The built site in a real browser: Debian's chromium driven by playwright, axe-core injected.

Runs on the example tree and on a generated 500-goal tree. `.ci/run` installs chromium
(apt) and axe-core (npm); elsewhere these tests are skipped when either is missing.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from goalspec.site.build import build
from paths import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(os.environ.get("GOALSPEC_AXE", ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"))
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

_missing = [what for what, ok in (("playwright", importlib.util.find_spec("playwright") is not None),
                                  ("chromium", Path(CHROMIUM).exists()), ("axe-core", AXE.exists())) if not ok]
if _missing and not os.environ.get("CI"):
    pytest.skip(f"browser tests need {', '.join(_missing)} (bash .ci/run installs them)", allow_module_level=True)


def _generated_tree(out: Path) -> Path:
    spec = importlib.util.spec_from_file_location("gen_tree", ROOT / "bench" / "gen_tree.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(500, out)
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("sites")
    out = {}
    for name, tree in (("specs", ROOT / "specs"), ("large", _generated_tree(work / "tree500"))):
        built = build(tree, work / name, date(2027, 1, 15))
        assert built.written and not built.result.failed
        out[name] = work / name
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


class Watch:
    """Records console errors, page errors and any request that is not to a local file."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("request", self._request)

    def _request(self, request):
        if urlparse(request.url).scheme not in ("file", "data", "about", "blob"):
            self.problems.append(f"request to {request.url}")


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.watch = Watch(page)
    yield page
    context.close()


def _first(folder: Path, pattern: str) -> str:
    return sorted(folder.glob(pattern))[0].relative_to(folder).as_posix()


def _newest(folder: Path, pattern: str) -> str:
    return sorted(folder.glob(pattern))[-1].relative_to(folder).as_posix()


@pytest.mark.parametrize("name", ["specs", "large"])
def test_pages_load_cleanly_and_nothing_leaves_the_machine(sites, page, name):
    site = sites[name]
    targets = ["index.html", "map.html", "leads.html", "incentives.html", "findings.html", "due.html", "search.html?q=seats",
               "404.html", _first(site, "goals/*.html"), _first(site, "teams/*.html"),
               _first(site, "people/*.html"), _first(site, "kpis/*.html"), "updates/index.html",
               _first(site, "updates/2*.html"), _newest(site, "updates/2*.html"), "reviews/index.html",
               _first(site, "reviews/*-Q*.html")]
    for target in targets:
        page.goto((site / target.split("?")[0]).as_uri() + ("?" + target.split("?")[1] if "?" in target else ""))
        assert page.locator("main h1").count() == 1, target
    assert page.watch.problems == []


@pytest.mark.parametrize("name,word,goal", [
    ("specs", "qualified", "marketing.qualified-calls"),
    ("large", None, "company.g0"),  # the number in its title, drawn by the generator
])
def test_search_finds_a_goal_by_a_word_of_its_title(sites, page, name, word, goal):
    site = sites[name]
    if word is None:
        text = next((site.parent / "tree500" / "goals").rglob("goals-00000.yaml")).read_text()
        word = re.search(r"id: company\.g0\ntitle: Sell (\d+) seats", text).group(1)
    page.goto((site / "index.html").as_uri())
    page.fill("#q", word)
    page.press("#q", "Enter")
    page.wait_for_url("**/search.html?q=*")
    results = page.locator("#search-results a")
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert f"goals/{goal}.html" in hrefs
    assert "result" in page.locator("#search-status").inner_text()
    page.fill("#search-q", word.upper() + " zzznothing")
    assert page.locator("#search-results a").count() == 0
    assert page.watch.problems == []


def test_map_nodes_are_links_that_work(sites, page):
    site = sites["large"]
    page.goto((site / "map.html").as_uri())
    assert page.locator(".tree li.node").count() == 500  # every goal once
    assert page.locator(".map-incentives > li").count() == len(list((site.parent / "tree500" / "teams").glob("*.yaml")))
    page.locator(".tree > li.node > details > ul > li.node > .box a.title").first.click()  # deeper ones start folded
    assert "/goals/" in page.url
    assert page.locator("main h1").inner_text().strip()
    assert page.watch.problems == []


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


@pytest.mark.parametrize("name", ["specs", "large"])
def test_crawl_finds_no_broken_link_or_anchor(sites, name):
    site = sites[name]
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            parser = _Links()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    pages = sorted(site.rglob("*.html"))
    broken = []
    for source in pages:
        for link in parse(source).links:
            url, fragment = urldefrag(link)
            if urlparse(url).scheme:
                broken.append(f"{source.name}: absolute link {link}")
                continue
            target = (source.parent / unquote(url)).resolve() if url else source
            if not target.is_file():
                broken.append(f"{source.relative_to(site)}: {link}")
            elif fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{source.relative_to(site)}: anchor {link}")
    assert broken == []
    assert len(pages) > (500 if name == "large" else 20)  # every goal has a page
    assert (site / "updates" / "index.html") in pages and (site / "reviews" / "index.html") in pages


@pytest.mark.parametrize("name,target", [
    ("specs", "index.html"), ("specs", "goals/marketing.qualified-calls.html"), ("specs", "map.html"),
    ("specs", "leads.html"), ("specs", "due.html"), ("specs", "search.html?q=msp"), ("large", "map.html"),
    ("large", "goals/company.g0.html"), ("large", "kpis/kpi-0000-0.html"),
    ("specs", "updates/index.html"), ("specs", "updates/newest"), ("specs", "reviews/index.html"),
    ("specs", "reviews/2026-Q4.html"), ("large", "updates/newest"), ("large", "reviews/first"),
])
def test_no_serious_accessibility_violations(sites, page, name, target):
    if target.endswith(("/newest", "/first")):  # the weeks and quarters depend on the day and the history
        folder, _, which = target.partition("/")
        target = (_newest if which == "newest" else _first)(sites[name], f"{folder}/*[0-9].html")
    path, _, query = target.partition("?")
    page.goto((sites[name] / path).as_uri() + (f"?{query}" if query else ""))
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help}));
    }""")
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_keyboard_reaches_the_content_first(sites, page):
    page.goto((sites["specs"] / "index.html").as_uri())
    page.bring_to_front()
    page.evaluate("document.activeElement && document.activeElement.blur()")  # start from the document
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*#main$"), timeout=5000)  # following a link is not instant: wait, then fail
    assert page.url.endswith("#main")


def test_reads_on_a_phone(sites, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for target in ("index.html", "goals/company.msp-seats.html", "leads.html", _newest(sites["specs"], "updates/2*.html"),
                   "reviews/2026-Q4.html"):
        page.goto((sites["specs"] / target).as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, target
    context.close()


def test_goal_pages_chart_progress_with_a_text_alternative(sites, page):
    page.goto((sites["large"] / "goals" / "company.g0.html").as_uri())
    chart = page.locator("figure.chart svg[role=img]")
    assert chart.count() == 1 and chart.get_attribute("aria-label").startswith("Chart of ")
    assert page.locator("figure.chart polyline.actual").count() == 1
    assert page.locator("figure.chart polyline.pace").count() == 1
    caption = page.locator("figure.chart figcaption").inner_text()
    assert "against a target of" in caption
    page.goto((sites["large"] / "kpis" / "kpi-0000-0.html").as_uri())
    assert page.locator("figure.chart svg[role=img]").count() == 1
    assert page.locator("table.values tbody tr").count() > 0  # every value, in words and numbers
    assert page.watch.problems == []


def test_prints_without_the_navigation(sites, page):
    page.goto((sites["specs"] / "goals" / "marketing.qualified-calls.html").as_uri())
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden() and page.locator("form.search").is_hidden()
    assert page.locator("main h1").is_visible()


def test_home_shows_each_company_goal_with_the_goals_serving_it_and_the_rest_one_click_away(sites, page):
    page.goto((sites["specs"] / "index.html").as_uri())
    table = page.locator("table.goals").first
    assert table.locator("tbody tr").count() == 3  # the three team goals under the company goal
    assert table.locator(".bar").count() == 3 and table.locator(".pstatus").count() == 3
    assert "Marketing" in table.inner_text() and "Sales" in table.inner_text()  # the Team column
    assert page.locator(".rollup .counts").first.inner_text().count("·") >= 1  # e.g. "1 achieved · 2 at risk"
    page.goto((sites["large"] / "map.html").as_uri())
    direct = page.locator(".tree > li.node > details > ul > li.node").count()
    page.goto((sites["large"] / "index.html").as_uri())
    # 500 goals: the home lists the company goals' own team goals, and links to the map for the rest.
    assert page.locator("table.goals tbody tr").count() == direct < 150
    page.locator("a", has_text="Every goal under it, on the alignment map").first.click()
    assert page.url.endswith("map.html#map-company.g0")
    assert page.locator("#map-company\\.g0").is_visible()
    assert page.watch.problems == []


def _shown(page) -> int:
    return page.evaluate("document.querySelectorAll('.tree li.node:not([hidden])').length")


def test_map_filters_by_team_owner_and_status_keeping_the_path_to_the_company_goal(sites, page):
    page.goto((sites["large"] / "map.html").as_uri())
    assert _shown(page) == 500 and page.locator("#map-shown").inner_text() == "500 goals"
    team = page.locator("select[name=team] option").nth(3).get_attribute("value")
    page.select_option("select[name=team]", team)
    matching = page.evaluate(f"document.querySelectorAll('.tree li.node[data-team=\"{team}\"]').length")
    assert page.locator("#map-shown").inner_text() == f"{matching} of 500 goals match"
    visible = page.locator(".tree li.node:not([hidden])")
    for i in range(visible.count()):
        li = visible.nth(i)
        # Every goal shown matches, or is dimmed context above one that does, and is really on screen.
        if li.get_attribute("data-team") != team:
            assert "context" in li.get_attribute("class")
            assert li.locator(f"li.node[data-team=\"{team}\"]:not([hidden])").count() > 0
    first = page.locator(f".tree li.node[data-team=\"{team}\"]").first
    assert first.locator(":scope > .box a.title").is_visible()  # folded subtrees opened to show it
    assert f"team={team}" in page.url  # the filtered map can be shared
    # Filters combine; a status nobody has in that team shows nothing but the count.
    status = page.locator("select[name=status] option").nth(1).get_attribute("value")
    page.select_option("select[name=status]", status)
    both = page.evaluate(f"document.querySelectorAll('.tree li.node[data-team=\"{team}\"][data-status=\"{status}\"]').length")
    assert page.locator("#map-shown").inner_text() == f"{both} of 500 goals match"
    # Reloading the shared address restores the filter.
    page.goto(page.url)
    assert page.locator("select[name=team]").input_value() == team
    assert page.locator("select[name=status]").input_value() == status
    page.select_option("select[name=team]", "")
    page.select_option("select[name=status]", "")
    assert _shown(page) == 500 and "team=" not in page.url
    assert page.watch.problems == []


def test_map_subtrees_fold_and_unfold(sites, page):
    page.goto((sites["large"] / "map.html").as_uri())
    folded = page.evaluate("document.querySelectorAll('.tree details:not([open])').length")
    assert folded > 0  # 500 goals: below the team level, subtrees start folded
    page.click("#map-unfold")
    assert page.evaluate("document.querySelectorAll('.tree details:not([open])').length") == 0
    page.click("#map-fold")
    assert page.evaluate("document.querySelectorAll('.tree details[open]').length") == 0
    top = page.locator(".tree > li.node > details > summary").first
    top.click()  # one subtree, by hand
    assert page.evaluate("document.querySelectorAll('.tree details[open]').length") == 1
    assert page.watch.problems == []


def test_map_without_script_shows_every_goal_and_no_dead_filters(sites, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((sites["specs"] / "map.html").as_uri())
    assert page.locator("#map-filters").is_hidden()
    assert page.locator(".tree li.node").count() == 4 and page.locator(".tree a.title").first.is_visible()
    context.close()


def test_print_keeps_progress_bars_and_status_pills(sites, page):
    for target in ("index.html", "map.html", "goals/company.msp-seats.html"):
        page.goto((sites["specs"] / target).as_uri())
        page.emulate_media(media="print")
        assert page.locator("header.top").is_hidden(), target
        pill = page.locator(".pstatus").first
        assert pill.is_visible(), target
        style = pill.evaluate("e => { const s = getComputedStyle(e); return [s.printColorAdjust || s.webkitPrintColorAdjust, s.borderTopStyle]; }")
        assert style == ["exact", "solid"], target  # colours kept, and an outline for printers that drop them
        bar = page.locator(".bar > span:first-child").first
        assert bar.is_visible() and bar.evaluate("e => getComputedStyle(e).printColorAdjust || getComputedStyle(e).webkitPrintColorAdjust") == "exact"
    page.goto((sites["specs"] / "map.html").as_uri())
    page.emulate_media(media="print")
    assert page.locator("#map-filters").is_hidden()
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
