"The README's results tables are what the run files in results/ give (never typed by hand)."
from pathlib import Path
import pytest
from magnn.results import load_runs, paper_comparison, budget, bench_table

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT/'results'
FOLDERS = sorted(p.name for p in RESULTS.iterdir() if p.is_dir() and any(p.rglob('metrics.json'))) if RESULTS.is_dir() else []

@pytest.mark.parametrize('folder', FOLDERS)
def test_readme_table_matches_run_files(folder):
    runs = load_runs(RESULTS/folder)
    readme = (ROOT/'README.md').read_text()
    assert budget(runs) in readme, f"README's budget line for {folder} is stale: re-execute nbs/index.ipynb and rebuild README"
    for dataset in runs.dataset.unique():
        assert paper_comparison(runs, dataset) in readme, f"README's table for {folder} is stale: re-execute nbs/index.ipynb"

@pytest.mark.skipif(not (RESULTS/'bench').is_dir(), reason="no benchmark files")
def test_readme_speed_table_matches_bench_files():
    assert bench_table(RESULTS/'bench') in (ROOT/'README.md').read_text(), "README's speed table is stale: re-execute nbs/index.ipynb"

def test_results_hold_no_checkpoints():
    assert not list(RESULTS.rglob('*.pt')), "checkpoints are not committed"
