"""Diagnostic: how far does one learned part of MA-GNN get on its own, without the user embedding in the score?

    python bench/parts_alone.py c OUT [key=value ...]   # Eq. 6's item-to-item term alone: r_uj = (W_rᵀ ē)ᵀ q_j
    python bench/parts_alone.py s OUT [key=value ...]   # the short-term interest alone:   r_uj = (p^S)ᵀ q_j (Eq. 1-2)

Same data, trainer, protocol and run folder as `magnn train` (the model is MA-GNN's variant mf+c or mf+s
with p_u dropped from the sum of Eq. 6; p_u still enters p^S through Eq. 2). The run's model is the
registered subclass `magnn-part` (`part=cooc` or `part=pS`; earlier runs in results/ were named `only-c`/`only-s`). Defaults: amazon-cds from ../shared/data, 45 epochs, validation every 3, patience 4.
Compare with `markov`, which counts the same transitions instead of learning them (README, Results).
"""
import os, sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from magnn.datasets import load_dataset
from magnn.contract import register
from magnn.models import make_config
from magnn.models.magnn import MAGNN, MAGNNConfig
from magnn.train import fit

PART = {'c': ('mf+c', 'cooc'), 's': ('mf+s', 'pS')}

@dataclass
class PartConfig(MAGNNConfig):
    "MA-GNN keeping one part of the user vector."
    part:Literal['cooc', 'pS']='cooc' # the part kept: Eq. 6's item-to-item term, or p^S

@register('magnn-part')
class PartAlone(MAGNN):
    "MA-GNN whose score keeps one part of the user vector: r_uj = part_uᵀ q_j."
    config_cls = PartConfig
    def user_vector(self, batch): return self.parts(batch)[self.cfg.part]

def main(argv):
    if len(argv) < 2 or argv[0] not in PART: sys.exit(__doc__)
    which, out, over = argv[0], Path(argv[1]), argv[2:]
    variant, part = PART[which]
    ds = load_dataset(os.environ.get('DATASET', 'amazon-cds'), data_dir=os.environ.get('MAGNN_DATA', str(Path(__file__).parents[1].parent/'shared'/'data')))
    cfg = make_config('magnn-part', [f'variant={variant}', f'part={part}', 'epochs=45', 'eval_every=3', 'patience=4'] + over)
    res = fit(cfg, ds, device=os.environ.get('DEVICE', 'cpu'), seed=int(os.environ.get('SEED', 0)), out=out, progress=False)
    print(f"only-{which} {' '.join(over)}: best epoch {res['best_epoch']}, valid recall@10 {res['valid']['recall@10']:.4f}, "
          f"test recall@10 {res['test']['recall@10']:.4f}, {res['timings']['epoch_s']:.1f} s/epoch")

if __name__ == '__main__': main(sys.argv[1:])
