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

def test_learns_planted_structure():
    """Learnability: on synthetic data with planted item-to-item transitions, MA-GNN trained for 10 epochs through the
    shared trainer beats the popularity floor by a wide margin (measured: test Recall@10 0.24 against pop's 0.15;
    4 s of CPU). Runs in the quick loop, unlike the ml-100k check of models/12_magnn (`#| notest`)."""
    from magnn.synthetic import synthetic
    from magnn.train import fit
    ds = synthetic(n_users=300, n_items=120, seed=1)
    pop = fit(make_config('pop', ['epochs=1']), ds, device='cpu', seed=0, progress=False)['test']['recall@10']
    res = fit(make_config('magnn', ['epochs=10', 'd=16', 'h=2', 'm=2', 'batch_size=256', 'lr=0.01']), ds, device='cpu', seed=0, progress=False)
    assert res['epochs_run'] == 10
    assert res['test']['recall@10'] > max(0.2, 1.3 * pop), (res['test']['recall@10'], pop)

@pytest.mark.parametrize('opts', [['dense_lr=0'], ['dense_lr=0.02', 'wr_init=identity'], ['graph=undirected', 'gnn_layers=2']])
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

def test_fused_attention_trains_the_same():
    """`fused=true` (Eq. 3 by the C++ kernel of 11_magnn_long) trains the same model as the eager attention: three
    epochs of the shared trainer from one seed give the same losses and parameters (up to float rounding), or, where
    no kernel can be built, the eager path itself after a warning."""
    from magnn.synthetic import synthetic
    from magnn.train import setup, run_epoch
    ds = synthetic(n_users=120, n_items=60, seed=2)
    inp, _ = ds.split().stage('valid')
    opts = ['d=12', 'h=3', 'm=2', 'batch_size=128', 'lr=0.01']
    out = {}
    for f in ('false', 'true'):
        cfg = make_config('magnn', opts + [f'fused={f}'])
        s = setup(cfg, ds, inp, torch.device('cpu'), 0)
        assert s.model.long.fused == (f == 'true')
        out[f] = [run_epoch(s, cfg, e)['loss'] for e in (1, 2, 3)], {n: p.detach() for n, p in s.model.named_parameters()}
    (la, pa), (lb, pb) = out['false'], out['true']
    assert la == pytest.approx(lb, rel=1e-4), (la, lb)
    for n in pa: assert torch.allclose(pa[n], pb[n], atol=1e-3), n

def test_fused_through_cli(tmp_path):
    "`fused=true` trains through the CLI and is recorded in the run's config, but not in its label: a speed setting, the same method."
    import json
    from magnn.cli import main
    from magnn.results import load_runs, label
    assert main(['train', '--model', 'magnn', '--epochs', '1', '--quiet', '--out', str(tmp_path/'r'), 'd=8', 'fused=true']) == 0
    assert json.loads((tmp_path/'r'/'config.json').read_text())['config']['fused'] is True
    assert label(load_runs(tmp_path).iloc[0]) == 'magnn [d=8]'

@pytest.mark.parametrize('variant', ['mf+s', 'full'])
def test_two_graph_layers_and_undirected_graph_train(variant):
    "Issue 13 item 4's readings of the graph: every parameter, the extra layer's included, gets a gradient."
    torch.manual_seed(0)
    seqs = _random_seqs()
    cfg = make_config('magnn', dict(variant=variant, d=8, h=3, m=4, max_hist=10, gnn_layers=2, graph='undirected'))
    model = make_model(cfg, seqs.n_users, seqs.n_items)
    model.fit_context(seqs)
    assert len(model.short.hidden) == 1
    A = torch.zeros(seqs.n_items + 1, seqs.n_items + 1)
    A[model.short.graph.crow.new_tensor(range(seqs.n_items + 1)).repeat_interleave(model.short.graph.crow.diff()), model.short.graph.col] = 1
    assert torch.equal(A, A.T)                                         # undirected: the pattern is symmetric
    W = cfg.window
    b = make_windows(seqs, W.L, W.T, W.max_hist).batch(torch.arange(50))
    model.score(b, b.pos).sum().backward()
    for n, p in model.named_parameters(): assert p.grad is not None, n
    assert model.short.hidden[0].weight.grad.abs().sum() > 0

def test_spectra_notebook(tmp_path):
    "nbs/experiments/spectra.ipynb records every tracked matrix's spectrum per epoch (epoch 0 = the start) and draws them."
    import json
    from pathlib import Path
    pm = pytest.importorskip('papermill')
    nb = Path(__file__).resolve().parents[1]/'nbs'/'experiments'/'spectra.ipynb'
    pm.execute_notebook(str(nb), str(tmp_path/'out.ipynb'), cwd=str(tmp_path), kernel_name='python3', progress_bar=False, log_output=False,
                        parameters=dict(epochs=1, configs={'t': ['d=8', 'h=2', 'm=2', 'dense_lr=0'], 'u': ['d=8', 'h=2', 'm=2']},
                                        out=str(tmp_path/'sp'), figures=str(tmp_path/'fig')))
    t, u = (json.loads((tmp_path/'sp'/f'{n}.json').read_text()) for n in 'tu')
    assert [e['epoch'] for e in t['epochs']] == [0, 1] and set(t['epochs'][0]['spectra']) == {'W_r', 'W^(1)', 'W_a^(1)'}
    assert t['epochs'][0]['spectra'] == t['epochs'][1]['spectra']   # dense_lr=0: the matrices do not move
    assert u['epochs'][0]['spectra'] == t['epochs'][0]['spectra'] != u['epochs'][1]['spectra']   # same start; learnt, they move
    assert (tmp_path/'fig'/'spectra-synthetic.png').stat().st_size > 1000

def _diagnostics():
    "The diagnostic models (nbs/models/13_diagnostics.ipynb), registered with the zoo."
    import magnn.models.diagnostics as mod
    return mod

@pytest.mark.parametrize('opts', [['graph_own=drop', 'variant=mf+s'], ['graph_own=drop'], ['tie=true'],
                                  ['variant=mf+s', 'ps_user=out', 'ps_act=none'], ['variant=mf+s', 's_linear=true'],
                                  ['variant=mf+s', 'gnn_act=none', 'ps_act=none']])
def test_diagnostics_subclass_trains(opts):
    "magnn-diag (the options that left the model) trains through the shared trainer, and each option changes what it learns."
    from magnn.synthetic import synthetic
    from magnn.train import fit
    ds = synthetic(n_users=100, n_items=80, seed=2)
    run = lambda o: fit(make_config('magnn-diag', ['epochs=1', 'd=8', 'h=2', 'm=2', 'batch_size=256', *o]), ds, device='cpu', seed=0, progress=False)
    res, base = run(opts), run([o for o in opts if o.startswith('variant=')])
    assert res['epochs_run'] == 1 and res['valid'] != base['valid'], f"{opts} trained exactly as the default: the option did not apply"

def test_diagnostics_eq2_probes():
    "ps_user / ps_act change p^S exactly as documented: tanh(W2 [h̄; p_u]) by default, W2 [h̄; 0] with both."
    from magnn.core import Batch
    seqs = _random_seqs()
    def model(*o):
        torch.manual_seed(0)
        m = make_model(make_config('magnn-diag', ['d=8', 'variant=mf+s', *o]), seqs.n_users, seqs.n_items)
        m.fit_context(seqs); return m
    b = Batch(user=torch.tensor([0, 1]), seq=torch.tensor([[1, 2, 3, 4, 5], [0, 0, 6, 7, 8]]), hist=torch.zeros(2, 1, dtype=torch.long))
    a, z = model().parts(b), model('ps_user=out', 'ps_act=none').parts(b)
    W2 = model().short.W2.weight
    assert torch.allclose(a['pS'], torch.tanh(torch.cat([a['hbar'], a['p_u']], -1) @ W2.T))
    assert torch.allclose(z['pS'], z['hbar'] @ W2[:, :8].T) and torch.allclose(z['terms']['pS'], z['pS'])
    assert not torch.allclose(a['pS'], z['pS'])
    lin = model('s_linear=true'); l = lin.parts(b); E = lin.E.weight
    AE = torch.stack([(lin.short.graph(E)[s] + E[s])[s > 0].mean(0) for s in b.seq])   # by hand, row by row
    assert torch.allclose(l['pS'], AE, atol=1e-6) and torch.allclose(l['terms']['pS'], AE, atol=1e-6)
    th = model('s_linear=true', 's_tanh=true'); E = th.E.weight
    ref = torch.stack([torch.tanh(th.short.graph(E)[s] + E[s])[s > 0].mean(0) for s in b.seq])
    assert torch.allclose(th.parts(b)['pS'], ref, atol=1e-6)
    nt = model('gnn_act=none', 'ps_act=none'); E, W1, W2 = nt.E.weight, nt.short.W1.weight, nt.short.W2.weight
    hb = torch.stack([(torch.cat([nt.short.graph(E)[s], E[s]], -1) @ W1.T)[s > 0].mean(0) for s in b.seq])
    p = nt.parts(b)
    assert torch.allclose(p['hbar'], hb, atol=1e-6) and torch.allclose(p['pS'], torch.cat([hb, p['p_u']], -1) @ W2.T, atol=1e-6)

def test_diagnostics_options_labelled():
    "Every option of magnn-diag (models/13_diagnostics) has its default in magnn.runs._LEGACY (older runs upgrade with their labels), and a run's label names them, so tables never pool runs that differ in one."
    import dataclasses
    from magnn.runs import _LEGACY as LEGACY, label
    from magnn.models.magnn import MAGNNConfig
    mod = _diagnostics()
    own = {f.name: f.default for f in dataclasses.fields(mod.DiagConfig)}.items() - {f.name: f.default for f in dataclasses.fields(MAGNNConfig)}.items()
    assert own and all(LEGACY.get(k, object()) == v for k, v in own), sorted(own)
    base = dict(variant='mf+s', dense_lr=0.0)
    assert label(dict(model='magnn-diag', config=base | dict(s_linear=True))) != label(dict(model='magnn-diag', config=base))
