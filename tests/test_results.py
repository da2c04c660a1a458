"The README's results tables are what the run files in results/ give (never typed by hand)."
from pathlib import Path
import pytest
from magnn.results import load_runs, paper_comparison, budget

ROOT = Path(__file__).resolve().parents[1]
DATASETS = sorted(p.name for p in (ROOT/'results').iterdir() if p.is_dir()) if (ROOT/'results').is_dir() else []

@pytest.mark.parametrize('dataset', DATASETS)
def test_readme_table_matches_run_files(dataset):
    runs = load_runs(ROOT/'results'/dataset)
    readme = (ROOT/'README.md').read_text()
    assert budget(runs) in readme, f"README's budget line for {dataset} is stale: re-execute nbs/index.ipynb and rebuild README"
    assert paper_comparison(runs, dataset) in readme, f"README's table for {dataset} is stale: re-execute nbs/index.ipynb"

def test_results_hold_no_checkpoints():
    assert not list((ROOT/'results').rglob('*.pt')), "checkpoints are not committed"
