"""One GPU lease for amazon-cds: the Table 2 study, then MA-GNN's (h, m) grid for Figure 3, under one deadline.

Both are `magnn campaign` studies (`magnn/campaign.py`, from `nbs/13_campaign.ipynb`), the very trials the CPU
campaign runs (`magnn campaign` makes `results/table2-amazon-cds/`): the same rows, budget (early stopping on
validation with `eval_every=2 patience=5`, no time limit, refit on train+validation, test) and folder names.

1. optionally (`--bench`) `bench/bench_models.py` times an epoch and a test evaluation of every model, alone on the GPU;
2. **Table 2** (`--study table2`): its trained rows × `--seeds` seeds (the deterministic rows, pop, markov and
   EASE, gain nothing from a GPU or from seeds: the CPU campaign runs them once), seed-major (seed 0 of every row, then seed 1, ...),
   `--jobs` trials packed on the one GPU at once, each its own process; so a short lease adds whole seeds;
3. **Figure 3** (`--study fig3`): MA-GNN over h, m in {5, 10, 15, 20}, `--seeds` seeds each, with what time is left.

At the deadline nothing more starts and the running trials are interrupted at their last checkpoint: the same
command (on the next lease, or `magnn campaign --study table2 --out OUT/table2-amazon-cds ...` on the CPU)
resumes them; finished trials are never rerun. Afterwards copy OUT/table2-amazon-cds/* into
results/table2-amazon-cds/campaign/ (same folder names) and `magnn compare results/table2-amazon-cds --paper`.

    python bench/gpu_session.py --data-dir DIR --out OUT [--deadline SECONDS] [--seeds 5] [--jobs 12] [--threads 1]
        [--device cuda] [--studies table2,fig3] [--bench] [--dataset amazon-cds] [--dry-run] [key=value ...]

`--dry-run` prints every trial in order with its state and runs nothing (test it anywhere); on the CPU,
`--device cpu --dataset synthetic --seeds 1 --deadline 30 epochs=2` runs the same path with a tiny budget.
"""
import argparse, shlex, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from magnn.campaign import main as campaign, STUDIES

def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data-dir', default=str(ROOT.parent/'shared'/'data'))
    p.add_argument('--out', required=True, help="the lease's folder: OUT/table2-DATASET, OUT/fig3-DATASET")
    p.add_argument('--dataset', default='amazon-cds')
    p.add_argument('--studies', default='table2,fig3', help="which studies, in this order (default table2,fig3)")
    p.add_argument('--seeds', type=int, default=5)
    p.add_argument('--jobs', type=int, default=12, help="trials at once on the GPU (default 12)")
    p.add_argument('--threads', type=int, default=1, help="CPU threads per trial (default 1)")
    p.add_argument('--device', default='cuda')
    p.add_argument('--deadline', type=float, default=None, help="seconds for the whole lease")
    p.add_argument('--bench', action='store_true', help="first time every model with bench/bench_models.py")
    p.add_argument('--dry-run', action='store_true', help="print the trials in order; run nothing")
    p.add_argument('extra', nargs='*', metavar='KEY=VALUE', help="options for every trial (e.g. epochs=2 for a CPU test)")
    a = p.parse_args(argv)
    t0, rc = time.monotonic(), 0
    left = lambda: None if a.deadline is None else a.deadline - (time.monotonic() - t0)
    if a.bench:
        cmd = [sys.executable, str(ROOT/'bench'/'bench_models.py'), '--dataset', a.dataset, '--data-dir', a.data_dir,
               '--device', a.device, '--json-dir', str(Path(a.out)/'bench')]
        print(('would run: ' if a.dry_run else 'running: ') + shlex.join(cmd), flush=True)
        if not a.dry_run: subprocess.run(cmd, cwd=ROOT, timeout=left())
    for study in [s.strip() for s in a.studies.split(',') if s.strip()]:
        out = Path(a.out)/f"{study}-{Path(a.dataset).name}"
        rest = left()
        if rest is not None and rest < 10 and not a.dry_run: print(f"deadline: {study} not started ({out})", flush=True); continue
        rows = [r.name for r in STUDIES[study] if not r.deterministic]   # pop, markov, ease: one CPU run each (the CPU campaign)
        argv = ['--study', study, '--rows', ','.join(rows), '--dataset', a.dataset, '--data-dir', a.data_dir, '--out', str(out), '--seeds', str(a.seeds),
                '--jobs', str(a.jobs), '--threads', str(a.threads), '--device', a.device,
                *(['--deadline', f"{rest:.0f}"] if rest is not None else []), *(['--dry-run'] if a.dry_run else []), *a.extra]
        print(f"== {study}: magnn campaign {shlex.join(argv)}", flush=True)
        rc = max(rc, campaign(argv))
    return rc

if __name__ == '__main__': sys.exit(main())
