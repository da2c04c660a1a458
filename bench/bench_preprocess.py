"""Benchmark of the data pipeline at MovieLens-20M scale (a script, not a test).

Generates a 20M-row `ratings.csv` shaped like MovieLens-20M (userId,movieId,rating,timestamp; ~138k users,
~27k movies, >= 20 ratings per user with a heavy tail, Zipf-like movie popularity, ratings 0.5..5 in steps of 0.5, sorted
by user then movie like the real file) in a temporary folder, then runs `magnn.datasets.load_dataset` on it in
fresh subprocesses and prints wall time and peak memory (ru_maxrss) of:

- `phases`: `read_interactions` and `preprocess` timed separately (no cache),
- `cold`:   `load_dataset(path)` as a user runs it (checksum, read, preprocess, write the cache),
- `warm`:   the same call again (served from the cache).

Targets on a 2-core machine: cold under 60 s and under 4 GiB peak.

    python bench/bench_preprocess.py [--rows 20000000] [--dir DIR] [--keep]
"""
from __future__ import annotations
import argparse, json, os, resource, shutil, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

def generate(path:Path, rows:int, users:int, items:int, seed:int=0) -> None:
    "Write an ML-20M-shaped ratings.csv with numpy + pyarrow (a few seconds per 10M rows)."
    import pyarrow as pa, pyarrow.csv as pacsv
    rng = np.random.default_rng(seed)
    act = 20 + rng.lognormal(np.log(50), 1.2, users)                    # ratings per user: >= 20, heavy tail
    n = np.floor(act / act.sum() * rows).astype(np.int64)
    n[rng.choice(users, rows - n.sum(), replace=False)] += 1               # exactly `rows` in total
    user = np.repeat(np.arange(1, users + 1, dtype=np.int32), n)
    iw = (np.arange(items, dtype=np.float64) + 500) ** -2.5; iw /= iw.sum()  # popularity: top movie ~0.3%, median ~15
    movie_ids = np.sort(rng.choice(131_262, items, replace=False)).astype(np.int32) + 1  # sparse ids like ML
    movie = movie_ids[rng.permutation(items)[rng.choice(items, rows, p=iw)]]
    stars = np.arange(1, 11, dtype=np.float32) / 2
    p = np.array([1.1, 3.4, 1.4, 7.2, 4.4, 21.4, 10.5, 27.8, 7.7, 14.5]); p /= p.sum()  # ML-20M's rating histogram
    rating = stars[rng.choice(10, rows, p=p)]
    ts = rng.integers(789_652_009, 1_427_784_002, rows)
    order = np.lexsort((movie, user))                                    # the real file is sorted by user, movie
    t = pa.table({'userId': user[order], 'movieId': movie[order], 'rating': rating[order], 'timestamp': ts[order]})
    del user, movie, rating, ts, order
    with pa.OSFile(str(path), 'wb') as f:
        f.write(b'userId,movieId,rating,timestamp\n')  # unquoted, like the real file
        pacsv.write_csv(t, f, pacsv.WriteOptions(include_header=False, quoting_style='none'))

_CHILD = r'''
import json, os, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
out = {}
if mode == 'phases':
    from magnn.data import read_interactions, preprocess
    t1 = time.perf_counter(); df = read_interactions(path)
    t2 = time.perf_counter(); ds = preprocess(df, name='bench')
    t3 = time.perf_counter()
    out.update(import_s=t1 - t0, read_s=t2 - t1, preprocess_s=t3 - t2, rows=len(df))
else:
    from magnn.datasets import load_dataset
    t1 = time.perf_counter(); ds = load_dataset(path)
    t3 = time.perf_counter()
    out.update(import_s=t1 - t0, load_s=t3 - t1, from_cache=ds.source.get('from_cache'))
out.update(wall_s=time.perf_counter() - t0, stats=ds.stats(), rounds=ds.source.get('core_rounds'),
           peak_gib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20)
print(json.dumps(out))
'''

def run(mode:str, path:Path, env:dict) -> dict:
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, '-c', _CHILD, mode, str(path)], env=env, capture_output=True, text=True)
    if r.returncode: sys.exit(f"{mode} failed:\n{r.stderr}")
    out = json.loads(r.stdout.strip().splitlines()[-1]); out['process_s'] = time.perf_counter() - t0
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rows', type=int, default=20_000_000)
    ap.add_argument('--users', type=int, default=138_493)
    ap.add_argument('--items', type=int, default=26_744)
    ap.add_argument('--dir', type=Path, help="work folder (default: a temporary one); an existing ratings.csv there is reused")
    ap.add_argument('--keep', action='store_true', help="keep the work folder")
    a = ap.parse_args()
    work = a.dir or Path(tempfile.mkdtemp(prefix='magnn-bench-'))
    work.mkdir(parents=True, exist_ok=True)
    path = work/'ratings.csv'
    try:
        if not path.exists():
            t0 = time.perf_counter(); generate(path, a.rows, a.users, a.items)
            print(f"generated {path} ({path.stat().st_size / 2**20:,.0f} MiB) in {time.perf_counter() - t0:.1f} s", flush=True)
        env = dict(os.environ, MAGNN_CACHE=str(work/'cache'))
        env.pop('MAGNN_DATA', None)
        shutil.rmtree(work/'cache', ignore_errors=True)
        for mode in ('phases', 'cold', 'warm'):
            r = run(mode, path, env)
            s = r.pop('stats')
            times = ', '.join(f"{k[:-2]} {v:.1f} s" for k, v in r.items() if k.endswith('_s') and k not in ('wall_s', 'process_s'))
            print(f"{mode:>6}: wall {r['process_s']:6.1f} s ({times}), peak RSS {r['peak_gib']:.2f} GiB; "
                  f"{s['users']:,} users, {s['items']:,} items, {s['interactions']:,} interactions"
                  + (f", {r['rounds']} k-core rounds" if r.get('rounds') is not None else ''), flush=True)
    finally:
        if not a.keep and not a.dir: shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
