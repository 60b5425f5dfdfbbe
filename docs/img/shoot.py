"""Regenerate the screenshots in this folder from the example tree on its live day:
`.venv/bin/python docs/img/shoot.py` (needs playwright and Debian's chromium, as the browser tests)."""

import shutil
import tempfile
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from goalspec.site.build import build

HERE = Path(__file__).parent
SHOTS = {"home.png": "index.html", "goal.png": "goals/company.msp-seats.html", "map.png": "map.html"}

with tempfile.TemporaryDirectory() as work:
    site = Path(work) / "site"
    build(HERE.parent.parent / "specs", site, date(2026, 12, 1))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        for name, target in SHOTS.items():
            page.goto((site / target).as_uri())
            page.screenshot(path=str(HERE / name), full_page=True)
        browser.close()
