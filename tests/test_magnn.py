"MA-GNN smoke tests: every Table 3 variant runs forward and backward on random data, and trains through the shared trainer."
import pytest
import torch
from magnn.core import Seqs, MagnnError
from magnn.models import make_config, make_model
from magnn.sampler import make_windows, contexts, NegativeSampler
from magnn.contract import bpr_loss
from magnn.models.magnn import VARIANTS

def _random_seqs(n_users=40, n_items=30, seed=0):
    g = torch.Generator().manual_seed(seed)
    lens = torch.randint(0, 25, (n_users,), generator=g).tolist()     # includes empty and short users
    return Seqs.from_lists([torch.randint(1, n_items + 1, (n,), generator=g).tolist() for n in lens], n_items=n_items)

@pytest.mark.parametrize('variant', VARIANTS)
def test_variant_forward_backward(variant):
    torch.manual_seed(0)
    seqs = _random_seqs()
    cfg = make_config('magnn', dict(variant=variant, d=8, h=3, m=4, max_hist=10))
    model = make_model(cfg, seqs.n_users, seqs.n_items)
    model.fit_context(seqs)
    W = cfg.window
    w = make_windows(seqs, W.L, W.T, W.max_hist)
    b = w.batch(torch.arange(len(w)))
    b.neg = NegativeSampler(seqs).sample(b.user, (W.T, 1))
    s = model.score(b, torch.cat([b.pos, b.neg.flatten(1)], 1))
    assert s.shape == (len(b), 2 * W.T) and torch.isfinite(s).all()
    bpr_loss(s[:, :W.T], s[:, W.T:].view(len(b), W.T, 1), b.pos > 0).backward()
    for n, p in model.named_parameters(): assert p.grad is not None and p.grad.abs().sum() > 0, n
    with torch.no_grad():
        full = model.score(contexts(seqs, None, W.L, W.max_hist))
    assert full.shape == (seqs.n_users, seqs.n_items + 1) and torch.isfinite(full).all()

def test_bad_variant_lists_choices():
    with pytest.raises(MagnnError, match="mf\\+s\\+h\\+gru"): make_config('magnn', ['variant=xyz'])

def test_trains_with_the_shared_trainer():
    from magnn.synthetic import synthetic
    from magnn.train import fit
    ds = synthetic(n_users=200, n_items=100, seed=1)
    res = fit('magnn', ds, make_config('magnn', dict(epochs=2, d=16, h=2, m=2, batch_size=256)), device='cpu', seed=0, progress=False)
    assert res['epochs_run'] == 2 and 0 <= res['test']['recall@10'] <= 1

@pytest.mark.parametrize('opts', [['dense_lr=0'], ['dense_lr=0.02', 'wr_init=identity']])
def test_dense_lr_and_wr_init_through_cli(opts, tmp_path):
    "Issue 13's options train through the CLI and are recorded in the run's config (and so in its label)."
    import json
    from magnn.cli import main
    from magnn.results import load_runs, label
    assert main(['train', '--model', 'magnn', '--epochs', '1', '--quiet', '--out', str(tmp_path/'r'), 'd=8', *opts]) == 0
    conf = json.loads((tmp_path/'r'/'config.json').read_text())['config']
    for o in opts:
        k, v = o.split('=')
        assert str(conf[k]) == v or conf[k] == float(v)
    assert all(o in label(load_runs(tmp_path).iloc[0]) for o in opts)
