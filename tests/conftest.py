"""Shared fixtures. Tests that need ../shared skip cleanly when it is absent."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = ROOT.parent / "shared"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: end-to-end tests in a real Chromium (skipped without one)")


@pytest.fixture
def articles_dir() -> Path:
    return FIXTURES / "articles"


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "eval" / "score.py").exists():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def gazetteer():
    from geo.gazetteer import Gazetteer
    return Gazetteer.load()
