"""Benchmark of MA-GNN alone (kept for the commands in README and bench/gpu_session.py): `bench_models.py --models magnn`.

    python bench/bench_magnn.py --dataset ml-100k [--data-dir DIR] [--device cpu|cuda] [--epochs 2]
        [--variant full] [--amp] [--compile] [--threads N] [--batch-size 4096] [--eval-batch-size 1024] [--json OUT]
"""
import argparse, json, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
import bench_models

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--variant', default='full')
    p.add_argument('--batch-size', type=int, default=4096)
    p.add_argument('--eval-batch-size', type=int, default=1024)
    p.add_argument('--json', default=None, help="also write the results to this JSON file")
    a, rest = p.parse_known_args(argv)
    sets = [f'variant={a.variant}', f'batch_size={a.batch_size}', f'eval_batch_size={a.eval_batch_size}']
    if '--set' in rest: i = rest.index('--set'); rest[i + 1:i + 1] = sets
    else: rest += ['--set', *sets]
    out = bench_models.main(['--models', 'magnn', *rest])[0]
    if a.json: Path(a.json).write_text(json.dumps(out, indent=2) + '\n')
    return out

if __name__ == '__main__': main()
