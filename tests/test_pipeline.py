"End-to-end checks of the data pipeline at realistic sizes: synthetic data, windows, contexts, negatives, item graph."
import time   # budgets in CPU seconds of this process (time.process_time): the other tests running beside it do not count
import numpy as np
import pytest
import torch
from magnn.core import Seqs
from magnn.sampler import make_windows, contexts, NegativeSampler
from magnn.graph import item_graph
from magnn.synthetic import synthetic, _plant


def _random_seqs(n_users=17052, n_items=35118, nnz=472265, seed=0) -> Seqs:
    "Random sequences the size of Amazon-CDs, with some short and some empty users."
    rng = np.random.default_rng(seed)
    n = rng.integers(0, 60, n_users); n = (n * nnz / n.sum()).astype(np.int64)
    return Seqs(np.concatenate([[0], np.cumsum(n)]), rng.integers(1, n_items + 1, n.sum()), n_items)


def test_windows_count_and_content_at_scale():
    s, L, T, H = _random_seqs(), 5, 3, 50
    t0 = time.process_time(); w = make_windows(s, L, T, H); dt = time.process_time() - t0
    n = s.lengths
    assert len(w) == int(np.where(n >= L + T, n - L - T + 1, np.minimum(n, 1)).sum())
    assert dt < 2, f"windows took {dt:.2f}s"
    idx = torch.from_numpy(np.random.default_rng(1).choice(len(w), 500, replace=False))
    b = w.batch(idx)
    for u, e, seq, hist, pos in zip(b.user.tolist(), w.end[idx].tolist(), b.seq.tolist(), b.hist.tolist(), b.pos.tolist()):
        full = [0] * (L + T + H) + s.items[s.indptr[u]:e].tolist()     # everything up to the window's end, padded
        assert pos == full[-T:] and seq == full[-T - L:-T] and hist == full[-T - L - H:-T - L]


def test_contexts_are_the_next_window():
    "The test-time context of a user equals the training window whose targets are the user's test items."
    ds = synthetic(n_users=300, n_items=120, seed=3)
    inp, tgt = ds.split().stage('test')
    c = contexts(inp, None, L=5, max_hist=20)
    full = make_windows(ds.seqs, L=5, T=1, max_hist=20)
    # the window ending right after the first test item has the test-time context as its (seq, hist)
    want = torch.from_numpy(np.searchsorted(full.end.numpy(), ds.seqs.indptr[:-1] + inp.lengths + 1))
    b = full.batch(want)
    assert torch.equal(b.seq, c.seq) and torch.equal(b.hist, c.hist)
    assert torch.equal(b.pos[:, 0], torch.from_numpy(tgt.items[tgt.indptr[:-1]]))


def test_negatives_fast_and_valid():
    s = _random_seqs(n_users=10000, n_items=5000, nnz=400000)
    ns = NegativeSampler(s)
    user = torch.arange(10000)
    ns.sample(user[:10], (3,))                                     # warm-up
    t0 = time.process_time(); neg = ns.sample(user, (3, 4)); dt = time.process_time() - t0
    assert neg.shape == (10000, 3, 4) and dt < 2, f"{dt:.2f}s"
    assert neg.min() >= 1 and neg.max() <= 5000
    key = np.unique(s.users() * 5001 + s.items)
    cand = (user[:, None, None] * 5001 + neg).numpy().ravel()
    assert not np.isin(cand, key).any()


def test_graph_recovers_planted_partners():
    "On synthetic data, the strongest edge of an item with a planted partner mostly points to that partner."
    ds = synthetic()                                               # default: all 500 items kept, ids unchanged
    P = _plant(np.random.default_rng(0), 500, 8, 3, 0.1, 0.5)
    A = item_graph(ds.split().stage('valid')[0]).to_dense()
    has = np.flatnonzero(P['partner'])
    assert (A[has].argmax(1).numpy() == P['partner'][has]).mean() > 0.8
    r = A[1:].sum(1); assert torch.all((r - 1).abs() < 1e-5) and A[0].abs().sum() == 0 and A[:, 0].abs().sum() == 0


def test_graph_fast():
    s = _random_seqs()
    t0 = time.process_time(); A = item_graph(s); dt = time.process_time() - t0
    assert A.shape == (35119, 35119) and dt < 3, f"{dt:.2f}s"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_on_cuda():
    ds = synthetic(n_users=300, n_items=120, seed=1)
    inp = ds.split().stage('valid')[0]
    w, wc = make_windows(inp, 5, 3, 50, 'cuda'), make_windows(inp, 5, 3, 50)
    idx = torch.arange(len(w))
    b, bc = w.batch(idx), wc.batch(idx)
    assert b.seq.is_cuda and torch.equal(b.seq.cpu(), bc.seq) and torch.equal(b.hist.cpu(), bc.hist)
    neg = NegativeSampler(inp, 'cuda').sample(b.user, (3, 2), torch.Generator('cuda').manual_seed(0))
    assert neg.is_cuda and not torch.isin(b.user[:, None, None] * 121 + neg,
                                          torch.from_numpy(inp.users() * 121 + inp.items).cuda()).any()
    c = contexts(inp, None, 5, 50, 'cuda'); assert torch.equal(c.seq.cpu(), contexts(inp, None, 5, 50).seq)
    A = item_graph(inp, device='cuda'); E = torch.randn(121, 8, device='cuda')
    assert torch.allclose((A @ E).cpu(), item_graph(inp).to_dense() @ E.cpu(), atol=1e-5)
