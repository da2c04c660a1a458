"""results/ is a set of studies: each folder has a study.json saying what made its runs, what question they answer
and which page and table read them. The tables of README.md and of the reproduction report (nbs/reproduction.ipynb,
the docs page "Reproducing MA-GNN: what we found") are what those run files give (never typed by hand)."""
from pathlib import Path
import json
import pytest
from magnn.results import load_runs, paper_comparison, budget, bench_table

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT/'results'
REPORT = ROOT/'nbs'/'reproduction.ipynb'
PAGES = {'nbs/index.ipynb (README.md)': 'readme', 'nbs/reproduction.ipynb': 'report'}

def _report() -> str:
    "The saved outputs of the reproduction report."
    return '\n'.join(''.join(o.get('text', '')) for c in json.loads(REPORT.read_text())['cells'] for o in c.get('outputs', []))

def _page(name:str) -> str: return (ROOT/'README.md').read_text() if PAGES[name] == 'readme' else _report()

STUDIES = sorted(RESULTS.iterdir()) if RESULTS.is_dir() else []
def _study(folder:Path) -> dict: return json.loads((folder/'study.json').read_text())

@pytest.mark.parametrize('folder', STUDIES, ids=lambda p: p.name)
def test_every_results_folder_is_a_study(folder):
    "Every folder under results/ says what made it, what it answers and who reads it; its sets exist and hold the runs it counts."
    assert folder.is_dir(), f"{folder.name}: results/ holds study folders only"
    assert (folder/'study.json').is_file(), f"{folder.name} has no study.json"
    s = _study(folder)
    assert s['study'] == folder.name and s['question'] and s['read_by']
    for name, st in s['sets'].items():
        assert (folder/name).is_dir(), f"{folder.name}: set {name} is missing"
        assert st['made_by'] and st['commit']
        if 'runs' in st: assert len(list((folder/name).rglob('metrics.json'))) == st['runs'], f"{folder.name}/{name}: study.json counts {st['runs']} runs"
    for r in s['read_by']:
        for rel in r['reads']: assert (folder/rel).exists(), f"{folder.name}: {r['table']} reads {rel}, which does not exist"
    sets = {(folder/n).resolve() for n in s['sets']}
    for m in folder.rglob('metrics.json'):   # no run outside a declared set
        assert any(p == m.resolve() or p in m.resolve().parents for p in sets), f"{m} is in no set of {folder.name}/study.json"

def test_no_run_points_into_runs():
    "A retrained run names the run it retrained (refit_from), and that run is in results/, not the git-ignored runs/."
    for m in RESULTS.rglob('metrics.json'):
        src = json.loads(m.read_text()).get('refit_from')
        if src and Path(src).resolve() != m.parent.resolve():
            assert (ROOT/src/'metrics.json').is_file(), f"{m}: refit_from {src} is not a run in the repository"

TABLES = [(f.name, i) for f in STUDIES if (f/'study.json').is_file() for i, r in enumerate(_study(f)['read_by'])
          if r['page'] in PAGES and r['printed_by'] in ('budget + paper_comparison', 'bench_table', 'bench_table compact', 'compare --paper')]

@pytest.mark.parametrize('study,i', TABLES)
def test_page_table_matches_run_files(study, i):
    "Each table a study says a page prints is what its run files give (re-execute the page when this fails)."
    r = _study(RESULTS/study)['read_by'][i]
    paths = [RESULTS/study/p for p in r['reads']]
    shown = _page(r['page'])
    hint = f"{r['page']}, '{r['table']}' is stale: re-execute nbs/reproduction.ipynb (or nbs/index.ipynb and rebuild README)"
    if r['printed_by'] == 'compare --paper':   # a campaign's table (a trial finishing here after the page was built makes it stale)
        from magnn.compare import compare
        assert compare(paths, paper=True, legend=False) in shown, hint
        return
    if r['printed_by'].startswith('bench_table'):
        assert bench_table(paths if len(paths) > 1 else paths[0], compact=r['printed_by'].endswith('compact')) in shown, hint
        return
    runs = load_runs(paths)
    assert budget(runs) in shown, hint
    for dataset in runs.dataset.unique(): assert paper_comparison(runs, dataset) in shown, hint

def test_results_hold_no_checkpoints():
    "No weights or checkpoints in the repository's results/ (a campaign running here has them beside its runs: git ignores *.pt)."
    import subprocess
    r = subprocess.run(['git', 'ls-files', '--', 'results'], cwd=ROOT, capture_output=True, text=True)
    files = r.stdout.splitlines() if r.returncode == 0 else [str(p.relative_to(ROOT)) for p in RESULTS.rglob('*')]
    assert not [f for f in files if f.endswith('.pt')], "checkpoints are not committed"

@pytest.mark.parametrize('folder,paper', [('table2-amazon-cds-budget/baselines', True), ('baselines-ml-100k/baselines', False)])
def test_table2_matches_run_files(folder, paper):
    "Table 2 is `magnn compare --every` of its study's baselines: CDs in README (nbs/index.ipynb), ml-100k on the reproduction page."
    from magnn.compare import compare
    table = compare(RESULTS/folder, paper=paper, every=True).split('\n\nBest in each column')[0]
    assert table in (ROOT/'README.md').read_text() + _report(), f"Table 2 ({folder}) is stale: re-execute nbs/index.ipynb and nbs/reproduction.ipynb"

def test_every_run_loads_once_upgraded(tmp_path):
    "Every run folder under results/ loads through magnn.runs: an older one is upgraded once (its label kept), then read with no warning and the same tables."
    import shutil, warnings
    from magnn.runs import upgrade_all
    from magnn.results import results_table
    copy = tmp_path/'results'; shutil.copytree(RESULTS, copy, ignore=shutil.ignore_patterns('*.png', '*.pdf'))
    with warnings.catch_warnings(): warnings.simplefilter('ignore'); before = results_table(load_runs(copy))
    n = upgrade_all(copy)
    with warnings.catch_warnings(): warnings.simplefilter('error'); runs = load_runs(copy)
    assert len(runs) == len(list(RESULTS.rglob('metrics.json'))) <= sum(n.values())   # more configs where a run is still training
    assert results_table(runs) == before
    assert upgrade_all(copy)['upgraded'] == 0   # once

def test_library_names_no_results_folder():
    "No module of the package names a study folder or results/ itself: pages pass the folders they read."
    import re
    names = [p.name for p in STUDIES]
    for py in (ROOT/'magnn').rglob('*.py'):
        if py.name == '_modidx.py': continue
        text = py.read_text()
        for n in names:
            hit = re.search(rf"""['"/]{re.escape(n)}['"/]""", text)
            assert not hit, f"{py.relative_to(ROOT)} names the results folder {n!r}: {text[max(0, hit.start() - 60):hit.end() + 20]!r}"
        assert not re.search(r"""['"]\.*/?results/""", text), f"{py.relative_to(ROOT)} names a path under results/"
