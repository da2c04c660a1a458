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
                                         (['--epochs', 'abc'], "--epochs 'abc'"), (['time_limit=nan'], 'NaN'), (['--resume'], '--resume')])
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
