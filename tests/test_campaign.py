"`magnn campaign`: trials in seed-major order, a run interrupted and resumed from its checkpoint, finished trials never rerun."
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest
import torch
from magnn.campaign import main, TABLE2, trial_state

ROOT = Path(__file__).resolve().parents[1]

def test_dry_run_order(tmp_path, capsys):
    "The dry run lists seed 0 of every row, then seed 1 of the trained rows; deterministic rows once; nothing is written."
    out = tmp_path/'t2'
    assert main(['--dataset', 'synthetic', '--seeds', '2', '--out', str(out), '--dry-run']) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [l.split()[1] for l in lines[:-1]]
    assert names[:len(TABLE2)] == [f"{r.name}/seed0" for r in TABLE2]
    assert names[len(TABLE2):] == [f"{r.name}/seed1" for r in TABLE2 if not r.deterministic]
    assert all(l.split()[2] == 'new' for l in lines[:-1]) and lines[-1].startswith(f"{len(names)} trials: 0 done")
    assert 'epochs=400 eval_every=2 patience=5 refit=true pe_scale=0.02 dense_lr=0' in lines[names.index('magnn-dense_lr0/seed0')]
    assert not out.exists()

def test_bad_input(tmp_path, capsys):
    "Unknown rows and options are one line and exit 2, before anything runs."
    assert main(['--dataset', 'synthetic', '--rows', 'nope', '--out', str(tmp_path/'x')]) == 2
    assert main(['--dataset', 'synthetic', '--rows', 'bprmf', '--out', str(tmp_path/'x'), 'dd=3']) == 2
    err = capsys.readouterr().err
    assert "no row 'nope'" in err and "unknown hyperparameter 'dd'" in err and not (tmp_path/'x').exists()

def _campaign(out, *extra):
    return [sys.executable, '-m', 'magnn.campaign', '--dataset', 'synthetic', '--rows', 'bprmf', '--seeds', '1', '--out', str(out),
            'epochs=20', 'patience=20', 'eval_every=1', *extra]

@pytest.mark.slow   # three campaign processes of 20 epochs each
def test_interrupt_resume(tmp_path):
    "SIGTERM to the driver interrupts the running trial at its checkpoint; the same command resumes it, and the result is the uninterrupted run's."
    env = {**os.environ, 'PYTHONPATH': str(ROOT), 'OMP_NUM_THREADS': '1'}
    out = tmp_path/'study'
    run = out/'bprmf'/'seed0'
    p = subprocess.Popen(_campaign(out), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t0 = time.time()
    while not (run/'checkpoint.pt').exists() and p.poll() is None and time.time() - t0 < 120: time.sleep(0.05)
    p.send_signal(signal.SIGTERM)
    text = p.communicate(timeout=120)[0]
    assert p.returncode == 130, text
    assert trial_state(run) == 'resume' and json.loads((run/'status.json').read_text())['state'] == 'interrupted'
    ck = torch.load(run/'checkpoint.pt', weights_only=True)
    stopped_at = ck['epoch']
    assert 1 <= stopped_at < 20
    dry = subprocess.run(_campaign(out, '--dry-run'), env=env, capture_output=True, text=True, timeout=120).stdout
    line = next(l for l in dry.splitlines() if 'bprmf/seed0' in l)
    assert line.split()[2] == 'resume' and line.endswith(f"(epoch {stopped_at}, best {ck['stopper']['best_epoch']})"), dry
    r = subprocess.run(_campaign(out), env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'start bprmf/seed0 (resume)' in r.stdout
    led = [json.loads(l) for l in (out/'trials.jsonl').read_text().splitlines()]
    assert [l['result'] for l in led] == ['interrupted', 'done'] and all(l['cpu_s'] > 0 for l in led)
    log = [json.loads(l) for l in (run/'log.jsonl').read_text().splitlines()]
    sel = [l['epoch'] for l in log if l.get('phase') != 'refit']
    assert sel == list(range(1, len(sel) + 1))                       # every epoch once: continued, not restarted
    # the same trial run without interruption gives the same numbers
    ref = tmp_path/'ref'
    assert subprocess.run(_campaign(ref), env=env, capture_output=True, timeout=300).returncode == 0
    a, b = (json.loads((d/'bprmf'/'seed0'/'metrics.json').read_text()) for d in (out, ref))
    assert (a['best_epoch'], a['valid'], a['test']) == (b['best_epoch'], b['valid'], b['test'])
    st = json.loads((out/'campaign.json').read_text())
    assert [s.get('interrupted') for s in st['sessions']] == [1, 0] and st['command'].startswith('magnn campaign')

def test_finished_not_rerun(tmp_path, capsys):
    "A second run of the same command starts no trial and leaves the run folders as they were."
    args = ['--dataset', 'synthetic', '--rows', 'bprmf,pop', '--seeds', '2', '--out', str(tmp_path/'s'), 'epochs=2']
    assert main(args) == 0
    mt = {p: p.stat().st_mtime_ns for p in (tmp_path/'s').rglob('metrics.json')}
    assert len(mt) == 3
    capsys.readouterr()
    assert main(args) == 0
    o = capsys.readouterr().out
    assert '3 of 3 trials finished already' in o and 'start ' not in o
    assert {p: p.stat().st_mtime_ns for p in (tmp_path/'s').rglob('metrics.json')} == mt
    assert main([a if a != '2' else '3' for a in args] + ['--dry-run']) == 0     # a third seed: its cost estimated from the first two
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith('4 trials: 3 done, 0 resume, 0 restart, 1 new; about ') and last.endswith("CPU-hours left at the finished trials' cost"), last
    assert main(['--dataset', 'synthetic', '--rows', 'markov', '--out', str(tmp_path/'s')]) == 0   # a session on another subset
    st = json.loads((tmp_path/'s'/'campaign.json').read_text())
    assert [r['name'] for r in st['rows']] == ['bprmf', 'markov', 'pop']   # every row run so far, in the study's order
    assert len(st['sessions']) == 3 and all('end' in x for x in st['sessions'])   # one entry a session, also for two that start in one second

def test_lock(tmp_path, capsys):
    "A second driver on a study that a live process holds is refused."
    (tmp_path/'s').mkdir()
    (tmp_path/'s'/'.campaign.lock').write_text(str(os.getppid()))
    assert main(['--dataset', 'synthetic', '--rows', 'pop', '--out', str(tmp_path/'s')]) == 2
    assert 'another campaign' in capsys.readouterr().err

@pytest.mark.slow   # runs trials until its 25 s deadline
def test_gpu_session(tmp_path):
    "bench/gpu_session.py: the dry run lists Table 2's trained rows then the (h, m) grid; with a tiny budget on the CPU it runs trials in order and stops at its deadline."
    env = {**os.environ, 'PYTHONPATH': str(ROOT), 'OMP_NUM_THREADS': '1'}
    cmd = [sys.executable, str(ROOT/'bench'/'gpu_session.py'), '--out', str(tmp_path/'g'), '--dataset', 'synthetic', '--device', 'cpu',
           '--seeds', '2', '--jobs', '2']
    r = subprocess.run(cmd + ['--dry-run'], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    names = [l.split()[1] for l in r.stdout.splitlines() if l[:4].strip().isdigit()]
    trained = [x.name for x in TABLE2 if not x.deterministic]
    assert names[:len(trained)] == [f"{n}/seed0" for n in trained] and names[len(trained)] == 'bprmf/seed1'
    assert names[2 * len(trained)] == 'magnn-h5-m5/seed0' and len(names) == 2 * len(trained) + 32
    assert not (tmp_path/'g').exists()
    r = subprocess.run(cmd + ['--seeds', '1', '--deadline', '25', 'epochs=1'], env=env, capture_output=True, text=True, timeout=300)
    starts = [l.split()[1] for l in r.stdout.splitlines() if l.startswith('start ')]
    assert starts[:2] == ['bprmf/seed0', 'gru4rec/seed0'] and 'deadline: fig3 not started' in r.stdout, r.stdout + r.stderr
    led = [json.loads(l) for l in (tmp_path/'g'/'table2-synthetic'/'trials.jsonl').read_text().splitlines()]
    assert {l['trial'] for l in led} == set(starts)

def test_orphan_skipped(tmp_path, capsys):
    "A trial whose process outlived a killed driver (a live pid in its pid file) is skipped, not started twice."
    (tmp_path/'s'/'logs').mkdir(parents=True)
    (tmp_path/'s'/'logs'/'bprmf-seed0.pid').write_text(str(os.getppid()))
    assert main(['--dataset', 'synthetic', '--rows', 'bprmf', '--out', str(tmp_path/'s'), '--seeds', '1']) == 130
    assert 'skip bprmf/seed0: still running in process' in capsys.readouterr().out and not (tmp_path/'s'/'bprmf').exists()

def test_deadline_starts_what_fits(tmp_path, capsys):
    "With --deadline a trial starts only if its row's cost so far (× --slack) fits: one that does not is left for next time and a later one that fits runs."
    args = ['--dataset', 'synthetic', '--rows', 'bprmf,sasrec', '--out', str(tmp_path/'s'), '--jobs', '1', 'epochs=1']
    assert main(args + ['--seeds', '1']) == 0
    led = tmp_path/'s'/'trials.jsonl'
    recs = [json.loads(l) for l in led.read_text().splitlines()]
    assert [r['trial'] for r in recs] == ['bprmf/seed0', 'sasrec/seed0']
    recs[0]['cpu_s'] = 1e6                                           # as if BPRMF took 11 CPU-days
    led.write_text(''.join(json.dumps(r) + '\n' for r in recs))
    capsys.readouterr()
    assert main(args + ['--seeds', '2', '--deadline', '3600', '--dry-run']) == 0      # the dry run says what would start
    assert capsys.readouterr().out.splitlines()[-1] == 'within --deadline 3600 s (1 at once, 1.5 wall s per CPU s): would start sasrec/seed1; 1 left for later'
    assert main(args + ['--seeds', '2', '--deadline', '3600']) == 130
    o = capsys.readouterr().out
    assert 'start sasrec/seed1 (new)' in o and 'start bprmf' not in o, o
    assert 'deadline: 1 trials would not finish in the 60 min left' in o, o
    assert trial_state(tmp_path/'s'/'sasrec'/'seed1') == 'done' and trial_state(tmp_path/'s'/'bprmf'/'seed1') == 'new'
    assert main(args + ['--seeds', '2', '--deadline', '0']) == 2 and '--deadline 0.0: give a number of seconds above 0' in capsys.readouterr().err
    assert main(args + ['--slack', 'nan']) == 2 and '--slack nan: give a factor above 0' in capsys.readouterr().err
