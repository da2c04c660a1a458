"bench/bench_models.py: each model timed in a fresh process, its record (CPU time, FLOP floor, machine speed) written as JSON."
import json, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CMD = [sys.executable, str(ROOT/'bench'/'bench_models.py'), '--dataset', 'synthetic', '--threads', '1']
ENV = {**os.environ, 'PYTHONPATH': str(ROOT), 'OMP_NUM_THREADS': '1'}

def test_bench_models(tmp_path):
    "Two models, each in its own process: one JSON record each with the CPU time of a real epoch, its floor and the machine's speed; the table lists both."
    r = subprocess.run(CMD + ['--models', 'bprmf', 'pop', '--json-dir', str(tmp_path)], env=ENV, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    recs = {f.name: json.loads(f.read_text()) for f in tmp_path.glob('*.json')}
    assert set(recs) == {'bench-synthetic-bprmf-cpu.json', 'bench-synthetic-pop-cpu.json'}
    b, p = recs['bench-synthetic-bprmf-cpu.json'], recs['bench-synthetic-pop-cpu.json']
    assert b['threads'] == 1 and b['epoch_cpu_s'] > 0 and len(b['epochs']) == 1 and b['flop_floor'] > 0
    assert b['targets'] >= b['windows'] > 0 and b['epochs'][0]['cpu_seconds'] == b['epoch_cpu_s']
    assert p['epoch_cpu_s'] == 0 and p['flop_floor'] == 0                  # nothing to train
    for rec in (b, p):
        assert rec['machine']['sgemm_gflops'] > 1 and rec['machine']['copy_gbs'] > 0.1 and 0 < rec['test']['recall@10'] < 1
    rows = [l for l in r.stdout.splitlines() if l.startswith('| bprmf') or l.startswith('| pop')]
    assert len(rows) == 2 and f"{b['epoch_cpu_s']:.2f}" in rows[0]

def test_bench_models_bad_model(tmp_path):
    "An unknown model name: a one-line error naming the choices, exit 2, nothing written."
    r = subprocess.run(CMD + ['--models', 'bprmf', 'nope', '--json-dir', str(tmp_path)], env=ENV, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and 'unknown model nope; choose from bprmf' in r.stderr and 'Traceback' not in r.stderr
    assert not list(tmp_path.iterdir())
