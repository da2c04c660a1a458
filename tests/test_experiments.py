"The papermill experiment notebooks run end to end with small parameters on the synthetic data."
import json, os, sys
from pathlib import Path
import pytest

pm = pytest.importorskip('papermill')
EXP = Path(__file__).resolve().parents[1]/'nbs'/'experiments'

def execute(name, tmp_path, **params):
    out = tmp_path/f'{name}.out.ipynb'
    pm.execute_notebook(str(EXP/f'{name}.ipynb'), str(out), parameters=params, cwd=str(tmp_path),
                        kernel_name='python3', progress_bar=False, log_output=False)
    return json.loads(out.read_text())

def outputs(nb) -> str:
    text = []
    for c in nb['cells']:
        for o in c.get('outputs', []):
            text.append(''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/plain', '')))
    return '\n'.join(text)

def test_train_notebook(tmp_path):
    nb = execute('train', tmp_path, model='bprmf', epochs=2, seeds=[0, 1], out=str(tmp_path/'runs'), figures=str(tmp_path/'fig'))
    assert '| synthetic | bprmf | 2 | ' in outputs(nb)   # two seeds, in the seeds column
    assert (tmp_path/'fig'/'curves-synthetic-bprmf.png').stat().st_size > 1000
    assert len(list((tmp_path/'runs').rglob('metrics.json'))) == 2

def test_sensitivity_notebook(tmp_path):
    """Figure 3 from a sweep folder: the committed ml-100k sweep (48 trials), plotted at each panel's best value; no
    training here (`magnn sweep` itself is tested in tests/test_sweep.py, Ray's start-up alone takes a minute on 2 cores)."""
    sweep = Path(__file__).resolve().parents[1]/'results'/'fig3-ml-100k'
    nb = execute('sensitivity', tmp_path, sweep=str(sweep), seeds=3, run=False, figures=str(tmp_path/'fig'))
    assert 'best on validation' in outputs(nb)
    assert (tmp_path/'fig'/'fig3-sensitivity-ml-100k.png').stat().st_size > 1000

def test_memory_heatmap_notebook(tmp_path):
    execute('memory_heatmap', tmp_path, epochs=1, hyper={'m': 6}, figures=str(tmp_path/'fig'))
    assert (tmp_path/'fig'/'fig4-memory-synthetic.png').exists()

def test_reproduce_notebook(tmp_path):
    nb = execute('reproduce', tmp_path, variants=['full', 'mf'], baselines=['pop'], grid=[[2, 2], [4, 4]],
                 hyper={'epochs': 1}, out=str(tmp_path/'runs'), results=str(tmp_path/'results'))
    text = outputs(nb)
    assert 'chosen on validation' in text and '| magnn:mf [h=' in text   # h and m differ from the defaults: the label says so
    kept = sorted(p.relative_to(tmp_path/'results') for p in (tmp_path/'results').rglob('metrics.json'))
    assert len(kept) == 4  # two tuning runs (one reused as the final full run), mf, pop
    assert not list((tmp_path/'results').rglob('*.pt')), "no checkpoints among the kept results"

def test_explore_notebook(tmp_path):
    "The explorer opens a run folder made by `magnn train --epochs 1` under papermill, and shows that run's top-10."
    from magnn.cli import main
    run = tmp_path/'run'
    assert main(['train', '--epochs', '1', '--out', str(run), '--device', 'cpu']) == 0
    nb = execute('explore', tmp_path, run=str(run), user=2)
    text = outputs(nb)
    assert 'ExplorerApp' in text or 'VBox' in text, "the app is displayed"
    from magnn.explore import Explorer
    from magnn.train import load_run
    top = Explorer(*load_run(run)).top(2)
    assert all(t in text for t in top.title), "the static top-10 is the run's own"
    assert not (tmp_path/'scratch').exists(), "a given run trains nothing"

@pytest.mark.parametrize('name', ['train', 'sensitivity', 'memory_heatmap'])
def test_default_figures_go_to_scratch(name):
    "Run with their defaults, the experiments write figures into the git-ignored scratch/, never into the tracked figures/."
    nb = json.loads((EXP/f'{name}.ipynb').read_text())
    src = next(''.join(c['source']) for c in nb['cells'] if 'parameters' in c['metadata'].get('tags', []))
    ns = {}; exec(src, ns)
    assert Path(ns['figures']).parts[0] == 'scratch', ns['figures']
