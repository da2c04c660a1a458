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

@pytest.fixture(scope='session', autouse=True)
def _kernels_built():
    "Build the C++ kernels (`magnn.core.cpu_kernel`) before the first test: in a fresh environment each takes a minute or two, which must not fall inside a test's own limit (a run's --time-limit, a subprocess timeout). Built already: loaded in milliseconds."
    from magnn.core import core_kernel, dot_kernel
    from magnn.sampler import sampler_kernel
    from magnn.models.long_term import attn_kernel
    from magnn.models.gru4rec import bprmax_kernel, step_kernel
    from magnn.models.hgn import gate_kernel
    for k in (core_kernel, dot_kernel, sampler_kernel, attn_kernel, bprmax_kernel, step_kernel, gate_kernel): k()   # None where no compiler works: the tests then check the fallbacks

# ---- the quick loop: `pytest -m "not slow"` (under a minute); CI runs everything ----
SLOW_FILES = {'test_cli.py', 'test_runs.py', 'test_experiments.py'}   # whole files of subprocess/papermill runs
QUICK_NOTEBOOKS = {'00_core.ipynb', '02_sampler.ipynb', '05_config.ipynb', '05a_contract.ipynb', 'models/00_zoo.ipynb',
                   'models/01_pop.ipynb', 'models/03_bprmf.ipynb'}

# ---- the whole suite on both cores: pytest-xdist (`-n 2 --maxschedchunk 1` in pyproject.toml), longest tests first ----
# Two workers take one test at a time each; started longest first, the last minutes are short tests on both cores,
# not one long test on one. Seconds measured serially on 2 loaded cores; a missing name only loses its place.
LONGEST = ['tests/test_sweep.py::test_sweep_killed_resumed_and_reported',
           'tests/test_docs.py::test_site_in_browser',
           'tests/test_docs.py::test_readme_commands_on_a_fresh_clone', 'tests/test_campaign.py::test_interrupt_resume',
           'tests/test_runs.py::test_sigkill_then_resume_gives_the_uninterrupted_result',
           'tests/test_runs.py::test_a_run_being_written_is_locked_and_a_stale_lock_is_taken_over',
           'tests/test_notebooks.py::test_notebook[models/23_gcsan.ipynb]', 'tests/test_campaign.py::test_gpu_session']

def pytest_collection_modifyitems(config, items):
    "Mark as `slow` the end-to-end files, the model/CLI smoke-test files (tests/test_<model>.py) and every notebook but a few quick ones; put the longest first."
    from magnn.contract import MODELS
    import magnn.models  # registers the zoo
    model_files = {f"test_{m.replace('+', '')}.py" for m in MODELS}
    for it in items:
        f = Path(str(it.fspath)).name
        nb = it.callspec.params.get('nb') if hasattr(it, 'callspec') else None
        if f in SLOW_FILES or f in model_files or (nb is not None and str(nb.relative_to(ROOT/'nbs')) not in QUICK_NOTEBOOKS):
            it.add_marker(pytest.mark.slow)
    rank = {n: i for i, n in enumerate(LONGEST)}
    items.sort(key=lambda it: rank.get(it.nodeid, rank.get(it.nodeid.split('[')[0], len(rank))))   # stable: the rest keep their order

# ---- Ctrl-C and SIGTERM stop the whole suite, not just the running test ----
# Code under test may turn a signal into its own clean exit (`magnn train` stops with code 130, a subprocess dies
# of it): the test then merely fails and pytest would go on. Every SIGINT/SIGTERM handler installed in this
# process is wrapped to note the signal first; after the running test, a noted signal ends the session.
# Under pytest-xdist the signalled controller stops its workers and their running tests (tests/test_suite.py).
import signal as _signal
_STOPPED: list[int] = []
_orig_signal = _signal.signal

def _noting(handler):
    if not callable(handler) or getattr(handler, '_magnn_notes', False): return handler
    def h(sig, frame):
        _STOPPED.append(sig); return handler(sig, frame)
    h._magnn_notes = True
    return h

def _signal_noting(sig, handler):
    return _orig_signal(sig, _noting(handler) if sig in (_signal.SIGINT, _signal.SIGTERM) else handler)

def _interrupt(sig, frame): raise KeyboardInterrupt   # pytest's own Ctrl-C path: stop, summarise, exit 2

def pytest_configure(config):
    if hasattr(config, 'workerinput'):   # an xdist worker: its share of the cores for torch and the processes it starts (1 of 2)
        n = str(max(1, (os.cpu_count() or 1) // int(config.workerinput.get('workercount', 1))))
        for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'): os.environ.setdefault(k, n)
    import threading
    if threading.current_thread() is not threading.main_thread(): return
    _signal.signal = _signal_noting
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)
    _signal.signal(_signal.SIGTERM, _interrupt)

def pytest_unconfigure(config):
    _signal.signal = _orig_signal

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    yield
    if _STOPPED: pytest.exit(f"stopped by {_signal.Signals(_STOPPED[0]).name} during {item.nodeid}", returncode=130)
