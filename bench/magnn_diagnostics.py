"""MA-GNN with diagnostics that are not part of the model: `graph_own=drop`, `tie`, and the Eq. 1–2 probes `ps_user`, `ps_act`, `s_linear`.

    python bench/magnn_diagnostics.py OUT [key=value ...]   # e.g. graph_own=drop variant=mf+s, or tie=true

- `graph_own=drop`: a training window's items see neighbourhoods without the transitions of this very
  occurrence (the window's next items and, when training, its targets), as a prediction window's items do
  (nbs/models/10_magnn_short.ipynb explains the train/test mismatch it probes). It reads the training
  targets inside the forward pass, which no model of the zoo may do, so it lives here.
- `tie=true`: one item table for input and output (E = Q); the paper has two.
- `ps_user=out` (MF+S only): Eq. 2 without p_u, p^S = tanh(W^(2) [h̄ ; 0]). With W^(2) frozen, Eq. 2 as written
  adds tanh(W^(2)_b p_u), a fixed random, saturating function of the user's own embedding, to the user vector.
- `ps_act=none` (MF+S only): Eq. 2 without its tanh, p^S = W^(2) [h̄ ; p_u] (or [h̄ ; 0] with `ps_user=out`).
- `s_linear=true` (MF+S only): Eq. 1–2 without their matrices and tanh's, p^S = mean over the window of
  (Σ_k A_ik e_k + e_i): the same graph and embeddings through a linear path; with `s_tanh=true`, the mean
  of tanh(Σ_k A_ik e_k + e_i) (Eq. 1's nonlinearity without its matrix).
- `gnn_act=none` (MF+S only): Eq. 1 without its tanh, h_i = W^(1) [Σ_k A_ik e_k ; e_i] (with `ps_act=none`:
  the matrices of Eq. 1–2 without any nonlinearity).

Registered as `magnn-diag` when this file is imported; trains through the shared trainer and writes an
ordinary run folder. Defaults: amazon-cds from ../shared/data. Results of earlier runs with these options are
in results/amazon-cds/graph-own-drop and results/amazon-cds-diagnostics; of the MF+S probes in results/amazon-cds-mfs
and results/amazon-cds-mfs-60 (the reproduction page, "why MF+S trails MF").
"""
import os, sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
import torch
import torch.nn.functional as F
from magnn.datasets import load_dataset
from magnn.contract import register
from magnn.graph import out_degrees
from magnn.models import make_config
from magnn.core import rows
from magnn.models.magnn import MAGNN, MAGNNConfig
from magnn.models.short_term import masked_mean
from magnn.train import fit

@dataclass
class DiagConfig(MAGNNConfig):
    "MA-GNN plus the diagnostics: graph_own, tie, and the MF+S probes ps_user, ps_act, s_linear, s_tanh, gnn_act."
    graph_own:Literal['keep', 'drop']='keep' # 'drop': leave a window's own transitions out of its items' neighbourhoods
    tie:bool=False # one item table for input and output (E = Q)
    ps_user:Literal['in', 'out']='in' # MF+S: p_u inside Eq. 2 (as written) or left out
    ps_act:Literal['tanh', 'none']='tanh' # MF+S: Eq. 2's tanh (as written) or none
    s_linear:bool=False # MF+S: p^S = mean_i (Σ_k A_ik e_k + e_i), no matrices, no tanh
    s_tanh:bool=False # with s_linear: mean_i tanh(Σ_k A_ik e_k + e_i)
    gnn_act:Literal['tanh', 'none']='tanh' # MF+S: Eq. 1's tanh (as written) or none

@register('magnn-diag')
class MAGNNDiag(MAGNN):
    "MA-GNN with the diagnostics of `DiagConfig` (see the module docstring)."
    config_cls = DiagConfig
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        if self.cfg.tie and self.E is not None: self.E = self.Q

    def fit_context(self, inp):
        super().fit_context(inp)
        if self.short is not None and self.cfg.graph_own == 'drop':
            self.short.deg = torch.tensor(out_degrees(inp, self.cfg.hops), dtype=torch.float32, device=self.device)

    def own_next(self, batch):
        "The `hops` items after each window position in this sequence (window, then targets when training): [B, L, hops]."
        if self.cfg.graph_own != 'drop': return None
        B, L, k = *batch.seq.shape, self.cfg.hops
        ext = torch.cat([batch.seq] + ([batch.pos] if batch.pos is not None else []), 1)
        ext = F.pad(ext, (0, max(0, L + k - ext.shape[1])))
        idx = torch.arange(L, device=ext.device)[:, None] + torch.arange(1, k + 1, device=ext.device)
        return ext[:, idx]

    def parts(self, batch, weights=True):
        if self.short is None: return super().parts(batch, weights)
        short = self.short
        self.short = _Probed(short, self.cfg, self.own_next(batch))   # stands in for the short-term module for this pass
        try: return super().parts(batch, weights)
        finally: self.short = short

class _Probed(torch.nn.Module):
    "The short-term module with the config's probes (MF+S) and its own transitions left out (graph_own=drop): one forward pass."
    def __init__(self, short, cfg, own):
        super().__init__()
        self.s, self.c, self.own = short, cfg, own

    def forward(self, seq, E, p_u):
        s, c = self.s, self.c
        if s.W2 is None: return s(seq, E, p_u, self.own)    # no p^S (the full model and its fusions): the probes do not apply
        if c.s_linear:   # Eq. 1-2 as a linear path over the same graph (tanh on each item with s_tanh)
            h = rows(s.graph(E), seq) + rows(E, seq)
            hbar = masked_mean(torch.tanh(h) if c.s_tanh else h, seq > 0)
            return hbar, hbar
        if c.gnn_act == 'none': h = s.W1(torch.cat([rows(s.graph(E), seq), rows(E, seq)], -1))   # Eq. 1 without its tanh
        else: h = s.item_states(seq, E, self.own)
        hbar = masked_mean(h, seq > 0)
        x = s.W2(torch.cat([hbar, p_u if c.ps_user == 'in' else torch.zeros_like(p_u)], -1))   # Eq. 2, probed
        return hbar, torch.tanh(x) if c.ps_act == 'tanh' else x

def main(argv):
    if len(argv) < 1: sys.exit(__doc__)
    out, over = Path(argv[0]), argv[1:]
    ds = load_dataset(os.environ.get('DATASET', 'amazon-cds'), data_dir=os.environ.get('MAGNN_DATA', str(Path(__file__).parents[1].parent/'shared'/'data')))
    res = fit(make_config('magnn-diag', over), ds, device=os.environ.get('DEVICE', 'cpu'), seed=int(os.environ.get('SEED', 0)), out=out, progress=False)
    print(f"magnn-diag {' '.join(over)}: best epoch {res['best_epoch']}, valid recall@10 {res['valid']['recall@10']:.4f}, "
          f"test recall@10 {res['test']['recall@10']:.4f}, {res['timings']['epoch_s']:.1f} s/epoch")

if __name__ == '__main__': main(sys.argv[1:])
