"Shared pytest fixtures: where the real data lives, and a scratch cache per test session."
import os
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get('MAGNN_TEST_DATA', ROOT.parent/'shared'/'data'))

@pytest.fixture
def shared_data() -> Path:
    "The read-only real data folder (../shared/data, or $MAGNN_TEST_DATA); skips the test when absent."
    if not SHARED_DATA.is_dir(): pytest.skip(f"real data not found at {SHARED_DATA} (set MAGNN_TEST_DATA)")
    return SHARED_DATA

@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    "Every test writes caches into a per-session temporary folder, never into ~/.cache."
    monkeypatch.setenv('MAGNN_CACHE', str(tmp_path_factory.getbasetemp()/'magnn-cache'))
