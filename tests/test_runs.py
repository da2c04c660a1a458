"Run folders that survive a crash, and the bad inputs around them: one line `magnn: error:`, exit code 2, nothing left behind."
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest
import torch
from test_cli import magnn, one_line_error, MAGNN

# ---- --out is checked before any training ----

def test_out_is_a_file(tmp_path):
    (tmp_path/'f').write_text('x')
    code, _, err = magnn('train', '--model', 'pop', '--out', tmp_path/'f')
    one_line_error(code, err, 'is a file')
    code, _, err = magnn('train', '--model', 'pop', '--out', tmp_path/'f'/'run')
    one_line_error(code, err, 'is a file')
    assert (tmp_path/'f').read_text() == 'x'

def test_out_unwritable(tmp_path):
    code, _, err = magnn('train', '--model', 'pop', '--out', '/proc/magnn-run')
    one_line_error(code, err, '/proc')

def test_existing_run_is_refused_unless_resume_or_overwrite(tmp_path):
    code, _, err = magnn('train', '--model', 'bprmf', '--epochs', '1', '--quiet', '--out', tmp_path/'r')
    assert code == 0, err
    before = (tmp_path/'r'/'metrics.json').read_text()
    code, _, err = magnn('train', '--model', 'bprmf', '--epochs', '2', '--quiet', '--out', tmp_path/'r', 'd=8')
    one_line_error(code, err, 'already holds a run', '--overwrite')
    assert (tmp_path/'r'/'metrics.json').read_text() == before and json.loads((tmp_path/'r'/'config.json').read_text())['config']['d'] == 50
    code, _, err = magnn('train', '--model', 'bprmf', '--epochs', '2', '--quiet', '--out', tmp_path/'r', '--overwrite', 'd=8')
    assert code == 0, err
    assert json.loads((tmp_path/'r'/'config.json').read_text())['config']['d'] == 8
    assert json.loads((tmp_path/'r'/'metrics.json').read_text())['epochs_run'] == 2
    code, _, err = magnn('train', '--resume', tmp_path/'r')
    one_line_error(code, err, 'finished already')

@pytest.mark.parametrize('args,needle', [(['--seed', '-1'], '--seed -1'), (['--time-limit', '0'], '--time-limit'),
                                         (['--time-limit', 'nan'], '--time-limit'), (['--time-limit', '-3'], '--time-limit'),
                                         (['--epochs', 'abc'], "--epochs 'abc'"), (['time_limit=nan'], 'NaN'), (['--resume'], '--resume'),
                                         (['--seed', str(2**64)], '--seed')])
def test_bad_run_arguments(args, needle, tmp_path):
    code, _, err = magnn('train', '--model', 'pop', '--out', tmp_path/'r', *args)
    one_line_error(code, err, needle)
    assert not (tmp_path/'r').exists()

# ---- results and refit on damaged run folders ----

@pytest.fixture(scope='module')
def finished(tmp_path_factory):
    d = tmp_path_factory.mktemp('runs')
    code, _, err = magnn('train', '--model', 'bprmf', '--epochs', '2', '--quiet', '--out', d/'ok')
    assert code == 0, err
    return d/'ok'

@pytest.mark.parametrize('damage', ['truncate-metrics', 'truncate-config', 'no-config', 'no-metrics'])
def test_damaged_run_folders(finished, damage, tmp_path):
    import shutil
    r = tmp_path/'r'; shutil.copytree(finished, r)
    what, name = damage.split('-')
    f = r/f'{name}.json'
    if what == 'truncate': f.write_text(f.read_text()[:20])
    else: f.unlink()
    code, out, err = magnn('results', r)
    if damage == 'no-metrics':   # an unfinished run: listed as such, not an error
        assert code == 0 and 'unfinished (incomplete)' in out, (out, err)
    else: one_line_error(code, err, name + '.json')
    code, _, err = magnn('refit', r, '--quiet')
    one_line_error(code, err)
    assert not (r/'refit'/'metrics.json').exists()

def test_results_lists_unfinished_runs(finished, tmp_path):
    import shutil
    shutil.copytree(finished, tmp_path/'done'); shutil.copytree(finished, tmp_path/'cut')
    (tmp_path/'cut'/'metrics.json').unlink()
    (tmp_path/'cut'/'status.json').write_text(json.dumps(dict(state='interrupted')))
    code, out, err = magnn('results', tmp_path)
    assert code == 0, err
    assert f"unfinished (interrupted): {tmp_path/'cut'}" in out and 'magnn train --resume' in out
    assert '| synthetic | bprmf |' in out

# ---- a run killed with SIGKILL resumes to the same result (the acceptance test) ----

def _wait_for_validations(run:Path, n:int, proc, timeout=600):
    "Poll the run's checkpoint until it holds `n` validations."
    t0 = time.time()
    while time.time() - t0 < timeout:
        ck = run/'checkpoint.pt'
        if ck.exists():
            try:
                if sum('valid' in r for r in torch.load(ck, weights_only=True)['log']) >= n: return
            except Exception: pass   # being replaced: read it again
        if proc.poll() is not None: raise AssertionError(f"the run ended before {n} validations: {proc.stderr.read()}")
        time.sleep(0.2)
    raise AssertionError('timed out')

@pytest.mark.slow
def test_sigkill_then_resume_gives_the_uninterrupted_result(shared_data, tmp_path):
    args = ['train', '--model', 'magnn', '--dataset', 'ml-100k', '--data-dir', str(shared_data), '--epochs', '6', '--device', 'cpu', '--quiet']
    env = dict(os.environ, OMP_NUM_THREADS='1')
    p = subprocess.Popen([MAGNN, *args, '--out', str(tmp_path/'R')], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    _wait_for_validations(tmp_path/'R', 2, p)
    p.send_signal(signal.SIGKILL); p.wait()
    assert json.loads((tmp_path/'R'/'status.json').read_text())['state'] == 'running' and not (tmp_path/'R'/'metrics.json').exists()
    code, out, err = magnn('train', '--resume', tmp_path/'R', '--quiet', env=dict(OMP_NUM_THREADS='1'))
    assert code == 0, err
    code, _, err = magnn(*args, '--out', tmp_path/'whole', env=dict(OMP_NUM_THREADS='1'))
    assert code == 0, err
    a, b = (json.loads((tmp_path/f/'metrics.json').read_text()) for f in ('R', 'whole'))
    assert a['test'] == b['test'] and a['valid'] == b['valid'] and a['best_epoch'] == b['best_epoch']
    assert json.loads((tmp_path/'R'/'status.json').read_text())['state'] == 'done'

def test_sigterm_saves_and_exits_cleanly(tmp_path):
    args = ['train', '--model', 'magnn', '--epochs', '50', '--device', 'cpu', '--quiet', '--out', str(tmp_path/'R')]
    p = subprocess.Popen([MAGNN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, OMP_NUM_THREADS='1'))
    _wait_for_validations(tmp_path/'R', 1, p)
    p.send_signal(signal.SIGTERM); _, err = p.communicate(timeout=120)
    assert p.returncode == 130, err
    lines = [l for l in err.strip().splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith('magnn: interrupted') and '--resume' in lines[0], err
    assert json.loads((tmp_path/'R'/'status.json').read_text())['state'] == 'interrupted'
    assert (tmp_path/'R'/'checkpoint.pt').exists()

# ---- folders that magnn writes: nothing is ever lost or mixed (issue 22 item 6) ----

def _tree(d:Path) -> dict:
    "Every file under `d` with its bytes: what must stay as it was."
    return {str(f.relative_to(d)): f.read_bytes() for f in sorted(d.rglob('*')) if f.is_file()}

def test_overwrite_never_deletes_a_folder_that_is_not_a_run(tmp_path):
    d = tmp_path/'thesis'; (d/'data').mkdir(parents=True)
    (d/'thesis.tex').write_text('\\chapter{mine}'); (d/'data'/'raw.csv').write_text('u,i\n'); (d/'config.json').write_text('{"title": "thesis"}')
    before = _tree(d)
    code, _, err = magnn('train', '--model', 'pop', '--out', d, '--overwrite')
    one_line_error(code, err, 'not a run folder')
    assert _tree(d) == before

def test_overwrite_replaces_a_run_only_once_the_new_one_started(finished, tmp_path):
    import shutil
    r = tmp_path/'r'; shutil.copytree(finished, r)
    before = _tree(r)
    code, _, err = magnn('train', '--model', 'bprmf', '--dataset', 'no-such-data', '--out', r, '--overwrite', '--quiet')
    one_line_error(code, err, 'no-such-data')
    code, _, err = magnn('train', '--model', 'bprmf', '--epochs', '2', '--out', r, '--overwrite', '--quiet', 'lr=1e30')
    one_line_error(code, err, 'diverged')
    assert _tree(r) == before and [p.name for p in tmp_path.iterdir()] == ['r']   # the old run, and no half-written sibling

def test_refit_never_writes_into_its_own_run(finished, tmp_path):
    import shutil
    r = tmp_path/'r'; shutil.copytree(finished, r)
    before = _tree(r)
    for out in (r, tmp_path):
        code, _, err = magnn('refit', r, '--out', out, '--overwrite', '--quiet')
        one_line_error(code, err, 'would replace the run')
    (r/'log.jsonl').write_text((r/'log.jsonl').read_text()[:25])   # a truncated log: refused before anything is written
    code, _, err = magnn('refit', r, '--quiet')
    one_line_error(code, err, 'log.jsonl')
    assert not (r/'refit').exists()

@pytest.mark.parametrize('flag', [['--model', 'pop'], ['--epochs', '3'], ['--out', 'elsewhere'], ['--overwrite'], ['d=64'], ['--time-limit', '5']])
def test_resume_refuses_what_it_cannot_honour(finished, flag, tmp_path):
    import shutil
    r = tmp_path/'r'; shutil.copytree(finished, r); (r/'metrics.json').unlink()
    (r/'status.json').write_text(json.dumps(dict(state='interrupted')))
    code, _, err = magnn('train', '--resume', r, *flag, cwd=tmp_path)
    one_line_error(code, err, 'cannot take')
    assert not (tmp_path/'elsewhere').exists() and (r/'config.json').exists()

def test_default_run_folders_never_collide(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS='1')
    ps = [subprocess.Popen([MAGNN, 'train', '--model', 'pop', '--quiet'], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in ps: assert p.wait(timeout=600) == 0, p.stderr.read()
    runs = sorted((tmp_path/'runs'/'synthetic'/'pop').iterdir())
    assert len(runs) == 2 and all((r/'metrics.json').exists() for r in runs), runs

LIMIT = 45   # s: the first run must outlive two other `magnn` processes (each starts Python and torch), also on a loaded machine

def test_a_run_being_written_is_locked_and_a_stale_lock_is_taken_over(tmp_path):
    "Two writers of one folder: the second is refused (train --overwrite, train --resume); after a SIGKILL the lock is stale and the run resumes, its time limit counting the whole run."
    r, env = tmp_path/'R', dict(os.environ, OMP_NUM_THREADS='1')
    p = subprocess.Popen([MAGNN, 'train', '--model', 'magnn', '--epochs', '400', '--time-limit', str(LIMIT), '--device', 'cpu', '--quiet', '--out', str(r), 'patience=1000'],   # the kernels are built before the first test (conftest.py), never inside the limit
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        _wait_for_validations(r, 1, p)
        for args in (['train', '--model', 'pop', '--out', r, '--overwrite'], ['train', '--resume', r]):
            code, _, err = magnn(*args, env=dict(OMP_NUM_THREADS='1'))
            assert p.poll() is None, "the first run is still training"
            one_line_error(code, err, 'being written by another process')
    finally: p.send_signal(signal.SIGKILL); p.wait()
    assert (r/'.lock').exists()                                 # left by the killed process: stale
    first = torch.load(r/'checkpoint.pt', weights_only=True)['sessions'][0]['wall_s']
    code, _, err = magnn('train', '--resume', r, '--quiet', env=dict(OMP_NUM_THREADS='1'))
    assert code == 0, err
    m = json.loads((r/'metrics.json').read_text())
    assert m['stopped'] == 'time limit' and m['epochs_run'] < 400 and len(m['sessions']) == 2 and not (r/'.lock').exists()
    assert m['timings']['total_s'] >= LIMIT and m['sessions'][1]['wall_s'] < LIMIT - first / 2   # the limit counted the first session: not the whole limit again
    assert m['timings']['cpu_s'] > 0 and {'host', 'loadavg'} <= set(json.loads((r/'env.json').read_text()))

# ---- files that magnn reads back: each damage is one line, exit 2 ----

def _retag(run:Path, **kw):
    c = json.loads((run/'config.json').read_text()); c.update(kw); (run/'config.json').write_text(json.dumps(c))

@pytest.mark.parametrize('damage,needle', [('metrics-list', 'holds a list'), ('string-metric', 'as numbers'), ('copy', 'copies of one run'),
                                           ('users', 'test_users.csv.gz is damaged'), ('old-layout', 'lacks model/dataset/seed/config')])
def test_results_and_compare_on_damaged_files(finished, damage, needle, tmp_path):
    import shutil
    a, b = tmp_path/'a', tmp_path/'b'; shutil.copytree(finished, a); shutil.copytree(finished, b)
    _retag(b, id='another', model='magnn', label='magnn')          # a second run: MA-GNN's row, tested against bprmf's
    m = json.loads((a/'metrics.json').read_text())
    if damage == 'metrics-list': (a/'metrics.json').write_text('[1, 2]')
    elif damage == 'string-metric': m['test']['recall@10'] = '0.1'; (a/'metrics.json').write_text(json.dumps(m))
    elif damage == 'copy': shutil.copytree(a, tmp_path/'a-copy')
    elif damage == 'users': (a/'test_users.csv.gz').write_bytes(b'\x1f\x8b garbage')
    else: (a/'config.json').write_text(json.dumps({'run': {'model': 'bprmf'}}))
    cmds = [('compare', tmp_path)] if damage == 'users' else [('results', tmp_path), ('compare', tmp_path)]
    for cmd in cmds:
        code, out, err = magnn(*cmd)
        one_line_error(code, err, needle)

def test_resume_from_a_damaged_checkpoint(finished, tmp_path):
    "A checkpoint with missing keys, of another config, or unreadable: one error, and the run folder as it was."
    import shutil
    from magnn.core import MagnnError
    from magnn.train import train, save_checkpoint, EarlyStopping
    from magnn.models import make_model, make_config
    r = tmp_path/'r'; shutil.copytree(finished, r); (r/'metrics.json').unlink()
    (r/'status.json').write_text(json.dumps(dict(state='interrupted')))
    other = make_config('bprmf', ['d=8'])
    m = make_model(other, 300, 300); opt = torch.optim.Adam(m.parameters())
    for what, needle in [('keys', 'lacks'), ('config', 'another config'), ('shape', 'does not fit'), ('bytes', 'cannot read')]:
        ck = r/'checkpoint.pt'
        if what == 'keys': torch.save({'model': {}}, ck)
        elif what == 'bytes': ck.write_bytes(b'not a checkpoint')
        else: save_checkpoint(ck, m, opt, EarlyStopping(3), 1, [], torch.Generator(), dict(config=other.flat()) if what == 'config' else None)
        before = _tree(r)
        with pytest.raises(MagnnError, match=needle): train(resume=r, progress=False)
        assert _tree(r) == {**before, 'status.json': _tree(r)['status.json']} and not (r/'.lock').exists()

# ---- what a terminal shows (issue 22 item 5) ----

@pytest.mark.skipif(not __import__('shutil').which('script'), reason="needs util-linux `script` for a pseudo-terminal")
def test_results_in_a_terminal_is_plain_text_and_markdown_when_piped(finished):
    code, piped, err = magnn('results', finished)
    assert code == 0, err
    assert '| synthetic | bprmf | 1 |' in piped                                         # Markdown when piped, seeds labelled
    p = subprocess.run(['script', '-qec', f"{MAGNN} results {finished}", '/dev/null'], capture_output=True, text=True, timeout=600)
    tty = p.stdout.replace('\r', '')
    assert p.returncode == 0 and '|' not in tty and 'seeds' in tty.splitlines()[0], tty
    for out in (piped, tty): assert 'ndcg_paper: ' in out and 'test can sit above validation' in out
