"The full-ranking evaluator against its slow literal reference, its tie rule, and batch-size independence."
import math
import numpy as np
import pytest
import torch
from torch import nn
from magnn.core import Seqs, Split, MagnnError
from magnn.evaluate import rank_metrics, metrics_reference, evaluate, user_metrics, csr_rows

KS = (1, 3, 5, 10, 20)

class TableModel(nn.Module):
    "Stand-in model: fixed scores per user, the context is ignored."
    def __init__(self, table, dtype=torch.float32):
        super().__init__(); self.register_buffer('table', torch.tensor(table, dtype=dtype))
    def score(self, batch, items=None): return self.table[batch.user]

def _pairs(lists):
    return (torch.tensor([u for u, l in enumerate(lists) for _ in l], dtype=torch.long),
            torch.tensor([i for l in lists for i in l], dtype=torch.long))

def _scores(rng, kind, U, N):
    if kind == 'int': return rng.integers(0, 3, (U, N)).astype(np.float32)           # ties everywhere
    if kind == 'normal': return rng.standard_normal((U, N)).astype(np.float32)
    if kind == 'collide32':                                                          # nextafter collisions
        return np.where(rng.random((U, N)) < .5, np.float32(2), np.nextafter(np.float32(2), np.float32(0)))
    if kind == 'collide64': return np.where(rng.random((U, N)) < .5, 2., np.nextafter(2., 0.))
    if kind == 'const': return np.zeros((U, N), np.float32)
    if kind == 'inf': return np.where(rng.random((U, N)) < .3, -np.inf, rng.integers(0, 3, (U, N))).astype(np.float32)
    raise ValueError(kind)

def _case(rng, kind, U, N):
    sc = _scores(rng, kind, U, N)
    inp = [rng.integers(1, N, rng.integers(0, N // 2)).tolist() for _ in range(U)]
    # 0 targets, few targets, many targets (> K), duplicates, and targets that are also in the input
    tgt = [rng.integers(1, N, rng.choice([0, 1, 3, 30, N])).tolist() + inp[u][:int(rng.integers(0, 3))] for u in range(U)]
    return sc, inp, tgt

@pytest.mark.parametrize('kind', ['int', 'normal', 'collide32', 'collide64', 'const', 'inf'])
def test_rank_metrics_matches_reference(kind):
    rng = np.random.default_rng(sum(map(ord, kind)))
    for _ in range(12):
        U, N = int(rng.integers(1, 40)), int(rng.integers(2, 200))
        sc, inp, tgt = _case(rng, kind, U, N)
        ks = KS + (N + 5,)                         # a cut-off beyond the number of items
        got = rank_metrics(torch.from_numpy(sc), _pairs(inp), _pairs(tgt), ks)
        ref = metrics_reference(sc, inp, tgt, ks, per_user=True)
        has = [u for u in range(U) if tgt[u]]
        for k, v in ref.items():
            np.testing.assert_allclose(got[k][has].numpy(), np.array(v), rtol=0, atol=1e-12, err_msg=k)
        no = [u for u in range(U) if not tgt[u]]
        assert all(np.isnan(got[k][no].numpy()).all() for k in got)

def test_dense_masks_and_dtypes():
    rng = np.random.default_rng(5)
    sc, inp, tgt = _case(rng, 'int', 20, 50)
    ref = metrics_reference(sc, inp, tgt, KS)
    def mask(lists):
        m = torch.zeros(sc.shape, dtype=torch.bool)
        for u, l in enumerate(lists): m[u, l] = True
        return m.nonzero(as_tuple=True)
    for t in (torch.from_numpy(sc), torch.from_numpy(sc).half(), torch.from_numpy(sc).long(), torch.from_numpy(sc).double()):
        got = rank_metrics(t, mask(inp), mask(tgt), KS)
        for k in got: assert math.isclose(float(np.nanmean(got[k].numpy())), ref[k], abs_tol=1e-12), (t.dtype, k)

def test_hand_computed():
    sc = torch.tensor([[0, .9, .5, .8, .1, .7, .3]])
    m = rank_metrics(sc, _pairs([[3]]), _pairs([[1, 2]]), ks=(5,))   # targets at ranks 1 and 3
    assert m['recall@5'].item() == 1 and m['hit@5'].item() == 1
    assert math.isclose(m['ndcg@5'].item(), (1 + 1/2) / (1 + 1 / math.log2(3)), rel_tol=1e-12)
    assert math.isclose(m['ndcg_paper@5'].item(), 1.5 / sum(1 / math.log2(r + 1) for r in range(1, 6)), rel_tol=1e-12)

def test_tie_rule():
    # a constant model finds nothing while there are enough non-targets
    m = rank_metrics(torch.ones(3, 101), _pairs([[], [5], [1, 2]]), _pairs([[1], [1, 2, 3], list(range(1, 30))]), ks=(10, 20))
    assert (m['recall@20'] == 0).all() and (m['ndcg_paper@10'] == 0).all()
    # tied with a non-target: the target is ranked after it
    m = rank_metrics(torch.tensor([[0., 1, 1]]), _pairs([[]]), _pairs([[1]]), ks=(1, 2))
    assert m['hit@1'].item() == 0 and m['hit@2'].item() == 1
    # the nextafter shift never lets a lower non-target overtake a target
    for dt in (torch.float32, torch.float64):
        one = torch.tensor(1., dtype=dt)
        below = torch.nextafter(one, torch.tensor(0., dtype=dt))
        s = torch.stack([torch.tensor(0., dtype=dt), below, below, one, one, below])[None]
        m = rank_metrics(s, _pairs([[]]), _pairs([[3, 4]]), ks=(1, 2, 3))
        assert [m[f'recall@{K}'].item() for K in (1, 2, 3)] == [.5, 1, 1], dt
        m = rank_metrics(s, _pairs([[]]), _pairs([[4, 5]]), ks=(1, 2, 3, 4, 5))   # 3 (non-target) ties 4: first
        assert [m[f'recall@{K}'].item() for K in (1, 2, 3, 4, 5)] == [0, .5, .5, .5, 1], dt

def test_fewer_items_than_k():
    m = rank_metrics(torch.tensor([[0., 1, 2, 3]]), _pairs([[1, 2]]), _pairs([[1, 3]]), ks=(1, 10))
    assert m['recall@10'].item() == .5 and m['hit@1'].item() == 1
    assert math.isclose(m['ndcg@10'].item(), 1 / (1 + 1 / math.log2(3)), rel_tol=1e-12)

def test_csr_rows():
    rng = np.random.default_rng(0)
    s = Seqs.from_lists([rng.integers(1, 9, rng.integers(0, 6)).tolist() for _ in range(40)], 8)
    users = rng.integers(0, 40, 25)
    r, c = csr_rows(torch.from_numpy(s.indptr), torch.from_numpy(s.items), torch.from_numpy(users))
    exp = [(b, i) for b, u in enumerate(users) for i in s[u]]
    assert list(zip(r.tolist(), c.tolist())) == exp

def _stage(rng, U, N):
    lists = [rng.integers(1, N + 1, rng.integers(1, 40)).tolist() for _ in range(U)]
    return Split.of(Seqs.from_lists(lists, N)).stage('test')

@pytest.mark.parametrize('kind', ['int', 'normal', 'collide32'])
def test_evaluate_matches_reference_and_batch_size(kind):
    rng = np.random.default_rng(11)
    U, N = 150, 120
    inp, tgt = _stage(rng, U, N)
    table = _scores(rng, kind, U, N + 1)
    model = TableModel(table)
    ref = metrics_reference(table, inp.to_lists(), tgt.to_lists(), KS)
    res = [evaluate(model, inp, tgt, L=5, max_hist=10, ks=KS, batch_size=bs) for bs in (1, 7, 64, U, 10_000)]
    assert all(r == res[0] for r in res[1:])                 # bit-for-bit identical
    assert res[0]['users'] == ref['users'] == int((tgt.lengths > 0).sum())
    for k in ref: assert math.isclose(res[0][k], ref[k], rel_tol=0, abs_tol=1e-12), k

def test_evaluate_skips_users_without_targets_and_restores_mode():
    rng = np.random.default_rng(3)
    U, N = 40, 30
    inp, tgt = _stage(rng, U, N)
    tgt = Seqs.from_lists([t if u % 3 else [] for u, t in enumerate(tgt.to_lists())], N)
    table = _scores(rng, 'int', U, N + 1)
    model = TableModel(table).train()
    res = evaluate(model, inp, tgt, 5, 10, ks=(10,), batch_size=8)
    assert model.training and torch.equal(model.table, torch.tensor(table))
    assert res['users'] == sum(1 for u in range(U) if u % 3)
    assert math.isclose(res['recall@10'], metrics_reference(table, inp.to_lists(), tgt.to_lists(), (10,))['recall@10'], abs_tol=1e-12)
    um = user_metrics(model.eval(), inp, tgt, 5, 10, ks=(10,))
    assert list(um['user']) == [u for u in range(U) if u % 3] and not model.training
    with pytest.raises(MagnnError, match="batch size"): evaluate(model, inp, tgt, 5, 10, batch_size=0)
    with pytest.raises(MagnnError, match="K >= 1"): evaluate(model, inp, tgt, 5, 10, ks=())
