"""Shared test setup: the load cache lives in a temporary folder per test session; `specs` is a copy of
the example tree a test may change."""

import shutil
from pathlib import Path

import pytest

from paths import SPECS


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("GOALSPEC_CACHE_DIR", str(tmp_path_factory.mktemp("goalspec-cache")))
    mp.delenv("GOALSPEC_NO_CACHE", raising=False)
    yield
    mp.undo()


@pytest.fixture
def specs(tmp_path) -> Path:
    """A copy of the example tree, for a test that changes it."""
    tree = tmp_path / "specs"
    shutil.copytree(SPECS, tree)
    return tree
