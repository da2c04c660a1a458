"""Benchmark of the full-ranking evaluator on an Amazon-CDs-sized problem (test stage).

17,052 users x 35,118 items, a d=50 dot-product stand-in model (random embeddings), input = train+valid,
targets = test. Uses the real dataset when found (`--data-dir`, default ../shared/data), else random
sequences with the same shape (~28 items per user, at least 10). Target: under 20 s on a 2-core CPU.

    python bench/bench_eval.py [--data-dir DIR] [--synthetic] [--batch-size 1024 256 4096] [--threads N]
"""
import argparse, os, time
from pathlib import Path
import numpy as np
import torch
from torch import nn
from magnn.core import Seqs, Split
from magnn.evaluate import evaluate

N_USERS, N_ITEMS = 17_052, 35_118

class DotModel(nn.Module):
    "Stand-in recommender: score = p_u . q_j with random embeddings."
    def __init__(self, n_users:int, n_items:int, d:int=50, seed:int=0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.P = nn.Parameter(torch.randn(n_users, d, generator=g) * .1)
        self.Q = nn.Parameter(torch.randn(n_items + 1, d, generator=g) * .1)
    def score(self, batch, items=None): return self.P[batch.user] @ self.Q.T

def random_seqs(n_users:int=N_USERS, n_items:int=N_ITEMS, seed:int=0) -> Seqs:
    "Random sequences shaped like Amazon-CDs: >= 10 items per user, mean ~27.7, long tail."
    rng = np.random.default_rng(seed)
    lens = 9 + rng.geometric(1 / 18.7, n_users)
    items = rng.integers(1, n_items + 1, lens.sum())
    return Seqs(np.concatenate([[0], np.cumsum(lens)]), items, n_items)

def load(data_dir, synthetic:bool) -> tuple[Seqs, str]:
    if not synthetic and Path(data_dir, 'amazon-cds').is_dir():
        try:
            from magnn.datasets import load_dataset
            ds = load_dataset('amazon-cds', data_dir=data_dir)
            return ds.seqs, f"amazon-cds from {data_dir}"
        except ImportError as e: print(f"(magnn.data not usable: {e}; using random sequences)")
    return random_seqs(), "random sequences shaped like amazon-cds"

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--data-dir', default=str(Path(__file__).resolve().parents[2] / 'shared' / 'data'))
    p.add_argument('--synthetic', action='store_true', help="use random sequences even if the real data is there")
    p.add_argument('--batch-size', type=int, nargs='+', default=[1024])
    p.add_argument('--threads', type=int, default=None, help="torch CPU threads (default: torch's choice)")
    a = p.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    t0 = time.perf_counter()
    seqs, src = load(a.data_dir, a.synthetic)
    inp, tgt = Split.of(seqs).stage('test')
    print(f"data: {src}: {seqs.n_users:,} users, {seqs.n_items:,} items, {seqs.nnz:,} interactions "
          f"(loaded in {time.perf_counter() - t0:.1f} s)")
    print(f"test stage: input {inp.lengths.mean():.1f} items/user, targets {tgt.lengths.mean():.1f} items/user")
    model = DotModel(seqs.n_users, seqs.n_items)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.1f}")
    for bs in a.batch_size:
        t = time.perf_counter()
        res = evaluate(model, inp, tgt, L=5, max_hist=50, ks=(5, 10, 20), batch_size=bs)
        dt = time.perf_counter() - t
        print(f"batch_size={bs}: full evaluation of {res['users']:,} users x {seqs.n_items:,} items in {dt:.2f} s "
              f"(recall@10={res['recall@10']:.5f}, ndcg@10={res['ndcg@10']:.5f}, ndcg_paper@10={res['ndcg_paper@10']:.5f})")

if __name__ == '__main__': main()
