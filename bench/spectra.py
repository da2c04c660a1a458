"""Spectra of MA-GNN's shared matrices over training (issue 13): the largest singular values and the effective
rank of W_r, W^(1), W^(2) and W_a^(1) after every epoch, with the shared trainer's own epochs.

    python bench/spectra.py NAME [--dataset amazon-cds] [--epochs 16] [--out results/amazon-cds-spectra] [key=value ...]
    python bench/spectra.py --plot [--out results/amazon-cds-spectra] [--figure figures/spectra-amazon-cds.png]

The first form trains one configuration (seed 0, validation input, as a run's model selection does) and writes
OUT/NAME.json: the config, and per epoch the loss, seconds and every tracked matrix's spectrum; at the end the
validation metrics. The second draws every JSON in OUT: top singular value and effective rank against epoch.
"""
import argparse, json, os, sys, time
from pathlib import Path
import torch

def die(msg:str):
    print(f"magnn: error: {msg}", file=sys.stderr); sys.exit(2)
from magnn.core import MagnnError, get_device
from magnn.datasets import load_dataset
from magnn.models import make_config
from magnn.models.magnn import spectrum, shared_matrices
from magnn.train import setup, run_epoch, evaluate_run

def record(model) -> dict: return {k: spectrum(W) for k, W in shared_matrices(model).items()}

def train(a, over):
    ds = load_dataset(a.dataset, data_dir=a.data_dir)
    cfg = make_config('magnn', over + [f'epochs={a.epochs}'], dataset=ds.name)
    v_inp, v_tgt = ds.split().stage('valid')
    s = setup(cfg, ds, v_inp, get_device(a.device), a.seed)
    out = dict(name=a.name, dataset=ds.name, options=over, seed=a.seed, config=cfg.flat(), threads=torch.get_num_threads(),
               epochs=[dict(epoch=0, spectra=record(s.model))])
    for e in range(1, a.epochs + 1):
        row = run_epoch(s, cfg, e); row['spectra'] = record(s.model); out['epochs'].append(row)
        print(f"{a.name}: epoch {e}: loss {row['loss']:.4f}, {row['train_s']:.1f} s, " +
              ', '.join(f"{k} σ1 {v['top'][0]:.2f} erank {v['erank']:.1f}" for k, v in row['spectra'].items()), flush=True)
    s.model.eval()
    with torch.no_grad(): out['valid'] = evaluate_run(s.model, v_inp, v_tgt, cfg)
    print(f"{a.name}: valid recall@10 {out['valid']['recall@10']:.4f}", flush=True)
    path = Path(a.out) / f'{a.name}.json'; path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix('.json.tmp'); tmp.write_text(json.dumps(out, indent=1) + '\n'); os.replace(tmp, path)

def plot(a):
    import matplotlib; matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    runs = [json.loads(p.read_text()) for p in sorted(Path(a.out).glob('*.json'))]
    if not runs: die(f"no spectra in {a.out}: run `python bench/spectra.py NAME ...` first")
    names = sorted({k for r in runs for k in r['epochs'][0]['spectra']})
    fig, ax = plt.subplots(2, len(names), figsize=(3.2 * len(names), 5.2), squeeze=False)
    for i, r in enumerate(runs):
        ep, col = [e['epoch'] for e in r['epochs']], f'C{i}'
        for j, k in enumerate(names):
            if k not in r['epochs'][0]['spectra']: continue
            ax[0, j].plot(ep, [e['spectra'][k]['top'][0] for e in r['epochs']], color=col)
            ax[1, j].plot(ep, [e['spectra'][k]['erank'] for e in r['epochs']], color=col)
    for j, k in enumerate(names):
        ax[0, j].set_title(k); ax[1, j].set_xlabel('epoch')
    ax[0, 0].set_ylabel('top singular value'); ax[1, 0].set_ylabel('effective rank')
    from matplotlib.lines import Line2D
    fig.legend([Line2D([], [], color=f'C{i}') for i in range(len(runs))], [f"{r['name']} (valid R@10 {r['valid']['recall@10']:.4f})" for r in runs],
               loc='lower center', ncol=min(4, len(runs)), fontsize=8)
    fig.tight_layout(rect=(0, 0.06, 1, 1)); Path(a.figure).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(a.figure, dpi=110); print(f"wrote {a.figure}")

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('name', nargs='?', help="name of this configuration (the JSON file's name)")
    p.add_argument('options', nargs='*', help="MA-GNN options key=value, e.g. dense_lr=0.02 pe_scale=0.02")
    p.add_argument('--dataset', default='amazon-cds')
    p.add_argument('--data-dir', default=os.environ.get('MAGNN_DATA', str(Path(__file__).resolve().parents[2]/'shared'/'data')))
    p.add_argument('--epochs', type=int, default=16)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--device', default='cpu')
    p.add_argument('--out', default='results/amazon-cds-spectra')
    p.add_argument('--plot', action='store_true')
    p.add_argument('--figure', default='figures/spectra-amazon-cds.png')
    a = p.parse_intermixed_args(argv)
    try:
        if a.plot: return plot(a)
        if not a.name: die("give a NAME for the run, or --plot")
        train(a, a.options)
    except MagnnError as e: die(str(e))

if __name__ == '__main__': main()
