"""Shared test setup: the load cache lives in a temporary folder per test session."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("GOALSPEC_CACHE_DIR", str(tmp_path_factory.mktemp("goalspec-cache")))
    mp.delenv("GOALSPEC_NO_CACHE", raising=False)
    yield
    mp.undo()
