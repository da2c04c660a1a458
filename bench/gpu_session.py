"""One GPU session for amazon-cds: the speed benchmark, then the reproduction runs, under one deadline.

A lent GPU comes for minutes, so everything that needs it runs from this one script:

1. **Benchmark** (alone on the GPU, so its figures are clean): `bench/bench_magnn.py` on amazon-cds, one
   MA-GNN epoch and a full test evaluation in float32, then with bf16 autocast (`--amp`).
2. **Phase A** (in parallel worker processes, each `magnn train` on the GPU): MA-GNN at the centre of the
   (h, m) grid and along its two axes (the paper's Figure 3 varies one at a time), the paper's unscaled
   positional encoding beside the scaled one, BPRMF over all seeds, popularity, and the ablations that do
   not depend on h and m (MF, MF+S).
3. **Phase B**, once phase A's MA-GNN runs are in: the (h, m, pe_scale) with the best *validation*
   NDCG@10 (the early-stopping metric; test numbers are never looked at) gets the remaining seeds, and the
   three fusion ablations run at it.

Every run is an ordinary run folder (config, metrics, per-epoch log, environment). At the deadline,
unfinished runs are stopped and listed; the run folders (without checkpoints) are packed into
`OUT/runs.tar.gz` with the benchmark JSON and `OUT/session.json` (the plan, what finished, the choice).

    python bench/gpu_session.py --data-dir DIR --out OUT [--work DIR] [--deadline 430] [--workers 15] [--seeds 5] [--dry-run]

`--dry-run` runs the same plan on the CPU on the embedded synthetic data with 2 epochs per run, to test
this script without a GPU.
"""
import argparse, json, os, subprocess, sys, tarfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY_TRAIN = "import sys; from magnn.cli import main; sys.exit(main(sys.argv[1:]))"

def log(*a):
    print(f"[{time.strftime('%H:%M:%S')}]", *a, flush=True)

class Job:
    def __init__(self, name, model, seed, over=(), phase='A'):
        self.name, self.model, self.seed, self.over, self.phase = name, model, seed, list(over), phase
        self.proc, self.t0, self.t1, self.rc, self.result = None, None, None, None, None

    def folder(self, runs): return runs / self.name / f'seed{self.seed}'

    def start(self, a, runs, time_limit=None):
        out = self.folder(runs); out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, '-c', PY_TRAIN, 'train', *(['--time-limit', f'{time_limit:.0f}'] if time_limit else []), '--model', self.model, '--dataset', a.dataset,
               '--data-dir', a.data_dir, '--device', a.device, '--seed', str(self.seed), '--quiet', '--out', str(out),
               *(['--epochs', str(a.epochs)] if a.epochs else []), *self.over, *a.hyper]
        env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get('PYTHONPATH', ''))
        self.out, self.logf = out, open(out.parent / f'seed{self.seed}.log', 'w')
        self.proc = subprocess.Popen(cmd, stdout=self.logf, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        self.t0 = time.time()

    def poll(self):
        if self.proc is None or self.rc is not None: return self.rc
        rc = self.proc.poll()
        if rc is not None:
            self.rc, self.t1 = rc, time.time(); self.logf.close()
            p = self.out / 'metrics.json'                      # read once: the run's results, or None if it failed
            self.result = json.loads(p.read_text()) if p.exists() else None
        return rc

def grid_cells(centre=10, values=(5, 10, 15, 20)):
    "The centre of the (h, m) grid and the cells along its two axes (one hyperparameter at a time)."
    cells = [(centre, centre)] + [(h, centre) for h in values if h != centre] + [(centre, m) for m in values if m != centre]
    return cells

def run_bench(a, out, tag, epochs, *extra, timeout=None):
    "One `bench/bench_magnn.py` run, alone on the device; its JSON as a dict (None if it wrote none)."
    f = out / f'bench-{tag}.json'
    cmd = [sys.executable, str(ROOT / 'bench' / 'bench_magnn.py'), '--dataset', a.dataset, '--data-dir', a.data_dir,
           '--device', a.device, '--epochs', str(epochs), '--json', str(f), *extra]
    t = time.time()
    try: r = subprocess.run(cmd, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired: log(f"bench {tag}: did not finish in the time left"); return None
    log(f"bench {tag}: rc {r.returncode} in {time.time() - t:.0f} s")
    print(r.stdout[-3000:], r.stderr[-3000:] if r.returncode else '', flush=True)
    return json.loads(f.read_text()) if f.exists() else None

def bench(a, out):
    "The benchmark, alone on the device: float32 and bf16 autocast."
    res = {tag: run_bench(a, out, tag, a.bench_epochs, *extra) for tag, extra in (('fp32', []), ('amp', ['--amp']))}
    return {k: v for k, v in res.items() if v is not None}

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data-dir', default=str(ROOT.parent / 'shared' / 'data'))
    p.add_argument('--dataset', default='amazon-cds')
    p.add_argument('--out', default=os.environ.get('OUT', 'gpu-session'), help="where the summary, benchmark JSON and runs.tar.gz go")
    p.add_argument('--work', default=None, help="where the run folders are written (default: OUT/runs)")
    p.add_argument('--device', default='cuda')
    p.add_argument('--deadline', type=float, default=430, help="seconds from start after which unfinished runs are stopped")
    p.add_argument('--phase-b-by', type=float, default=None, help="start phase B by this many seconds even if phase A's MA-GNN runs are unfinished (default: 55%% of the deadline)")
    p.add_argument('--workers', type=int, default=15)
    p.add_argument('--plan', default='grid', choices=['grid', 'seeds'],
                   help="grid: phases A and B above; seeds: no grid, everything at once at h = m = 10: MA-GNN and BPRMF over all seeds, "
                        "the paper's unscaled encoding, and the four MA-GNN ablations (for a short lease)")
    p.add_argument('--reserve', type=float, default=30, help="seconds before the deadline at which each run stops training (--time-limit) to evaluate on test and write its folder")
    p.add_argument('--seeds', type=int, default=5)
    p.add_argument('--pe-scales', default='0.02,1,0', help="pe_scale values tried at the grid centre (the first is used along the axes)")
    p.add_argument('--epochs', type=int, default=None, help="maximum epochs per run (default: the config's 200, with early stopping)")
    p.add_argument('--bench-epochs', type=int, default=2)
    p.add_argument('--no-bench', action='store_true')
    p.add_argument('--hyper', nargs='*', default=[], metavar='key=value',
                   help="hyperparameters for every run, e.g. refit=true (retrain on train+validation before the test; "
                        "each run's time limit is then halved so that the retraining also ends before the deadline)")
    p.add_argument('--dry-run', action='store_true', help="CPU, synthetic data, 2 epochs: tests this script")
    a = p.parse_args(argv)
    refit = any(h.replace(' ', '').lower() in ('refit=true', 'refit=1') for h in a.hyper)
    if a.dry_run: a.device, a.dataset, a.epochs, a.bench_epochs = 'cpu', 'synthetic', a.epochs or 2, 1
    t_start = time.time()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    runs = Path(a.work) if a.work else out / 'runs'
    session = dict(args=vars(a), started=time.strftime('%Y-%m-%d %H:%M:%S'))
    try:
        import torch
        session['gpu'] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
        session['torch'] = torch.__version__
    except Exception as e: session['gpu_error'] = repr(e)
    log(f"session: {session.get('gpu')}, torch {session.get('torch')}")
    if not a.no_bench: session['bench'] = bench(a, out)
    log(f"benchmark done at {time.time() - t_start:.0f} s")

    pes = [float(x) for x in a.pe_scales.split(',')]
    mg = lambda h, m, pe: [f'h={h}', f'm={m}', f'pe_scale={pe:g}']
    name = lambda v, h, m, pe: f"magnn-{v}/h{h}-m{m}-pe{pe:g}"
    jobs = [Job(name('full', 10, 10, pes[0]), 'magnn', 0, mg(10, 10, pes[0]), 'A'),
            Job('bprmf', 'bprmf', 0), Job('pop', 'pop', 0)]
    jobs += [Job(name('full', 10, 10, pe), 'magnn', 0, mg(10, 10, pe), 'A') for pe in pes[1:]]
    jobs += [Job(name('full', h, m, pes[0]), 'magnn', 0, mg(h, m, pes[0]), 'A') for h, m in grid_cells()[1:]]
    jobs += [Job(f'magnn-{v}', 'magnn', 0, [f'variant={v}'], 'A') for v in ('mf', 'mf+s')]
    jobs += [Job('bprmf', 'bprmf', s) for s in range(1, a.seeds)]
    if a.plan == 'seeds':
        jobs = [Job(name('full', 10, 10, pes[0]), 'magnn', s, mg(10, 10, pes[0]), 'A') for s in range(a.seeds)]
        jobs += [Job('bprmf', 'bprmf', s) for s in range(a.seeds)]
        jobs += [Job(name('full', 10, 10, pe), 'magnn', 0, mg(10, 10, pe), 'A') for pe in pes[1:]]
        jobs += [Job(f'magnn-{v}', 'magnn', 0, [f'variant={v}'], 'A') for v in ('mf+s',)]
        jobs += [Job(name(v, 10, 10, pes[0]), 'magnn', 0, mg(10, 10, pes[0]) + [f'variant={v}'], 'A')
                 for v in ('mf+s+h+gating', 'mf+s+h+concat', 'mf+s+h+gru')]
    select = [j for j in jobs if j.model == 'magnn' and j.name.startswith('magnn-full/')]
    queue, running, done, phase_b = list(jobs), [], [], None
    b_by = a.phase_b_by if a.phase_b_by is not None else 0.55 * a.deadline

    def start_phase_b(reason):
        scored = [(j.result['valid']['ndcg@10'], j) for j in select if j.result]
        if scored: best = max(scored, key=lambda x: x[0])[1]
        else: best = select[0]
        h, m, pe = (float(x.split('=')[1]) for x in best.over)
        h, m = int(h), int(m)
        choice = dict(reason=reason, h=h, m=m, pe_scale=pe, by='valid ndcg@10',
                      candidates={j.name: (j.result or {}).get('valid', {}).get('ndcg@10') for j in select})
        log(f"phase B ({reason}): chose h={h} m={m} pe_scale={pe:g}: {choice['candidates']}")
        new = [Job(name('full', h, m, pe), 'magnn', s, mg(h, m, pe), 'B') for s in range(1, a.seeds)]
        new += [Job(name(v, h, m, pe), 'magnn', 0, mg(h, m, pe) + [f'variant={v}'], 'B')
                for v in ('mf+s+h+gating', 'mf+s+h+concat', 'mf+s+h+gru')]
        queue[:0] = new
        return choice

    last_smi = 0.
    while True:
        now = time.time() - t_start
        if a.device == 'cuda' and now - last_smi > 30:
            last_smi = now
            try: log('nvidia-smi:', subprocess.run(['nvidia-smi', '--query-gpu=utilization.gpu,memory.used', '--format=csv,noheader'],
                                                  capture_output=True, text=True, timeout=10).stdout.strip(), f'({len(running)} running)')
            except Exception as e: log('nvidia-smi failed:', e)
        for j in list(running):
            if j.poll() is not None:
                running.remove(j); done.append(j)
                mt = j.result
                log(f"done {j.name} seed {j.seed}: rc {j.rc}, {j.t1 - j.t0:.0f} s" +
                    (f", best epoch {mt['best_epoch']}/{mt['epochs_run']}, valid ndcg@10 {mt['valid']['ndcg@10']:.4f}" if mt else ''))
        if phase_b is None and a.plan == 'seeds': phase_b = dict(reason='plan seeds: no grid, h = m = 10')
        if phase_b is None and (all(j.rc is not None for j in select) or now > b_by):
            phase_b = start_phase_b('phase A finished' if all(j.rc is not None for j in select) else f'{b_by:.0f} s reached')
        if now > a.deadline: break
        while queue and len(running) < a.workers:
            j = queue.pop(0); j.start(a, runs, max(a.deadline - now - a.reserve, 1) / (2 if refit else 1)); running.append(j)
            log(f"start {j.name} seed {j.seed} (phase {j.phase}; {len(running)} running, {len(queue)} queued)")
        if not running and not queue and phase_b is not None: break
        time.sleep(1)
    for j in running:
        j.proc.kill(); j.proc.wait(); j.logf.close(); j.rc = 'killed at deadline'
        log(f"stopped {j.name} seed {j.seed} after {time.time() - j.t0:.0f} s")
    session['choice'] = phase_b
    left = a.deadline - (time.time() - t_start)
    if not a.no_bench and not running and left > 100:   # time to spare: does torch.compile help? (alone on the GPU again)
        b = run_bench(a, out, 'compile', 3, '--compile', timeout=left - 20)
        if b is not None: session['bench']['compile'] = b
    session['jobs'] = [dict(name=j.name, model=j.model, seed=j.seed, over=j.over, phase=j.phase, rc=j.rc,
                            seconds=(j.t1 or time.time()) - j.t0 if j.t0 else None,
                            finished=j.result is not None) for j in done + running + queue]
    session['wall_s'] = time.time() - t_start
    (out / 'session.json').write_text(json.dumps(session, indent=2) + '\n')
    with tarfile.open(out / 'runs.tar.gz', 'w:gz') as tar:
        if runs.exists(): tar.add(runs, arcname='runs', filter=lambda ti: None if ti.name.endswith('model.pt') else ti)
    fin = [j for j in done if j.result]
    log(f"{len(fin)} runs finished, {len(running)} stopped, {len(queue)} never started; {session['wall_s']:.0f} s")
    for j in sorted(fin, key=lambda j: j.name):
        mt = j.result
        print(f"{j.name:42s} s{j.seed} ep {mt['best_epoch']:3d}/{mt['epochs_run']:3d} valid ndcg@10 {mt['valid']['ndcg@10']:.4f} "
              f"test recall@10 {mt['test']['recall@10']:.4f} ({j.t1 - j.t0:.0f} s, {mt['timings']['epoch_s']:.2f} s/epoch)")
    for tag, b in session.get('bench', {}).items():
        print(f"bench {tag}: epoch {b.get('epoch_s', float('nan')):.2f} s, test eval {b.get('eval_s', float('nan')):.2f} s on {b.get('gpu', b.get('device'))}")

if __name__ == '__main__': main()
