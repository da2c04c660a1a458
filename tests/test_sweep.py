"`magnn sweep` on a local Ray (resumable) and `magnn compare` (Table 2 with paired t-tests) from its run folders."
import json, os, signal, subprocess, time
from pathlib import Path
import pytest
from test_cli import magnn, one_line_error, MAGNN, cli  # noqa: F401 (cli: a fixture)

pytestmark = pytest.mark.slow

def test_sweep_killed_resumed_and_reported(tmp_path, cli):
    """One sweep's life (two Ray start-ups, the slow part, instead of three): killed with its whole process group after
    its first trial, the same command resumes without redoing finished trials; the trials are ordinary run folders
    for `magnn results`; the same command once more runs nothing; another sweep into its folder is refused. The last
    three start no Ray and run in this process (`cli`), saving a torch import each."""
    args = ['sweep', '--model', 'magnn', '--dataset', 'synthetic', '--epochs', '1', 'h=5,10,20', 'm=5', '--max-concurrent', '1',
            '--out', str(tmp_path/'S')]
    p = subprocess.Popen([MAGNN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    t0 = time.time()
    while not list((tmp_path/'S').rglob('metrics.json')) and time.time() - t0 < 600: time.sleep(0.5)
    os.killpg(p.pid, signal.SIGKILL); p.wait()
    first = {f.parent.name: f.stat().st_mtime_ns for f in (tmp_path/'S').rglob('metrics.json')}
    assert 1 <= len(first) < 3, first
    code, out, err = magnn(*args)
    assert code == 0, err
    assert f'{len(first)} of 3 trials finished already' in out and out.count('valid recall@10') == 3 - len(first), out
    after = {f.parent.name: f.stat().st_mtime_ns for f in (tmp_path/'S').rglob('metrics.json')}
    assert sorted(after) == ['h10', 'h20', 'h5'] and all(after[k] == v for k, v in first.items())   # finished trials were not run again
    code, out, err = cli('results', tmp_path/'S')
    assert code == 0, err
    assert '| synthetic | magnn [h=5, m=5] |' in out and '| synthetic | magnn [m=5] |' in out, out   # h=10 is the default
    code, out, err = cli(*args)
    assert code == 0 and '3 of 3 trials finished already' in out and '0 trials run' in out, (out, err)
    code, _, err = cli('sweep', '--model', 'magnn', '--dataset', 'synthetic', '--epochs', '1', 'h=5,20', '--out', tmp_path/'S')
    one_line_error(code, err, 'another sweep')

def test_compare_two_models_two_seeds(shared_data, tmp_path, cli):
    "Table 2 from run folders: two models, two seeds each, trained in this process (no Ray: `compare` reads run folders, however made)."
    from magnn.cli import main
    for model in ('bprmf', 'magnn'):
        for seed in (0, 1):
            assert main(['train', '--model', model, '--dataset', 'ml-100k', '--data-dir', str(shared_data), '--epochs', '2', '--quiet',
                         '--seed', str(seed), '--out', str(tmp_path/'S2'/model/f'seed{seed}'), 'eval_every=2']) == 0
    code, out, err = cli('compare', tmp_path/'S2', '--paper', '--csv', tmp_path/'t2.csv')
    assert code == 0, err
    assert '| method | seeds | epochs (best/run) | Recall@10 | NDCG@10 | NDCG@10 paper-style | paper Recall@10 | paper NDCG@10 | p (users) | p (seeds) |' in out, out
    assert '| bprmf [eval_every=2] | 2 |' not in out and '| bprmf | 2 | 2/2 |' in out and '| magnn | 2 | 2/2 |' in out, out   # eval_every is a budget option
    row = [l for l in out.splitlines() if l.startswith('| magnn |')][0]
    assert 'vs bprmf' in row, row
    assert (tmp_path/'t2.csv').read_text().startswith('dataset,model,method')
    code, out, err = cli('compare', tmp_path/'S2', '--vs', 'paper')          # BPRMF is one of the paper's baselines
    assert code == 0 and "against the best of the paper's baselines on validation" in out, err
    code, _, err = cli('compare', tmp_path/'S2', '--vs', 'sasrec')
    one_line_error(code, err, "--vs sasrec: no model 'sasrec' among the runs of ml-100k (baselines here: bprmf)")

def test_bad_sweeps(tmp_path, cli):
    code, _, err = cli('sweep', '--model', 'bprmf', 'h=5,10', '--out', tmp_path/'S')
    one_line_error(code, err, "unknown hyperparameter 'h'")
    code, _, err = cli('sweep', '--model', 'bprmf', 'seed=3:1', '--out', tmp_path/'S')
    one_line_error(code, err, 'b > a')
    code, _, err = cli('compare', tmp_path/'nothing')
    one_line_error(code, err, 'no run folder')
