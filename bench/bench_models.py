"""Benchmark of every model: one training epoch (all of its training examples) and one full test evaluation.

The epoch is the trainer's own (`magnn.train.setup` + `run_epoch`: the model's examples in random order, its own
loss, Adam with weight decay), or, with `--batches N`, N batches of `magnn.train.train_step` (the trainer's one
batch step) after one warm-up batch, extrapolated to the epoch. The evaluation is `magnn.train.evaluate_run` on
the train+validation input with the model's context rebuilt from it, exactly as a run does.

Each record holds the process CPU time (`time.process_time`) beside the wall time, the load average before and
after, the number of training examples, targets and batches per epoch, and the epoch's FLOP floor (`flop_floor`,
a hand count per model). On a shared machine the CPU time is the figure to compare: the wall time grows with
the other processes, the CPU time much less. One JSON file per model goes to `--json-dir` (default
results/bench/models, one file per dataset, model and device: bench-DATASET-MODEL-DEVICE.json), which
`magnn.results.bench_table` prints as the README's speed table.

    python bench/bench_models.py --threads 1 [--dataset amazon-cds] [--models magnn bprmf ...] [--device cpu|cuda]
        [--epochs 1 | --batches 20 | --batches gcsan=20 gru4rec=20] [--amp] [--compile] [--json-dir DIR] [--set KEY=VALUE ...]

`--models all` (the default) times every registered model. `--set` applies to every model that has the option.
`--batches` takes one number for every model, or MODEL=N pairs for some (the others run whole epochs).

Each model runs in a fresh Python process (`--in-process`: all in this one). A model timed after others in one
process inherits their heap: MA-GNN's epoch took 10.3 CPU s after gcsan and gru4rec+ against 8.4 s in a process
of its own, at the same load. Each record also holds `machine`: a one-thread 1024x1024 float32 matrix product
(GFLOP/s) and a 64 MB copy (GB/s), timed in the same process just before the model. This machine's speed drifts
over days (the same code has taken 1.7x longer), so figures from different days compare only through it.
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
import torch
from magnn.core import get_device
from magnn.datasets import load_dataset
from magnn.models import MODELS, make_config, get_model
from magnn.config import RunConfig
from magnn.train import setup, run_epoch, evaluate_run, train_step

def _sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def _clock(): return time.perf_counter(), time.process_time()

def flop_floor(name:str, cfg:RunConfig, n_items:int, examples:int, batches:int, nnz:int=0, positions:int=0, positions_sq:int=0) -> float:
    """FLOPs of one training epoch of model `name`: a hand count of its multiply-adds, 2 FLOPs each, times 3
    (the backward pass computes two products for each product of the forward pass); the optimiser, gathers and
    element-wise work are not counted. Per training example (window or sequence) with d the embedding size,
    L the window, T its targets, C = T·(1 + neg) the items scored per window, and the model's own sizes:

    - bprmf: d·C (p_u·q_j).
    - hgn: L·d² + d² (feature gate) + 2·L·d (instance gate) + d·C.
    - magnn (full): short term L·2d·d (W^(1)) + d·2d (W^(2) when the variant has p^S); long term, per history
      cell, H·(d·h + h·d) (attention logits and S·X) + d² (W_a2 p_u) + 2·d·m (memory) + 3·d² (gate) + d² (W_r)
      + d·C; per batch, once for the whole item table, |I|·d² (W_a1 E) and nnz(A)·d (the graph product A·E).
    - sasrec: per block, on the r real positions of a sequence (padding is skipped), 5·r·d² (Q, K, V, two FFN
      layers) + r·(r + 1)·d (QKᵀ and AV, causal); scores r·d·(1 + neg). Here r sums to `positions` and r² to
      `positions_sq` over the epoch's sequences.
    - caser: Σ_h (L-h+1)·h·d·n_h (horizontal filters) + n_v·L·d (vertical) + (n_v·d + n_h·L)·d (fc1) + 2d·C.
    - marank: with n = n_depend, att_layers·(d² + n·d²) (residual layers) + (att_layers + 1)·(n·d² + d² + n·d)
      (attentions) + (att_layers + 1)·(d² + d) (fusion) + linear_layers·d² + 2d·C.
    - gru4rec(+): per window item, one GRU step 3·(e·h + h²) (e = 1 for one-hot input, else h) and the scores of
      the batch's targets and shared samples, h·(batch + n_sample).
    - gcsan: per window, the gated GNN 2·L·d·d·3 + L·d·2d·3 (gates over in/out messages), blocks·(4·L·d² + 2·L²·d
      + 2·L·d²), and the full softmax over every item, |I|·d (its dominant term).
    - pop, markov: no gradient training (0).
    """
    h, w, t = cfg.hyper, cfg.window, cfg.train
    L, T, d = w.L, w.T, getattr(h, 'd', getattr(h, 'hidden', 50))
    C = T * (1 + t.neg)
    per_batch = 0.
    if name == 'bprmf': mac = d * C
    elif name == 'hgn': mac = L * d * d + d * d + 2 * L * d + d * C
    elif name == 'magnn':
        use = h.parts
        mac = d * C
        if 'short' in use:
            mac += L * 2 * d * d + (d * 2 * d if use.get('short') == 'pS' else 0)
            per_batch += nnz * d
        if 'long' in use:
            mac += w.max_hist * 2 * d * h.h + d * d + 2 * d * h.m + 3 * d * d
            per_batch += n_items * d * d
        if use.get('cooc'): mac += d * d
    elif name == 'sasrec':
        return 3 * 2 * (h.blocks * (5 * positions * d * d + (positions_sq + positions) * d) + positions * d * (1 + t.neg))
    elif name == 'caser':
        mac = sum((L - k + 1) * k * d * h.nh for k in range(1, L + 1)) + h.nv * L * d + (h.nv * d + h.nh * L) * d + 2 * d * C
    elif name == 'marank':
        n, a = h.n_depend, h.att_layers
        mac = a * (d * d + n * d * d) + (a + 1) * (n * d * d + d * d + n * d) + (a + 1) * (d * d + d) + h.linear_layers * d * d + 2 * d * C
    elif name.startswith('gru4rec'):
        e = 1 if h.embedding == 'onehot' else d
        mac = L * (3 * (e * d + d * d) + d * (t.batch_size + h.n_sample))
    elif name == 'gcsan':
        mac = 2 * L * d * d * 3 + L * 2 * d * d * 3 + h.blocks * (4 * L * d * d + 2 * L * L * d + 2 * L * d * d) + n_items * d
    else: return 0.
    return 3 * 2 * (mac * examples + per_batch * batches)

def _counts(ex, bs=8192) -> tuple[int, int, int]:
    "(real training targets (non-padding `pos`), real input positions (`seq`), Σ of each example's real positions squared)."
    t = r = r2 = 0
    for i in range(0, len(ex), bs):
        b = ex.batch(torch.arange(i, min(i + bs, len(ex)), device=ex.device))
        n = (b.seq > 0).sum(1)
        t, r, r2 = t + int((b.pos > 0).sum()), r + int(n.sum()), r2 + int((n * n).sum())
    return t, r, r2

def machine_speed() -> dict:
    "This moment's speed of the machine at torch's thread setting (one thread with --threads 1): a 1024x1024 float32 matrix product in GFLOP/s and a 64 MB copy in GB/s, each the best of 5 (process CPU time)."
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    x = torch.randn(16 << 20); y = torch.empty_like(x)
    for _ in range(3): a @ b; y.copy_(x)
    mm = cp = float('inf')
    for _ in range(5):
        c = time.process_time()
        for _ in range(5): a @ b
        mm = min(mm, (time.process_time() - c) / 5)
        c = time.process_time(); y.copy_(x); cp = min(cp, time.process_time() - c)
    return dict(sgemm_gflops=2 * 1024 ** 3 / mm / 1e9, copy_gbs=2 * x.numel() * 4 / cp / 1e9, threads=torch.get_num_threads())

def _partial_epoch(s, cfg, dev, n:int) -> tuple[float, float]:
    "(wall s, CPU s) per epoch from `n` timed batches of `train_step` (after one warm-up batch), extrapolated."
    ex, bs = s.examples, cfg.train.batch_size
    nb = -(-len(ex) // bs)
    perm = torch.randperm(len(ex), generator=s.gen, device=ex.device)
    step = lambda i: train_step(s.model, ex.batch(perm[i * bs:(i + 1) * bs]), s.negatives, s.opt, cfg.train)
    s.model.train(); step(0); _sync(dev)
    n = max(1, min(n, nb - 1))
    w, c = _clock()
    for i in range(1, n + 1): step(i)
    _sync(dev)
    w2, c2 = _clock()
    return (w2 - w) / n * nb, (c2 - c) / n * nb

def bench(name:str, ds, dev, a) -> dict:
    "Time one epoch (or `a.batches`) and one test evaluation of model `name`; returns the JSON record."
    known = RunConfig.keys(get_model(name).config_cls)
    over = [s for s in a.set if s.split('=', 1)[0] in known] + (['amp=true'] if a.amp else [])
    cfg = make_config(name, over)
    out = dict(model=name, dataset=ds.name, device=str(dev), variant=getattr(cfg.hyper, 'variant', None), amp=a.amp, compile=a.compile,
               options=over, torch=torch.__version__, threads=torch.get_num_threads(), cpus=os.cpu_count(), load_avg=os.getloadavg()[0])
    if dev.type == 'cpu': out['machine'] = machine_speed()
    if dev.type == 'cuda': out['gpu'] = torch.cuda.get_device_name(dev)
    split = ds.split(); v_inp, _ = split.stage('valid')
    t = time.perf_counter(); s = setup(cfg, ds, v_inp, dev, a.seed); _sync(dev); out['setup_s'] = time.perf_counter() - t
    out['windows'] = len(s.examples); out['batches'] = -(-len(s.examples) // cfg.train.batch_size)
    out['targets'], out['positions'], pos_sq = _counts(s.examples)
    out['params'] = sum(p.numel() for p in s.model.parameters())
    short = getattr(s.model, 'short', None)
    out['flop_floor'] = flop_floor(name, cfg, ds.n_items, out['windows'], out['batches'], short.graph.nnz if short is not None else 0, out['positions'], pos_sq)
    if a.compile and hasattr(s.model, 'user_vector'): s.model.user_vector = torch.compile(s.model.user_vector, dynamic=True)
    out['epochs'] = []
    nb = a.batches.get(name, a.batches.get('*'))
    if s.opt is not None and nb:   # steady-state batches, extrapolated to the epoch (recorded as such)
        out['epoch_s'], out['epoch_cpu_s'] = _partial_epoch(s, cfg, dev, nb)
        out['extrapolated_from_batches'] = nb
        print(f"{name}: {nb} batches -> {out['epoch_cpu_s']:.2f} CPU s ({out['epoch_s']:.2f} wall s) per epoch ({out['batches']} batches)", flush=True)
    elif s.opt is not None:
        for e in range(1, a.epochs + 1):
            _sync(dev); w, c = _clock(); row = run_epoch(s, cfg, e); _sync(dev); w2, c2 = _clock()
            out['epochs'].append(dict(seconds=w2 - w, cpu_seconds=c2 - c, loss=row['loss']))
            print(f"{name}: epoch {e}: {c2 - c:.2f} CPU s ({w2 - w:.2f} wall s), loss {row['loss']:.4f}", flush=True)
        best = min(out['epochs'], key=lambda r: r['cpu_seconds'])
        out['epoch_s'], out['epoch_cpu_s'] = best['seconds'], best['cpu_seconds']
    else: out['epoch_s'] = out['epoch_cpu_s'] = 0.
    if not a.no_eval:
        t_inp, t_tgt = split.stage('test')
        s.model.fit_context(t_inp); _sync(dev); w, c = _clock()
        m = evaluate_run(s.model, t_inp, t_tgt, cfg); _sync(dev); w2, c2 = _clock()
        out['eval_s'], out['eval_cpu_s'] = w2 - w, c2 - c
        out['test'] = {k: m[k] for k in ('recall@10', 'ndcg@10', 'ndcg_paper@10', 'users')}
        print(f"{name}: test evaluation ({m['users']:,} users): {c2 - c:.2f} CPU s ({w2 - w:.2f} wall s); recall@10 {m['recall@10']:.4f}", flush=True)
    if dev.type == 'cuda': out['max_memory_gib'] = torch.cuda.max_memory_allocated(dev) / 2**30
    out['load_avg_end'] = os.getloadavg()[0]
    return out

def _batches(vals:list[str]) -> dict:
    "`--batches` as {model: n}; a bare number applies to every model ('*')."
    out = {}
    for v in vals:
        k, _, n = v.rpartition('=')
        out[k or '*'] = int(n)
    return out

def _fresh(name:str, argv:list[str]) -> dict:
    "Run `name`'s benchmark in a fresh Python process with this command's arguments `argv`, and return its record."
    with tempfile.TemporaryDirectory() as tmp:   # a later --models and --json-dir replace the ones in argv
        r = subprocess.run([sys.executable, str(Path(__file__).resolve()), *argv, '--models', name, '--json-dir', tmp], stdout=subprocess.PIPE, text=True)
        for line in r.stdout.splitlines():
            if not line.startswith('|'): print(line, flush=True)   # its progress lines, not its one-row table
        files = list(Path(tmp).glob('bench-*.json'))
        if r.returncode or len(files) != 1: raise SystemExit(f"bench_models: error: the benchmark of {name} failed (exit {r.returncode})")
        return json.loads(files[0].read_text())

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='amazon-cds', help="amazon-cds, ml-100k, synthetic, or any magnn dataset name/folder")
    p.add_argument('--data-dir', default=os.environ.get('MAGNN_DATA', str(Path(__file__).resolve().parents[2]/'shared'/'data')))
    p.add_argument('--models', nargs='*', default=['all'], help="registered model names, or all")
    p.add_argument('--device', default='cpu', help="cpu, cuda or auto")
    p.add_argument('--epochs', type=int, default=1, help="timed epochs (the one with the least CPU time is reported)")
    p.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help="options for the models that have them")
    p.add_argument('--amp', action='store_true', help="bf16 autocast of the training forward (CUDA)")
    p.add_argument('--compile', action='store_true', help="torch.compile the model's user-vector computation")
    p.add_argument('--threads', type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument('--batches', nargs='*', default=[], metavar='[MODEL=]N',
                   help="time N batches and extrapolate to the epoch: one N for every model, or MODEL=N for some (slow models on a CPU)")
    p.add_argument('--no-eval', action='store_true', help="skip the test evaluation")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--json-dir', default=str(Path(__file__).resolve().parents[1]/'results'/'bench'/'models'),
                   help="write one JSON file per model here (bench-DATASET-MODEL-DEVICE.json); '' for none")
    p.add_argument('--in-process', action='store_true', help="time every model in this process (default: each in a fresh one)")
    argv = list(sys.argv[1:] if argv is None else argv)
    a = p.parse_args(argv)
    names = sorted(MODELS) if a.models == ['all'] else a.models
    if unknown := [n for n in names if n not in MODELS]: p.error(f"unknown model {', '.join(unknown)}; choose from {', '.join(sorted(MODELS))}")
    a.batches = _batches(a.batches)
    if a.threads: torch.set_num_threads(a.threads)
    dev = get_device(a.device)
    outs = []
    if len(names) > 1 and not a.in_process:                             # one fresh process per model: no heap left by the one before
        for n in names: outs.append(_fresh(n, argv))
    else:
        t = time.perf_counter(); ds = load_dataset(a.dataset, data_dir=a.data_dir); load_s = time.perf_counter() - t
        for n in names:
            o = bench(n, ds, dev, a); o['load_s'] = load_s; outs.append(o)
    for o in outs:
        n = o['model']
        if a.json_dir:
            f = Path(a.json_dir)/f"bench-{o['dataset']}-{n}-{dev.type}.json"; f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(o, indent=2) + '\n')
    print('| model | epoch CPU s | epoch wall s | FLOP floor (GFLOP) | GFLOP/s | test evaluation CPU s | examples / targets / batches | load |\n|---|---|---|---|---|---|---|---|')
    for o in outs:
        rate = o['flop_floor'] / 1e9 / o['epoch_cpu_s'] if o['epoch_cpu_s'] else float('nan')
        print(f"| {o['model']} | {o['epoch_cpu_s']:.2f} | {o['epoch_s']:.2f} | {o['flop_floor'] / 1e9:.1f} | {rate:.1f} | "
              f"{o.get('eval_cpu_s', float('nan')):.2f} | {o['windows']:,} / {o['targets']:,} / {o['batches']} | {o['load_avg']:.1f} |")
    return outs

if __name__ == '__main__': main()
