"""The wheel ships what an installed goalspec needs: the package and the site templates."""

import subprocess
import sys
import zipfile
from paths import ROOT



def test_wheel_contains_the_site_templates(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("goalspec-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "site_templates").rglob("*") if p.is_file())
    assert templates
    for rel in templates:
        assert f"goalspec/{rel}" in names, rel
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "goalspec").rglob("*.py"))
    assert "goalspec/cli/__init__.py" in modules and "goalspec/rules/gs101.py" in modules
    assert [m for m in modules if m not in names] == []  # every stage's package, not only the top level
    assert not any(name.startswith(("tests/", "specs/", "bench/")) for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "goalspec = goalspec.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
