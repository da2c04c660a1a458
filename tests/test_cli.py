"End-to-end tests of the `magnn` console script: real subprocesses, real files, real exit codes."
import json, os, signal, subprocess, sys, time
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

@pytest.fixture
def cli(capsys, monkeypatch):
    """`magnn ARGS` in this process (`magnn.cli.main`): the same code as the console script without a new Python and
    its torch import (seconds each on 2 cores); `cwd`/`env` as for `magnn`. The console script itself is run by the
    tests that say so (`magnn(...)`), and the README's commands by tests/test_docs.py."""
    from magnn.cli import main
    def run(*args, cwd=None, env=None):
        if cwd is not None: monkeypatch.chdir(cwd)
        for k, v in (env or {}).items(): monkeypatch.setenv(k, v)
        capsys.readouterr()
        code = main(list(map(str, args)))
        out, err = capsys.readouterr()
        return code, out, err
    return run

# ---- Table 1 statistics (issue: Done when) ----

@pytest.mark.parametrize('name,expected', [
    ('amazon-cds', dict(users=17052, items=35118, interactions=472265)),
    ('ml-100k', dict(users=887, items=822, interactions=52764)),
])
def test_stats_json(shared_data, name, expected, cli):
    code, out, err = cli('data', 'stats', name, '--data-dir', shared_data, '--json')
    assert code == 0, err
    s = json.loads(out)
    assert {k: s[k] for k in expected} == expected
    assert s['density'] == pytest.approx(expected['interactions'] / (expected['users'] * expected['items']))

def test_stats_text_synthetic():
    "The console script itself (a new process): text output, exit 0."
    code, out, err = magnn('data', 'stats', 'synthetic')
    assert code == 0, err
    assert 'users' in out and 'interactions' in out

# ---- training (the README's own `magnn train` runs in tests/test_docs.py on a fresh clone) ----

def test_train_bprmf_ml100k_beats_pop(shared_data, tmp_path, cli):
    "BPRMF must beat the popularity floor on ml-100k validation (the foundation issue's bar): 10 epochs at lr=0.01 do (0.10 against 0.06)."
    res = {}
    for model, extra in (('pop', ()), ('bprmf', ('--epochs', '10', 'lr=0.01'))):
        code, out, err = cli('train', '--model', model, '--dataset', 'ml-100k', '--data-dir', shared_data,
                             '--quiet', '--out', tmp_path/model, *extra)
        assert code == 0, err
        res[model] = json.loads((tmp_path/model/'metrics.json').read_text())
    assert res['bprmf']['valid']['ndcg@10'] > res['pop']['valid']['ndcg@10']
    assert res['bprmf']['valid']['recall@10'] > res['pop']['valid']['recall@10']

def test_markov_ml100k_matches_reference(shared_data, tmp_path, cli):
    "The parameter-free transition baseline through the CLI equals a direct NumPy computation of its test Recall@10."
    import numpy as np
    from magnn.datasets import load_dataset
    code, out, err = cli('train', '--model', 'markov', '--dataset', 'ml-100k', '--data-dir', shared_data,
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

def test_hgn_trains_through_cli(tmp_path, cli):
    "The authors' previous model is registered like any other: listed by `magnn models`, trained and tested by `magnn train`."
    code, out, err = cli('models')
    assert code == 0 and any(l.startswith('hgn: ') for l in out.splitlines()), out + err
    code, out, err = cli('train', '--model', 'hgn', '--epochs', '1', '--quiet', '--out', tmp_path/'hgn')
    assert code == 0, err
    m = json.loads((tmp_path/'hgn'/'metrics.json').read_text())
    assert m['epochs_run'] == 1 and 0 < m['test']['recall@10'] <= 1
    assert json.loads((tmp_path/'hgn'/'config.json').read_text())['model'] == 'hgn'
    code, _, err = cli('train', '--model', 'hgn', '--quiet', '--out', tmp_path/'bad', 'h=3')
    one_line_error(code, err, "unknown hyperparameter 'h'")

def test_results_table(tmp_path, cli):
    code, _, err = cli('train', '--model', 'pop', '--quiet', '--out', tmp_path/'runs'/'pop')
    assert code == 0, err
    code, _, err = cli('train', '--model', 'bprmf', '--epochs', '2', '--quiet', '--out', tmp_path/'runs'/'bprmf')
    assert code == 0, err
    code, out, err = cli('results', tmp_path/'runs', '--curves', tmp_path/'fig'/'curves.png')
    assert code == 0, err
    assert '| synthetic | pop |' in out and '| synthetic | bprmf |' in out
    assert (tmp_path/'fig'/'curves.png').stat().st_size > 1000

def test_refit_cli_matches_train_refit(tmp_path, cli):
    "`magnn refit RUN` of a plain run gives what `magnn train ... refit=true` gives: the authors' retraining on train+validation."
    common = ('--model', 'bprmf', '--epochs', '3', '--seed', '2', '--quiet', 'batch_size=1024')
    code, _, err = cli('train', *common, '--out', tmp_path/'plain')
    assert code == 0, err
    code, _, err = cli('train', *common, '--out', tmp_path/'direct', 'refit=true')
    assert code == 0, err
    code, out, err = cli('refit', tmp_path/'plain', '--quiet', '--out', tmp_path/'later')
    assert code == 0, err
    plain, direct, later = (json.loads((tmp_path/f/'metrics.json').read_text()) for f in ('plain', 'direct', 'later'))
    assert direct['refit_epochs'] == later['refit_epochs'] == plain['best_epoch'] >= 1
    assert later['test'] == pytest.approx(direct['test'], abs=1e-9) and later['valid'] == plain['valid']
    assert later['test'] != plain['test']
    assert json.loads((tmp_path/'later'/'config.json').read_text())['config']['refit'] is True
    code, out, err = cli('results', tmp_path)
    assert code == 0, err
    assert '| synthetic | bprmf [batch_size=1024, refit] |' in out and '| synthetic | bprmf [batch_size=1024] |' in out
    code, _, err = cli('refit', tmp_path/'later')
    one_line_error(code, err, 'already retrained')

# ---- bad input: one line, exit code 2, no partial files ----

def test_unknown_dataset():
    code, _, err = magnn('data', 'stats', 'amazon-cdz')
    one_line_error(code, err, 'amazon-cdz', 'amazon-cds')

def test_missing_files(tmp_path, cli):
    code, _, err = cli('data', 'stats', 'ml-1m', '--data-dir', tmp_path, env={'MAGNN_DATA': str(tmp_path)})
    one_line_error(code, err, 'ml-1m', '--data-dir')

def test_missing_path(tmp_path, cli):
    code, _, err = cli('data', 'stats', tmp_path/'nothing-here.csv')
    assert code == 2, err

def test_wrong_columns(tmp_path, cli):
    f = tmp_path/'ratings.csv'
    f.write_text('a,b,c\n1,2,3\n4,5,6\n')
    code, _, err = cli('data', 'stats', f)
    one_line_error(code, err)

def test_empty_after_filtering(tmp_path, cli):
    f = tmp_path/'ratings.csv'
    f.write_text('userId,movieId,rating,timestamp\n' + ''.join(f'{u},{i},2.0,{u * 100 + i}\n' for u in range(1, 30) for i in range(1, 30)))
    cache = tmp_path/'cache'
    code, _, err = cli('data', 'stats', f, env={'MAGNN_CACHE': str(cache)})
    one_line_error(code, err, 'rating')
    assert not any(p.is_file() for p in cache.rglob('*.npz')), "no cache file for a failed load"
    assert not list(cache.rglob('*.tmp')), "no temporary file left behind"

def test_unknown_model(cli):
    code, _, err = cli('train', '--model', 'magnnn', '--epochs', '1')
    one_line_error(code, err, 'magnnn', 'bprmf')

@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_absent(cli):
    code, _, err = cli('train', '--device', 'cuda', '--epochs', '1')
    one_line_error(code, err, 'CUDA', '--device cpu')

@pytest.mark.parametrize('hyper,needle', [('L=0', 'L=0'), ('T=0', 'T=0'), ('batch_size=-5', 'batch_size=-5'),
                                          ('d=-1', 'd=-1'), ('lr=-1', 'lr=-1'), ('nonsense=3', 'nonsense'), ('L=abc', 'L=')])
def test_bad_hyperparameters(hyper, needle, tmp_path, cli):
    code, _, err = cli('train', '--model', 'bprmf', '--epochs', '1', '--out', tmp_path/'r', hyper)
    one_line_error(code, err, needle)
    assert not (tmp_path/'r'/'metrics.json').exists()

def test_bad_epochs(cli):
    code, _, err = cli('train', '--epochs', '0')
    one_line_error(code, err, 'epochs')

# ---- bad input, by class: each case one line `magnn: error: ...`, exit code 2 (issue 22) ----

@pytest.mark.parametrize('args,needle', [
    (['train', '--seed', str(2**64)], 'too large'), (['train', '--seed', '-1'], '--seed -1'),
    (['train', '--epochs', '1e30'], "--epochs '1e30'"), (['train', '--time-limit', 'nan'], '--time-limit'),
    (['train', '--model', 'bprmf', 'd=1e30'], 'd=100000...(31 digits) is too large'), (['train', '--model', 'bprmf', 'lr=inf'], 'infinite'),
    (['train', '--model', 'bprmf', 'd=8', 'd=16'], 'd is given twice'), (['train', '--epochs', '3', 'epochs=5'], 'both set epochs'),
    (['sweep', '--cpus-per-trial', '-1', 'h=5'], '--cpus-per-trial'), (['sweep', '--gpus-per-trial', 'nan', 'h=5'], '--gpus-per-trial'),
    (['sweep', '--samples', '0', 'h=5'], '--samples'), (['sweep', 'h=5', 'h=10'], 'h is given twice'),
    (['sweep', '--epochs', '2', 'epochs=3'], 'both set epochs'), (['sweep', f'seed=0:{10**12}'], 'at most'),
    (['lab', '--port', '70000'], '--port'), (['lab', '--bad-option'], '--bad-option'),
])
def test_numbers_and_options_from_the_command_line(args, needle, tmp_path, cli):
    "One rule per number (its range; finite) and per option (given once): refused before anything runs or is written."
    if args[0] == 'sweep': args = [*args, '--out', str(tmp_path/'S')]
    code, _, err = cli(*args, cwd=tmp_path)
    one_line_error(code, err, needle)
    assert not list(tmp_path.iterdir()), "nothing written"

def test_allocation_error_is_one_line(tmp_path, cli):
    "A size that fits the rule but not in memory (d=10⁹: 4 TB of embeddings) is one line saying how much, and leaves no run."
    code, _, err = cli('train', '--model', 'bprmf', '--epochs', '1', '--quiet', '--out', tmp_path/'r', 'd=1000000000')
    one_line_error(code, err, 'not enough memory', 'GiB')
    assert not (tmp_path/'r'/'metrics.json').exists()

def _pickles(folder, seqs, users, items):
    import pickle
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, obj in (('item_sequences', seqs), ('user_mapping', users), ('item_mapping', items)):
        (folder/f'X_{suffix}.pkl').write_bytes(pickle.dumps(obj))
    return folder

def test_data_files_magnn_reads(tmp_path, cli):
    "Data files: one that expands beyond its size, rows with no user id, and an edit the cache must not hide."
    one = list(range(1000))
    bomb = _pickles(tmp_path/'bomb', [one] * 200_000, [str(u) for u in range(200_000)], [str(i) for i in range(1000)])
    assert (bomb/'X_item_sequences.pkl').stat().st_size < 1_000_000   # 0.4 MB that would ask for 1.5 GiB of item ids
    code, _, err = cli('data', 'stats', bomb)
    one_line_error(code, err, 'expands to 200,000,000 item ids')
    f = tmp_path/'nouser'/'ratings.csv'; f.parent.mkdir()
    f.write_text('userId,movieId,rating,timestamp\n' + ''.join(f"{'' if r < 25 else r % 30},{r % 29},5.0,{r}\n" for r in range(2000)))
    code, _, err = cli('data', 'stats', f)
    one_line_error(code, err, '25 rows have an empty user id')
    f = tmp_path/'edit'/'ratings.csv'; f.parent.mkdir()
    rows = [f'{u},{i},5.0,{u * 100 + i}' for u in range(1, 31) for i in range(1, 31)]
    f.write_text('userId,movieId,rating,timestamp\n' + '\n'.join(rows) + '\n')
    code, out, err = cli('data', 'stats', f, '--json')
    assert code == 0 and json.loads(out)['interactions'] == 900, err
    st = f.stat()
    f.write_text(f.read_text().replace('1,1,5.0,101', '1,1,1.0,101'))   # same size; the old mtime put back below
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (f.stat().st_size, f.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    code, out, err = cli('data', 'stats', f, '--json')
    assert code == 0 and json.loads(out)['interactions'] == 899, "an edit with the same size and mtime was served from the stale cache"

def test_folder_named_like_a_dataset_does_not_shadow_it(shared_data, tmp_path, cli):
    "A folder `ml-100k/` in the working directory is not the dataset `ml-100k`: the name means the registered dataset."
    (tmp_path/'ml-100k').mkdir(); (tmp_path/'ml-100k'/'ratings.csv').write_text('a,b\n1,2\n')
    code, out, err = cli('data', 'stats', 'ml-100k', '--data-dir', shared_data, '--json', cwd=tmp_path)
    assert code == 0 and json.loads(out)['users'] == 887, err
    code, out, err = cli('data', 'stats', './ml-100k', cwd=tmp_path)   # the folder, asked for as a path, is read as one
    one_line_error(code, err)

def test_sweep_arguments_refused_before_ray(tmp_path, cli):
    "An unknown dataset, more samples than the grid, a GPU that is not there, a figure type: refused at once, no sweep folder."
    for args, needle in [(['--dataset', 'amazon-cdz', 'd=4'], "unknown dataset 'amazon-cdz'"),
                         (['--model', 'bprmf', '--samples', '5', 'd=4,8'], "more than the grid's 2 combinations"),
                         *([] if torch.cuda.is_available() else [(['--gpus-per-trial', '1', 'd=4'], 'no GPU')])]:
        code, _, err = cli('sweep', *args, '--out', tmp_path/'S', env={'RAY_ADDRESS': ''})
        one_line_error(code, err, needle)
        assert not (tmp_path/'S').exists()
    code, _, err = cli('results', tmp_path, '--curves', tmp_path/'x.xyz')
    one_line_error(code, err, '--curves', '.png')

# ---- magnn lab: serves (as root too), headless, and leaves nothing behind when stopped ----

@pytest.mark.slow
@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGINT])
def test_lab_serves_then_stops_its_whole_group(tmp_path, sig):
    "`magnn lab --no-browser --port P` serves JupyterLab (with --allow-root when root); SIGTERM or Ctrl-C stops it and its children, freeing the port."
    import socket, urllib.request
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path/'rt'), JUPYTER_CONFIG_DIR=str(tmp_path/'cfg'))
    p = subprocess.Popen([MAGNN, 'lab', '--no-browser', '--port', str(port)], cwd=tmp_path, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        t0, served = time.time(), None
        while time.time() - t0 < 120 and p.poll() is None and served is None:
            try: served = json.loads(urllib.request.urlopen(f'http://127.0.0.1:{port}/api', timeout=2).read())
            except OSError: time.sleep(0.5)
        assert served and 'version' in served, (p.poll(), p.stdout.read() if p.poll() is not None else '')
        kids = [int(x) for x in Path(f'/proc/{p.pid}/task/{p.pid}/children').read_text().split()] if Path(f'/proc/{p.pid}').exists() else []
        assert kids, "JupyterLab runs as a child of magnn"
        os.kill(p.pid, sig)
        p.wait(60)
    finally:
        if p.poll() is None: p.kill(); p.wait()
    assert p.returncode == 0, p.stdout.read()
    for k in kids:   # the JupyterLab process and its group are gone
        with pytest.raises(ProcessLookupError): os.killpg(k, 0)
    with socket.socket() as s:
        assert s.connect_ex(('127.0.0.1', port)) != 0, f"port {port} still served after magnn lab stopped"
