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

# ---- the quick loop: `pytest -m "not slow"` (under a minute); CI runs everything ----
SLOW_FILES = {'test_cli.py', 'test_runs.py', 'test_experiments.py'}   # whole files of subprocess/papermill runs
QUICK_NOTEBOOKS = {'00_core.ipynb', '02_sampler.ipynb', '05_config.ipynb', '05a_contract.ipynb', 'models/00_zoo.ipynb',
                   'models/01_pop.ipynb', 'models/03_bprmf.ipynb'}

def pytest_collection_modifyitems(config, items):
    "Mark as `slow` the end-to-end files, the model/CLI smoke-test files (tests/test_<model>.py) and every notebook but a few quick ones."
    from magnn.contract import MODELS
    import magnn.models  # registers the zoo
    model_files = {f"test_{m.replace('+', '')}.py" for m in MODELS}
    for it in items:
        f = Path(str(it.fspath)).name
        nb = it.callspec.params.get('nb') if hasattr(it, 'callspec') else None
        if f in SLOW_FILES or f in model_files or (nb is not None and str(nb.relative_to(ROOT/'nbs')) not in QUICK_NOTEBOOKS):
            it.add_marker(pytest.mark.slow)
