"""One GPU lease for amazon-cds, as a thin plan on top of `magnn sweep` (Ray Tune) and `bench/bench_models.py`.

A lent GPU comes for minutes, so everything that needs it runs from this one script, under one deadline:

1. **Benchmark**, alone on the GPU so its figures are clean: `bench/bench_models.py` times one epoch and one
   full test evaluation of every model on amazon-cds (float32, then MA-GNN with bf16 autocast).
2. **Sweeps**, many small trials packed on the one GPU (`--gpus-per-trial`, Tune schedules them):
   `--plan grid`: MA-GNN's (h, m) grid of the paper (Figure 3 / the tuning of Table 2), `--seeds` seeds each;
   `--plan baselines`: every other model of the zoo with its paper's settings, `--seeds` seeds each;
   `--plan all` (default): both. Selection is on validation only (`magnn compare` chooses each model's row).

Each trial is an ordinary run folder under OUT/<sweep>/trials/; an interrupted lease is resumed by running the
same command again (finished trials are not run again). Afterwards `magnn compare OUT --paper` prints Table 2
and `nbs/experiments/sensitivity.ipynb -p sweep OUT/magnn-grid` draws Figure 3.

    python bench/gpu_session.py --data-dir DIR --out OUT [--plan all|grid|baselines|bench] [--deadline SECONDS]
        [--seeds 5] [--gpus-per-trial 0.1] [--device cuda] [--hyper key=value ...] [--dry-run]

`--dry-run` prints the commands without running them (test it anywhere).
"""
import argparse, shlex, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINES = ('pop', 'markov', 'bprmf', 'gru4rec', 'gru4rec+', 'caser', 'sasrec', 'gcsan', 'marank', 'hgn')

def plan(a) -> list[list[str]]:
    "The commands of the lease, in order."
    magnn = [str(Path(sys.executable).parent/'magnn')]   # the console script of this environment
    budget = ['epochs=200', 'eval_every=2', 'patience=5', *a.hyper]
    common = ['--dataset', 'amazon-cds', '--data-dir', a.data_dir, '--device', a.device, '--gpus-per-trial', str(a.gpus_per_trial)]
    seeds = f'seed=0:{a.seeds}'
    cmds = []
    if a.plan in ('all', 'bench'):
        cmds.append([sys.executable, str(ROOT/'bench'/'bench_models.py'), '--dataset', 'amazon-cds', '--data-dir', a.data_dir,
                     '--device', a.device, '--json-dir', str(Path(a.out)/'bench')])
        cmds.append([sys.executable, str(ROOT/'bench'/'bench_models.py'), '--models', 'magnn', '--amp', '--dataset', 'amazon-cds',
                     '--data-dir', a.data_dir, '--device', a.device, '--json-dir', str(Path(a.out)/'bench-amp')])
    if a.plan in ('all', 'grid'):
        cmds.append(magnn + ['sweep', '--model', 'magnn', *common, 'h=5,10,15,20', 'm=5,10,15,20', seeds, *budget, '--out', str(Path(a.out)/'magnn-grid')])
    if a.plan in ('all', 'baselines'):
        for m in BASELINES:
            cmds.append(magnn + ['sweep', '--model', m, *common, seeds, *budget, '--out', str(Path(a.out)/m)])
    return cmds

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data-dir', default=str(ROOT.parent/'shared'/'data'))
    p.add_argument('--out', required=True)
    p.add_argument('--plan', default='all', choices=['all', 'grid', 'baselines', 'bench'])
    p.add_argument('--seeds', type=int, default=5)
    p.add_argument('--gpus-per-trial', type=float, default=0.1)
    p.add_argument('--device', default='cuda')
    p.add_argument('--deadline', type=float, default=None, help="seconds for the whole lease (each sweep gets what is left)")
    p.add_argument('--hyper', nargs='*', default=[], metavar='KEY=VALUE', help="options for every run, e.g. refit=true")
    p.add_argument('--dry-run', action='store_true', help="print the commands only")
    a = p.parse_args(argv)
    t0 = time.time()
    for cmd in plan(a):
        left = None if a.deadline is None else a.deadline - (time.time() - t0)
        if left is not None and left < 30: print(f"deadline: not run: {shlex.join(cmd)}"); continue
        if left is not None and 'sweep' in cmd: cmd = cmd + ['--time-limit', str(int(left))]
        print(('would run: ' if a.dry_run else 'running: ') + shlex.join(cmd), flush=True)
        if not a.dry_run: subprocess.run(cmd, cwd=ROOT)

if __name__ == '__main__': main()
