"""Every model whose tables can take lazy Adam (`sparse=true`, read through `Recommender.table_rows`): the same
function and gradients as its default dense path, only the rows a batch used stepped, and it trains through the CLI."""
import json
import pytest, torch
from magnn.cli import main
from magnn.models import MODELS, make_config, make_model
from magnn.contract import Recommender
from magnn.sampler import make_windows, NegativeSampler, contexts
from magnn.synthetic import synthetic
from magnn.config import TrainConfig
from magnn.train import make_optimizer

SPARSE = sorted(n for n, c in MODELS.items() if 'sparse' in c.config_cls.__dataclass_fields__ and c.tables is not Recommender.tables
                and c.param_groups is Recommender.param_groups)   # GRU4Rec has its own tables and groups (06_train, 20_gru4rec)

def test_the_models_with_the_option():
    assert SPARSE == ['caser']   # HGN: a batch of 4,096 windows uses most rows, where lazy Adam was slower (see 21_caser)

def _pair(name, ds, l2, batch):
    "Dense and sparse models with the same parameters, their optimisers, after one backward of the same batch."
    ms = [make_model(make_config(name, [f'sparse={s}', 'd=8']), ds.n_users, ds.n_items) for s in ('false', 'true')]
    ms[1].load_state_dict(ms[0].state_dict())
    opts = [make_optimizer(m.param_groups(), TrainConfig(l2=l2), 'cpu') for m in ms]
    for m, o in zip(ms, opts):
        m.train(); o.zero_grad(set_to_none=True)
        torch.manual_seed(3); m.loss(batch, NegativeSampler(ds), TrainConfig(neg=2))[0].backward()
    return ms, opts

@pytest.mark.parametrize('name', SPARSE)
def test_sparse_tables_same_function_lazy_step(name):
    ds = synthetic(n_users=200, n_items=300, seed=1).split().stage('valid')[0]   # the training input (Seqs)
    W = make_config(name).window
    win = make_windows(ds, W.L, W.T, W.max_hist)
    batch = win.batch(torch.arange(8))
    ctx = contexts(ds, None, L=W.L, max_hist=W.max_hist)
    (md, ms), (od, os_) = _pair(name, ds, 0., batch)
    with torch.no_grad():
        md.eval(); ms.eval()
        assert torch.equal(ms.score(ctx), md.score(ctx))          # the same scores, every item
        md.train(); ms.train()
    tables = {id(p) for p in ms.tables()}
    assert [g.get('sparse') for g in os_.param_groups] == [None, True] and type(os_).__name__ == 'RowAdam'
    for pd, ps in zip(md.parameters(), ms.parameters()):
        assert ps.grad.is_sparse == (id(ps) in tables)
        torch.testing.assert_close(ps.grad.to_dense() if ps.grad.is_sparse else ps.grad, pd.grad, rtol=0, atol=1e-6)
    od.step(); os_.step()
    for pd, ps in zip(md.parameters(), ms.parameters()):            # no L2, fresh moments: a lazy step is the dense step
        torch.testing.assert_close(ps, pd, rtol=0, atol=1e-6)
    (md, ms), (od, os_) = _pair(name, ds, 1e-2, batch)
    before = [p.detach().clone() for p in ms.tables()]
    used = [p.grad.coalesce().indices()[0] for p in ms.tables()]
    od.step(); os_.step()
    for p, q, b, u in zip(ms.tables(), md.tables(), before, used):
        unused = torch.ones(len(b), dtype=torch.bool); unused[u] = False
        assert 0 < len(u) and unused.any()
        assert torch.equal(p.detach()[unused], b[unused])           # lazy: rows the batch did not use stay
        assert not torch.equal(q.detach()[unused], b[unused]) or not b[unused].any()   # dense Adam decays them (L2)

@pytest.mark.parametrize('name', SPARSE)
def test_sparse_tables_train_through_cli(name, tmp_path):
    out = tmp_path/name
    assert main(['train', '--model', name, '--dataset', 'synthetic', '--epochs', '2', '--device', 'cpu', '--quiet', '--out', str(out), 'sparse=true']) == 0
    m = json.loads((out/'metrics.json').read_text())
    assert m['valid']['recall@10'] > 0 and json.loads((out/'config.json').read_text())['config']['sparse'] is True
