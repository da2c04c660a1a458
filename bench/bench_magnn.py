"""Benchmark of MA-GNN: one training epoch (all windows of the training input) and one full test evaluation.

The epoch is the trainer's own (`magnn.train.train_epoch`: windows in random order, one negative per target,
summed BPR loss, Adam with weight decay), with `amp=True` for bf16 autocast (`--amp`); `--compile` wraps the
model's user-vector computation in `torch.compile`. The test evaluation is `magnn.evaluate.evaluate` on the
train+validation input with the item graph rebuilt from it (`fit_context`), as the trainer does.
Target on a 2-core CPU: under 10 s per epoch on ml-100k.

    python bench/bench_magnn.py --dataset ml-100k [--data-dir DIR] [--device cpu|cuda] [--epochs 2]
        [--variant full] [--amp] [--compile] [--threads N] [--batch-size 4096] [--eval-batch-size 1024] [--json OUT]
"""
import argparse, json, os, sys, time
from contextlib import nullcontext
from pathlib import Path
import torch
from magnn.core import get_device, seed_everything
from magnn.data import load_dataset
from magnn.models import make_config, get_model
from magnn.sampler import make_windows, NegativeSampler
from magnn.train import train_epoch, make_optimizer
from magnn.evaluate import evaluate

def _sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def _autocast(dev, amp:bool):
    return torch.autocast(dev.type, dtype=torch.bfloat16) if amp else nullcontext()

def epoch(model, windows, sampler, opt, cfg, dev, amp:bool, gen) -> tuple[float, float]:
    "One pass of the trainer's own epoch (`magnn.train.train_epoch`); returns (seconds, mean loss per pair)."
    cfg.amp = amp
    _sync(dev); t = time.perf_counter()
    loss = train_epoch(model, windows, sampler, opt, cfg, gen)
    _sync(dev)
    return time.perf_counter() - t, loss

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='ml-100k', help="ml-100k, amazon-cds, synthetic, or any magnn dataset name/folder")
    p.add_argument('--data-dir', default=str(Path(__file__).resolve().parents[2] / 'shared' / 'data'))
    p.add_argument('--device', default='cpu', help="cpu, cuda or auto")
    p.add_argument('--variant', default='full')
    p.add_argument('--epochs', type=int, default=2, help="timed epochs (the first one includes warm-up / compilation)")
    p.add_argument('--batch-size', type=int, default=4096)
    p.add_argument('--eval-batch-size', type=int, default=1024)
    p.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help="other MA-GNN hyperparameters, e.g. h=5 m=20")
    p.add_argument('--amp', action='store_true', help="bf16 autocast for the forward (CUDA; CPU autocast works but is rarely faster)")
    p.add_argument('--compile', action='store_true', help="torch.compile the model's user-vector computation")
    p.add_argument('--threads', type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument('--no-eval', action='store_true', help="skip the test evaluation")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--json', default=None, help="also write the results to this JSON file")
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    dev = get_device(a.device)
    seed_everything(a.seed)
    gen = torch.Generator(device=dev); gen.manual_seed(a.seed)
    out = dict(dataset=a.dataset, device=str(dev), variant=a.variant, amp=a.amp, compile=a.compile,
               torch=torch.__version__, threads=torch.get_num_threads(), load_avg=os.getloadavg()[0])
    if dev.type == 'cuda': out['gpu'] = torch.cuda.get_device_name(dev)

    t = time.perf_counter()
    kw = dict(n_users=2000, n_items=1000) if a.dataset == 'synthetic' else {}
    ds = load_dataset(a.dataset, data_dir=a.data_dir, **kw)
    out['load_s'] = time.perf_counter() - t
    out['stats'] = ds.stats()
    cfg = make_config('magnn', [f'variant={a.variant}', f'batch_size={a.batch_size}', f'eval_batch_size={a.eval_batch_size}', *a.set])
    split = ds.split()
    v_inp, _ = split.stage('valid')
    model = get_model('magnn')(ds.n_users, ds.n_items, cfg).to(dev)
    t = time.perf_counter(); model.fit_context(v_inp); _sync(dev); out['graph_s'] = time.perf_counter() - t
    out['graph_nnz'] = model.short.graph.nnz if model.short is not None else 0
    windows = make_windows(v_inp, cfg.L, cfg.T, cfg.max_hist, dev)
    sampler = NegativeSampler(v_inp, dev)
    out['windows'] = len(windows); out['batches'] = -(-len(windows) // cfg.batch_size)
    if a.compile: model.user_vector = torch.compile(model.user_vector, dynamic=True)
    opt = make_optimizer(model.parameters(), cfg, dev)
    print(f"{ds.name}: {out['stats']}; {len(windows):,} windows, {out['batches']} batches of {cfg.batch_size}; "
          f"graph {out['graph_nnz']:,} edges ({out['graph_s']:.2f} s); device {dev}, {out['threads']} threads, "
          f"load average {out['load_avg']:.1f}; variant {a.variant}, amp {a.amp}, compile {a.compile}", flush=True)
    out['epochs'] = []
    for e in range(a.epochs):
        s, loss = epoch(model, windows, sampler, opt, cfg, dev, a.amp, gen)
        out['epochs'].append(dict(seconds=s, loss=loss))
        print(f"epoch {e + 1}: {s:.2f} s, loss {loss:.4f}", flush=True)
    out['epoch_s'] = min(r['seconds'] for r in out['epochs'])

    if not a.no_eval:
        t_inp, t_tgt = split.stage('test')
        t = time.perf_counter(); model.fit_context(t_inp); _sync(dev); out['test_graph_s'] = time.perf_counter() - t
        _sync(dev); t = time.perf_counter()
        with _autocast(dev, a.amp): m = evaluate(model, t_inp, t_tgt, cfg.L, cfg.max_hist, batch_size=cfg.eval_batch_size)
        _sync(dev); out['eval_s'] = time.perf_counter() - t
        out['test'] = {k: m[k] for k in ('recall@10', 'ndcg@10', 'ndcg_paper@10', 'users')}
        print(f"test evaluation ({m['users']:,} users, batch {cfg.eval_batch_size}): {out['eval_s']:.2f} s "
              f"(+ graph rebuild {out['test_graph_s']:.2f} s); recall@10 {m['recall@10']:.4f} after {a.epochs} epoch(s)", flush=True)
    if dev.type == 'cuda': out['max_memory_gib'] = torch.cuda.max_memory_allocated(dev) / 2**30
    if a.json: Path(a.json).write_text(json.dumps(out, indent=2) + '\n')
    print(json.dumps({k: v for k, v in out.items() if k not in ('stats',)}))
    return out

if __name__ == '__main__': main()
