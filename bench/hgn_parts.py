"""Diagnostic: which part of HGN (05a_hgn) carries its lead over MA-GNN and BPRMF on Amazon-CDs?

    python bench/hgn_parts.py NAME OUT [key=value ...]

NAME is one of:
    hgn          HGN as registered:            (p_u + s_u + Σ_i e_i)ᵀ q_j + b_j
    no-bias      without the item bias b_j
    mean         the item-item product averaged over the window instead of summed
    no-gate      without the gated sequence s_u:  (p_u + Σ_i e_i)ᵀ q_j + b_j
    mf+sum       MF and the summed item-item product only: (p_u + Σ_i e_i)ᵀ q_j

and, on the MA-GNN side, its `mf+c` variant (p_u + W_rᵀ ē)ᵀ q_j, whose W_r is
    wr-xavier    learnt from a Xavier start (as `magnn train ... variant=mf+c`)
    wr-eye       learnt from the identity
    wr-5eye      learnt from 5 times the identity (the summed product at the start)
    wr-frozen    the identity, not learnt: (p_u + ē)ᵀ q_j

Same data, trainer, protocol and run folder as `magnn train`; the run's model name is `hgn:NAME`
(`NAME:mf+c` for the W_r runs).
Defaults: amazon-cds from ../shared/data, 40 epochs, validation every 4, patience 3. Choose on the
validation numbers; the test numbers are printed too but are not for choosing.
"""
import os, sys
from pathlib import Path
import torch
from magnn.data import load_dataset
from magnn.models import make_config
from magnn.hgn import HGN
from magnn.magnn import MAGNN
from magnn.train import fit

OPTS = {'hgn': {}, 'no-bias': dict(bias=False), 'mean': dict(mean=True), 'no-gate': dict(gate=False),
        'mf+sum': dict(gate=False, bias=False)}
WR = {'wr-xavier': (None, True), 'wr-eye': (1., True), 'wr-5eye': (5., True), 'wr-frozen': (1., False)}   # (W_r = scale * I, learnt)

class HGNPart(HGN):
    "HGN with one part switched off or changed (scored by HGN's own `score`)."
    mean, gate = False, True
    def no_bias(self):
        "Drop b_j: it starts at zero, so keeping it out of the optimiser keeps it at zero."
        self.b.weight.requires_grad_(False)
    def user_vector(self, batch):
        pt = self.parts(batch)
        n = (batch.seq > 0).sum(1, keepdim=True).clamp_min(1)
        return pt['p_u'] + (pt['s'] if self.gate else 0) + (pt['esum'] / n if self.mean else pt['esum'])

def mfc_wr(ds, name, over):
    "MA-GNN's mf+c with W_r started (and possibly kept) at a multiple of the identity."
    cfg = make_config('magnn', ['variant=mf+c', 'epochs=40', 'eval_every=4', 'patience=3'] + over)
    model = MAGNN(ds.n_users, ds.n_items, cfg); model.name = name        # labelled NAME:mf+c
    scale, learnt = WR[name]
    with torch.no_grad():
        if scale is not None: model.Wr.copy_(scale * torch.eye(cfg.d))
    model.Wr.requires_grad_(learnt)                 # the trainer's optimiser takes the parameters that require a gradient
    return model, cfg

def main(argv):
    if len(argv) < 2 or argv[0] not in {**OPTS, **WR}: sys.exit(__doc__)
    name, out, over = argv[0], Path(argv[1]), argv[2:]
    ds = load_dataset(os.environ.get('DATASET', 'amazon-cds'), data_dir=os.environ.get('MAGNN_DATA', str(Path(__file__).parents[1].parent/'shared'/'data')))
    torch.manual_seed(int(os.environ.get('SEED', 0)))
    if name in WR: model, cfg = mfc_wr(ds, name, over)
    else:
        cfg = make_config('hgn', ['epochs=40', 'eval_every=4', 'patience=3'] + over)
        model = HGNPart(ds.n_users, ds.n_items, cfg); model.name = f'hgn:{name}'
        for k, v in OPTS[name].items():
            if k == 'bias': model.no_bias()
            else: setattr(model, k, v)
    res = fit(model, ds, cfg, device=os.environ.get('DEVICE', 'cpu'), seed=int(os.environ.get('SEED', 0)), out=out, progress=False)
    print(f"{model.name} {' '.join(over)}: best epoch {res['best_epoch']}, valid recall@10 {res['valid']['recall@10']:.4f} "
          f"ndcg@10 {res['valid']['ndcg@10']:.4f}, test recall@10 {res['test']['recall@10']:.4f}, {res['timings']['epoch_s']:.1f} s/epoch", flush=True)

if __name__ == '__main__': main(sys.argv[1:])
