"End-to-end tests of the `magnn` console script: real subprocesses, real files, real exit codes."
import json, os, subprocess, sys
from pathlib import Path
import pytest
import torch

MAGNN = str(Path(sys.executable).parent/'magnn')

def magnn(*args, cwd=None, env=None):
    "Run the console script; return (exit code, stdout, stderr)."
    e = dict(os.environ, **(env or {}))
    p = subprocess.run([MAGNN, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=e, timeout=900)
    return p.returncode, p.stdout, p.stderr

def one_line_error(code, err, *needles):
    assert code == 2, err
    lines = [l for l in err.strip().splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith('magnn: error: '), err
    for n in needles: assert n in lines[0], lines[0]

# ---- Table 1 statistics (issue: Done when) ----

@pytest.mark.parametrize('name,expected', [
    ('amazon-cds', dict(users=17052, items=35118, interactions=472265)),
    ('ml-100k', dict(users=887, items=822, interactions=52764)),
])
def test_stats_json(shared_data, name, expected):
    code, out, err = magnn('data', 'stats', name, '--data-dir', shared_data, '--json')
    assert code == 0, err
    s = json.loads(out)
    assert {k: s[k] for k in expected} == expected
    assert s['density'] == pytest.approx(expected['interactions'] / (expected['users'] * expected['items']))

def test_stats_text_synthetic():
    code, out, err = magnn('data', 'stats', 'synthetic')
    assert code == 0, err
    assert 'users' in out and 'interactions' in out

# ---- training ----

def test_train_default_writes_metrics(tmp_path):
    "`magnn train` with no arguments: the default model on the embedded synthetic data."
    code, out, err = magnn('train', cwd=tmp_path)
    assert code == 0, err
    found = list((tmp_path/'runs').rglob('metrics.json'))
    assert len(found) == 1
    m = json.loads(found[0].read_text())
    for split in ('valid', 'test'):
        assert 0 < m[split]['recall@10'] <= m[split]['hit@10'] and m[split]['recall@5'] <= m[split]['recall@10'] <= m[split]['recall@20'] and m[split]['ndcg@10'] > 0
    assert 'recall@10' in out and 'run folder' in out
    run = found[0].parent
    assert {p.name for p in run.iterdir()} >= {'config.json', 'metrics.json', 'log.jsonl', 'env.json', 'model.pt'}

def test_train_bprmf_ml100k_beats_pop(shared_data, tmp_path):
    "BPRMF must beat the popularity floor on ml-100k validation (the foundation issue's bar)."
    res = {}
    for model in ('pop', 'bprmf'):
        code, out, err = magnn('train', '--model', model, '--dataset', 'ml-100k', '--data-dir', shared_data,
                               '--quiet', '--out', tmp_path/model)
        assert code == 0, err
        res[model] = json.loads((tmp_path/model/'metrics.json').read_text())
    assert res['bprmf']['valid']['ndcg@10'] > res['pop']['valid']['ndcg@10']
    assert res['bprmf']['valid']['recall@10'] > res['pop']['valid']['recall@10']

def test_markov_ml100k_matches_reference(shared_data, tmp_path):
    "The parameter-free transition baseline through the CLI equals a direct NumPy computation of its test Recall@10."
    import numpy as np
    from magnn.datasets import load_dataset
    code, out, err = magnn('train', '--model', 'markov', '--dataset', 'ml-100k', '--data-dir', shared_data,
                           '--quiet', '--out', tmp_path/'mk', '--time-limit', '5')
    assert code == 0, err
    m = json.loads((tmp_path/'mk'/'metrics.json').read_text())
    assert m['epochs_run'] == 0 and m['stopped'] is None
    inp, tgt = load_dataset('ml-100k', data_dir=shared_data).split().stage('test')
    seqs, targets, N = inp.to_lists(), tgt.to_lists(), inp.n_items + 1
    A = np.zeros((N, N))
    for s in seqs:                                             # SPEC §4: i -> each of the next 3 items, counts, row-normalised
        for a, i in enumerate(s):
            for k in s[a + 1:a + 4]:
                if k != i: A[i, k] += 1
    A /= np.maximum(A.sum(1, keepdims=True), 1)
    pop = np.bincount(np.concatenate(seqs), minlength=N).astype(float)
    rec = []
    for s, t in zip(seqs, targets):
        if not t: continue
        sc = A[s[-5:]].sum(0) + 1e-6 * pop / pop.max()
        sc[s] = -np.inf; sc[0] = -np.inf
        top = np.argsort(-sc, kind='stable')[:10]
        rec.append(len(set(top) & set(t)) / len(set(t)))
    assert m['test']['recall@10'] == pytest.approx(np.mean(rec), abs=2e-3)   # only exact ties may differ

def test_hgn_trains_through_cli(shared_data, tmp_path):
    "The authors' previous model is registered like any other: listed by `magnn models`, trained and tested by `magnn train`."
    code, out, err = magnn('models')
    assert code == 0 and any(l.startswith('hgn: ') for l in out.splitlines()), out + err
    code, out, err = magnn('train', '--model', 'hgn', '--dataset', 'ml-100k', '--data-dir', shared_data,
                           '--epochs', '2', '--quiet', '--out', tmp_path/'hgn')
    assert code == 0, err
    m = json.loads((tmp_path/'hgn'/'metrics.json').read_text())
    assert m['epochs_run'] == 2 and 0 < m['test']['recall@10'] <= 1
    assert json.loads((tmp_path/'hgn'/'config.json').read_text())['model'] == 'hgn'
    code, _, err = magnn('train', '--model', 'hgn', '--quiet', '--out', tmp_path/'bad', 'h=3')
    one_line_error(code, err, "unknown hyperparameter 'h'")

def test_results_table(tmp_path):
    code, _, err = magnn('train', '--model', 'pop', '--quiet', '--out', tmp_path/'runs'/'pop')
    assert code == 0, err
    code, _, err = magnn('train', '--model', 'bprmf', '--epochs', '2', '--quiet', '--out', tmp_path/'runs'/'bprmf')
    assert code == 0, err
    code, out, err = magnn('results', tmp_path/'runs', '--curves', tmp_path/'fig'/'curves.png')
    assert code == 0, err
    assert '| synthetic | pop |' in out and '| synthetic | bprmf |' in out
    assert (tmp_path/'fig'/'curves.png').stat().st_size > 1000

def test_refit_cli_matches_train_refit(tmp_path):
    "`magnn refit RUN` of a plain run gives what `magnn train ... refit=true` gives: the authors' retraining on train+validation."
    common = ('--model', 'bprmf', '--epochs', '3', '--seed', '2', '--quiet', 'batch_size=1024')
    code, _, err = magnn('train', *common, '--out', tmp_path/'plain')
    assert code == 0, err
    code, _, err = magnn('train', *common, '--out', tmp_path/'direct', 'refit=true')
    assert code == 0, err
    code, out, err = magnn('refit', tmp_path/'plain', '--quiet', '--out', tmp_path/'later')
    assert code == 0, err
    plain, direct, later = (json.loads((tmp_path/f/'metrics.json').read_text()) for f in ('plain', 'direct', 'later'))
    assert direct['refit_epochs'] == later['refit_epochs'] == plain['best_epoch'] >= 1
    assert later['test'] == pytest.approx(direct['test'], abs=1e-9) and later['valid'] == plain['valid']
    assert later['test'] != plain['test']
    assert json.loads((tmp_path/'later'/'config.json').read_text())['config']['refit'] is True
    code, out, err = magnn('results', tmp_path)
    assert code == 0, err
    assert '| synthetic | bprmf [batch_size=1024, refit] |' in out and '| synthetic | bprmf [batch_size=1024] |' in out
    code, _, err = magnn('refit', tmp_path/'later')
    one_line_error(code, err, 'already retrained')

# ---- bad input: one line, exit code 2, no partial files ----

def test_unknown_dataset():
    code, _, err = magnn('data', 'stats', 'amazon-cdz')
    one_line_error(code, err, 'amazon-cdz', 'amazon-cds')

def test_missing_files(tmp_path):
    code, _, err = magnn('data', 'stats', 'ml-1m', '--data-dir', tmp_path, env={'MAGNN_DATA': str(tmp_path)})
    one_line_error(code, err, 'ml-1m', '--data-dir')

def test_missing_path(tmp_path):
    code, _, err = magnn('data', 'stats', tmp_path/'nothing-here.csv')
    assert code == 2, err

def test_wrong_columns(tmp_path):
    f = tmp_path/'ratings.csv'
    f.write_text('a,b,c\n1,2,3\n4,5,6\n')
    code, _, err = magnn('data', 'stats', f)
    one_line_error(code, err)

def test_empty_after_filtering(tmp_path):
    f = tmp_path/'ratings.csv'
    f.write_text('userId,movieId,rating,timestamp\n' + ''.join(f'{u},{i},2.0,{u * 100 + i}\n' for u in range(1, 30) for i in range(1, 30)))
    cache = tmp_path/'cache'
    code, _, err = magnn('data', 'stats', f, env={'MAGNN_CACHE': str(cache)})
    one_line_error(code, err, 'rating')
    assert not any(p.is_file() for p in cache.rglob('*.npz')), "no cache file for a failed load"
    assert not list(cache.rglob('*.tmp')), "no temporary file left behind"

def test_unknown_model():
    code, _, err = magnn('train', '--model', 'magnnn', '--epochs', '1')
    one_line_error(code, err, 'magnnn', 'bprmf')

@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_absent():
    code, _, err = magnn('train', '--device', 'cuda', '--epochs', '1')
    one_line_error(code, err, 'CUDA', '--device cpu')

@pytest.mark.parametrize('hyper,needle', [('L=0', 'L=0'), ('T=0', 'T=0'), ('batch_size=-5', 'batch_size=-5'),
                                          ('d=-1', 'd=-1'), ('lr=-1', 'lr=-1'), ('nonsense=3', 'nonsense'), ('L=abc', 'L=')])
def test_bad_hyperparameters(hyper, needle, tmp_path):
    code, _, err = magnn('train', '--model', 'bprmf', '--epochs', '1', '--out', tmp_path/'r', hyper)
    one_line_error(code, err, needle)
    assert not (tmp_path/'r'/'metrics.json').exists()

def test_bad_epochs():
    code, _, err = magnn('train', '--epochs', '0')
    one_line_error(code, err, 'epochs')
