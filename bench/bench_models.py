"""Benchmark of every model: one training epoch (all of its training examples) and one full test evaluation.

The epoch is the trainer's own (`magnn.train.setup` + `run_epoch`: the model's examples in random order, its own
loss, Adam with weight decay), the evaluation `magnn.train.evaluate_run` on the train+validation input with the
model's context rebuilt from it, exactly as a run does. One JSON file per model (`--json-dir`), which
`magnn.results.bench_table` prints as the README's speed table.

    python bench/bench_models.py --dataset amazon-cds [--models magnn bprmf sasrec ...] [--device cpu|cuda]
        [--epochs 2 | --batches 10] [--threads N] [--amp] [--compile] [--json-dir results/bench] [--set KEY=VALUE ...]

`--models all` (the default) times every registered model. `--set` applies to every model that has the option.
"""
import argparse, json, os, time
from pathlib import Path
import torch
from magnn.core import get_device
from magnn.datasets import load_dataset
from magnn.models import MODELS, make_config, get_model
from magnn.config import RunConfig
from magnn.train import setup, run_epoch, evaluate_run

def _sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def _partial_epoch(s, cfg, dev, n:int) -> float:
    "Seconds per epoch from `n` timed training batches (after one warm-up batch): the trainer's own batch step."
    ex, bs = s.examples, cfg.train.batch_size
    perm = torch.randperm(len(ex), generator=s.gen, device=ex.device)
    def step(i):
        b = ex.batch(perm[i * bs:(i + 1) * bs])
        loss, k = s.model.loss(b, s.negatives, cfg.train)
        s.opt.zero_grad(set_to_none=True); (loss + s.model.reg()).backward(); s.opt.step()
    s.model.train(); step(0); _sync(dev)
    n = min(n, -(-len(ex) // bs) - 1)
    t = time.perf_counter()
    for i in range(1, n + 1): step(i)
    _sync(dev)
    return (time.perf_counter() - t) / n * -(-len(ex) // bs)

def bench(name:str, ds, dev, a) -> dict:
    "Time `a.epochs` epochs and one test evaluation of model `name`; returns the JSON record."
    known = RunConfig.keys(get_model(name).config_cls)
    over = [s for s in a.set if s.split('=', 1)[0] in known] + (['amp=true'] if a.amp else [])
    cfg = make_config(name, over)
    out = dict(model=name, dataset=ds.name, device=str(dev), variant=getattr(cfg.hyper, 'variant', None), amp=a.amp, compile=a.compile,
               options=over, torch=torch.__version__, threads=torch.get_num_threads(), load_avg=os.getloadavg()[0])
    if dev.type == 'cuda': out['gpu'] = torch.cuda.get_device_name(dev)
    split = ds.split(); v_inp, _ = split.stage('valid')
    t = time.perf_counter(); s = setup(cfg, ds, v_inp, dev, a.seed); _sync(dev); out['setup_s'] = time.perf_counter() - t
    out['windows'] = len(s.examples); out['batches'] = -(-len(s.examples) // cfg.train.batch_size)
    out['params'] = sum(p.numel() for p in s.model.parameters())
    if a.compile and hasattr(s.model, 'user_vector'): s.model.user_vector = torch.compile(s.model.user_vector, dynamic=True)
    out['epochs'] = []
    if s.opt is not None and a.batches:   # steady-state batches, extrapolated to the epoch (recorded as such)
        out['epoch_s'], out['extrapolated_from_batches'] = _partial_epoch(s, cfg, dev, a.batches), a.batches
        print(f"{name}: {a.batches} batches -> {out['epoch_s']:.2f} s per epoch ({out['batches']} batches)", flush=True)
    elif s.opt is not None:
        for e in range(1, a.epochs + 1):
            _sync(dev); row = run_epoch(s, cfg, e); _sync(dev)
            out['epochs'].append(dict(seconds=row['train_s'], loss=row['loss']))
            print(f"{name}: epoch {e}: {row['train_s']:.2f} s, loss {row['loss']:.4f}", flush=True)
        out['epoch_s'] = min(r['seconds'] for r in out['epochs'])
    else: out['epoch_s'] = 0.
    if not a.no_eval:
        t_inp, t_tgt = split.stage('test')
        s.model.fit_context(t_inp); _sync(dev); t = time.perf_counter()
        m = evaluate_run(s.model, t_inp, t_tgt, cfg); _sync(dev); out['eval_s'] = time.perf_counter() - t
        out['test'] = {k: m[k] for k in ('recall@10', 'ndcg@10', 'ndcg_paper@10', 'users')}
        print(f"{name}: test evaluation ({m['users']:,} users): {out['eval_s']:.2f} s; recall@10 {m['recall@10']:.4f} after {a.epochs} epoch(s)", flush=True)
    if dev.type == 'cuda': out['max_memory_gib'] = torch.cuda.max_memory_allocated(dev) / 2**30
    return out

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--dataset', default='amazon-cds', help="amazon-cds, ml-100k, synthetic, or any magnn dataset name/folder")
    p.add_argument('--data-dir', default=os.environ.get('MAGNN_DATA', str(Path(__file__).resolve().parents[2]/'shared'/'data')))
    p.add_argument('--models', nargs='*', default=['all'], help="registered model names, or all")
    p.add_argument('--device', default='cpu', help="cpu, cuda or auto")
    p.add_argument('--epochs', type=int, default=2, help="timed epochs (the fastest is reported; the first includes warm-up)")
    p.add_argument('--set', nargs='*', default=[], metavar='KEY=VALUE', help="options for the models that have them")
    p.add_argument('--amp', action='store_true', help="bf16 autocast of the training forward (CUDA)")
    p.add_argument('--compile', action='store_true', help="torch.compile the model's user-vector computation")
    p.add_argument('--threads', type=int, default=None, help="torch CPU threads (default: torch's choice)")
    p.add_argument('--batches', type=int, default=None, help="time this many batches and extrapolate to the epoch (for slow models on a CPU)")
    p.add_argument('--no-eval', action='store_true', help="skip the test evaluation")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--json-dir', default=None, help="write one JSON file per model here (bench-DATASET-MODEL-DEVICE.json)")
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    dev = get_device(a.device)
    t = time.perf_counter(); ds = load_dataset(a.dataset, data_dir=a.data_dir); load_s = time.perf_counter() - t
    names = sorted(MODELS) if a.models == ['all'] else a.models
    outs = []
    for n in names:
        o = bench(n, ds, dev, a); o['load_s'] = load_s; outs.append(o)
        if a.json_dir:
            f = Path(a.json_dir)/f"bench-{ds.name}-{n}-{dev.type}.json"; f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(o, indent=2) + '\n')
    print('| model | epoch (s) | test evaluation (s) | examples / batches |\n|---|---|---|---|')
    for o in outs: print(f"| {o['model']} | {o['epoch_s']:.2f} | {o.get('eval_s', float('nan')):.2f} | {o['windows']:,} / {o['batches']} |")
    return outs

if __name__ == '__main__': main()
