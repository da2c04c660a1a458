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
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
import torch
from magnn.datasets import load_dataset
from magnn.contract import register
from magnn.models import make_config
from magnn.models.hgn import HGN, HGNConfig
from magnn.models.magnn import MAGNN, MAGNNConfig
from magnn.train import fit

OPTS = {'hgn': {}, 'no-bias': dict(bias=False), 'mean': dict(mean=True), 'no-gate': dict(gate=False),
        'mf+sum': dict(gate=False, bias=False)}
WR = {'wr-xavier': (0., True), 'wr-eye': (1., True), 'wr-5eye': (5., True), 'wr-frozen': (1., False)}   # (W_r = scale * I (0: Xavier), learnt)

@dataclass
class HGNPartConfig(HGNConfig):
    "HGN with parts switched off or changed."
    bias:bool=True    # keep the item bias b_j (it starts at zero: off keeps it out of the optimiser, at zero)
    gate:bool=True    # keep the gated sequence s_u in the user vector
    mean:bool=False   # average the item-item product over the window instead of summing it

@register('hgn-part')
class HGNPart(HGN):
    "HGN with one part switched off or changed (scored by HGN's own `score`)."
    config_cls = HGNPartConfig
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        if not self.cfg.bias: self.b.weight.requires_grad_(False)
    def user_vector(self, batch):
        pt = self.parts(batch)
        n = (batch.seq > 0).sum(1, keepdim=True).clamp_min(1)
        return pt['p_u'] + (pt['s'] if self.cfg.gate else 0) + (pt['esum'] / n if self.cfg.mean else pt['esum'])

@dataclass
class WrConfig(MAGNNConfig):
    "MA-GNN with W_r started (and possibly kept) at a multiple of the identity."
    wr_scale:float=0.  # W_r = wr_scale * I at the start (0: Xavier, as the model)
    wr_learnt:bool=True # whether W_r is trained

@register('magnn-wr')
class MAGNNWr(MAGNN):
    "MA-GNN (variant mf+c here) with W_r's start and training chosen."
    config_cls = WrConfig
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        with torch.no_grad():
            if self.cfg.wr_scale: self.Wr.copy_(self.cfg.wr_scale * torch.eye(self.cfg.d))
        self.Wr.requires_grad_(self.cfg.wr_learnt)   # the trainer's optimiser takes the parameters that require a gradient

def main(argv):
    if len(argv) < 2 or argv[0] not in {**OPTS, **WR}: sys.exit(__doc__)
    name, out, over = argv[0], Path(argv[1]), argv[2:]
    ds = load_dataset(os.environ.get('DATASET', 'amazon-cds'), data_dir=os.environ.get('MAGNN_DATA', str(Path(__file__).parents[1].parent/'shared'/'data')))
    budget = ['epochs=40', 'eval_every=4', 'patience=3']
    if name in WR:
        scale, learnt = WR[name]
        cfg = make_config('magnn-wr', ['variant=mf+c', f'wr_scale={scale}', f'wr_learnt={learnt}'] + budget + over)
    else: cfg = make_config('hgn-part', [f'{k}={v}' for k, v in OPTS[name].items()] + budget + over)
    res = fit(cfg, ds, device=os.environ.get('DEVICE', 'cpu'), seed=int(os.environ.get('SEED', 0)), out=out, progress=False)
    print(f"{name} {' '.join(over)}: best epoch {res['best_epoch']}, valid recall@10 {res['valid']['recall@10']:.4f} "
          f"ndcg@10 {res['valid']['ndcg@10']:.4f}, test recall@10 {res['test']['recall@10']:.4f}, {res['timings']['epoch_s']:.1f} s/epoch", flush=True)

if __name__ == '__main__': main(sys.argv[1:])
