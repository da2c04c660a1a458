"""The results tables of README.md and of the reproduction report (nbs/reproduction.ipynb, the docs page "Reproducing
MA-GNN: what we found") are what the run files in results/ give (never typed by hand)."""
from pathlib import Path
import json
import pytest
from magnn.results import load_runs, paper_comparison, budget, bench_table

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT/'results'
REPORT = ROOT/'nbs'/'reproduction.ipynb'

def _shown() -> str:
    "README.md and the saved outputs of the reproduction report: where the tables are read."
    outs = [''.join(o.get('text', '')) for c in json.loads(REPORT.read_text())['cells'] for o in c.get('outputs', [])]
    return (ROOT/'README.md').read_text() + '\n'.join(outs)

FOLDERS = sorted(p.name for p in RESULTS.iterdir() if p.is_dir() and any(p.rglob('metrics.json'))) if RESULTS.is_dir() else []

@pytest.mark.parametrize('folder', FOLDERS)
def test_readme_table_matches_run_files(folder):
    runs = load_runs(RESULTS/folder)
    readme = _shown()
    assert budget(runs) in readme, f"the budget line for {folder} is stale: re-execute nbs/reproduction.ipynb (or nbs/index.ipynb and rebuild README)"
    for dataset in runs.dataset.unique():
        assert paper_comparison(runs, dataset) in readme, f"the table for {folder} is stale: re-execute nbs/reproduction.ipynb (or nbs/index.ipynb)"

@pytest.mark.skipif(not (RESULTS/'bench').is_dir(), reason="no benchmark files")
def test_readme_speed_table_matches_bench_files():
    files = [RESULTS/'bench'/'amazon-cds-h200-fp32.json', RESULTS/'bench'/'amazon-cds-h200-amp.json', RESULTS/'bench'/'models']
    assert bench_table(files, compact=True) in (ROOT/'README.md').read_text(), "README's speed table is stale: re-execute nbs/index.ipynb"
    assert bench_table(RESULTS/'bench') in _shown(), "the reproduction page's speed history is stale: re-execute nbs/reproduction.ipynb"

def test_results_hold_no_checkpoints():
    assert not list(RESULTS.rglob('*.pt')), "checkpoints are not committed"

@pytest.mark.parametrize('dataset,paper', [('amazon-cds', True), ('ml-100k', False)])
def test_readme_table2_matches_run_files(dataset, paper):
    "Table 2 is `magnn compare --every` of results/baselines/DATASET: CDs in README (nbs/index.ipynb), ml-100k on the reproduction page."
    from magnn.compare import compare
    folder = RESULTS/'baselines'/dataset
    if not folder.is_dir(): pytest.skip(f"no {folder}")
    table = compare(folder, paper=paper, every=True).split('\n\nBest in each column')[0]
    assert table in _shown(), f"Table 2 for {dataset} is stale: re-execute nbs/index.ipynb and nbs/reproduction.ipynb"

def test_every_run_loads_once_upgraded(tmp_path):
    "Every run folder under results/ loads through magnn.runs: an older one is upgraded once (its label kept), then read with no warning and the same tables."
    import shutil, warnings
    from magnn.runs import upgrade_all
    from magnn.results import results_table
    copy = tmp_path/'results'; shutil.copytree(RESULTS, copy, ignore=shutil.ignore_patterns('*.png', '*.pdf'))
    with warnings.catch_warnings(): warnings.simplefilter('ignore'); before = results_table(load_runs(copy))
    n = upgrade_all(copy)
    with warnings.catch_warnings(): warnings.simplefilter('error'); runs = load_runs(copy)
    assert len(runs) == sum(n.values()) == len(list(RESULTS.rglob('metrics.json')))
    assert results_table(runs) == before
    assert upgrade_all(copy) == dict(upgraded=0, current=len(runs))   # once
