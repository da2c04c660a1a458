"""The numbers typed in the prose of README.md (nbs/index.ipynb) and of the reproduction page (nbs/reproduction.ipynb)
are the data's. Two checks:

- `CLAIMS`: each typed sentence that states a number the tables do not print (a seed's value, a validation score, a
  difference, a spread, a point of a curve, a p-value, a budget from the runs' configs, a timing from results/bench)
  is written here with its numbers computed from the run
  folders of a study; the sentence so rebuilt must be in the page, word for word. A typed number that differs from
  the data fails. (The README's headline bullets are printed by code in nbs/index.ipynb, so need no claim.)
- every other number with three or four decimals in the page's prose must be printed in that page's outputs
  (the tables, which tests/test_results.py checks against the same run files).
"""
import json, re
from functools import lru_cache
from pathlib import Path
import pytest
from magnn.results import load_runs, label, valid_curve

ROOT = Path(__file__).resolve().parents[1]
R = ROOT/'results'
PAGES = {'readme': ROOT/'nbs'/'index.ipynb', 'report': ROOT/'nbs'/'reproduction.ipynb'}

def _cells(page):
    return json.loads(PAGES[page].read_text())['cells']

def prose(page) -> str:
    "The page's markdown, whitespace collapsed (a sentence may break across lines)."
    return ' '.join(' '.join(''.join(c['source']).split()) for c in _cells(page) if c['cell_type'] == 'markdown')

def printed(page) -> str:
    "What the page's code printed (for the README, also what README.md holds)."
    out = '\n'.join(''.join(o.get('text', '')) + ''.join(o.get('data', {}).get('text/markdown', ''))
                    for c in _cells(page) for o in c.get('outputs', []))
    return out + ((ROOT/'README.md').read_text() if page == 'readme' else '')

@lru_cache(maxsize=None)
def runs(folder):
    r = load_runs(R/folder)
    return r.assign(method=r['label'])

def vals(folder, method, split='test', metric='recall@10'):
    "One table row's values over its seeds, in seed order."
    r = runs(folder)
    r = r[r.method == method].sort_values('seed')
    assert len(r), f"{folder} has no row {method!r}"
    return r[f'{split}/{metric}']

def seed(folder, method, s=0, split='test', metric='recall@10') -> float:
    r = runs(folder); r = r[(r.method == method) & (r.seed == s)]
    assert len(r) == 1, f"{folder}: {method!r} seed {s}"
    return float(r[f'{split}/{metric}'].iloc[0])

f4 = lambda v: f"{v:.4f}"
pm = lambda r: f"{r.mean():.4f}" + (f" ± {r.std():.4f}" if len(r) > 1 else '')
CONV, REFIT, H200, EQ6 = 'table2-amazon-cds-history/cpu-converged', 'table2-amazon-cds-history/refit', 'table2-amazon-cds-history/h200-5-seeds', 'eq6-matrices/dense-lr'
MFS, T3 = 'mfs-question/24-epochs', 'table3-amazon-cds'
MG, MG5, MC, MC5 = 'magnn [pe_scale=0.02]', 'magnn [pe_scale=0.02, neg=5]', 'magnn:mf+c', 'magnn:mf+c [neg=5]'
BI = lambda d: f"magnn [pe_scale=0.02, {'dense_lr=' + d + ', ' if d else ''}refit]"
PR = lambda d: f"magnn [pe_scale=0.02, cooc=product, {'dense_lr=' + d + ', ' if d else ''}refit]"
WI = 'magnn [pe_scale=0.02, dense_lr=0, wr_init=identity, refit]'

def largest_spread(dataset='amazon-cds'):
    "(std, row, study) of the row with the largest std over seeds of test Recall@10, over every set of every study."
    out = []
    for st in sorted(R.glob('*/study.json')):
        for name in json.loads(st.read_text())['sets']:
            if not any((st.parent/name).rglob('metrics.json')): continue
            r = runs(str((st.parent/name).relative_to(R)))
            r = r[r.dataset == dataset]
            out += [(g.std(), m, st.parent.name) for m, g in r.groupby('method')['test/recall@10'] if len(g) > 1]
    return max(out)

def _curve():
    run = next((R/'eq6-matrices'/'converged').rglob('metrics.json')).parent
    return valid_curve(run), json.loads((run/'config.json').read_text())['config']['time_limit'], json.loads((run/'metrics.json').read_text())

def _ml100k():
    from scipy.stats import ttest_rel
    m, b = vals('baselines-ml-100k/first-runs', 'magnn'), vals('baselines-ml-100k/first-runs', 'bprmf')
    p = ttest_rel(m.to_numpy(), b.to_numpy()).pvalue
    markov = seed('baselines-ml-100k/first-runs', 'markov')
    t2 = runs('baselines-ml-100k/baselines').groupby('method')['test/recall@10'].mean()
    above = sorted(t2[t2 > markov].index)
    assert above == ['caser', 'marank'], above   # the sentence names these two
    return (f4(m.mean()), f4(b.mean()), f"{p:.2f}", f4(markov), f4(t2['caser']), f4(t2['marank']))

def _faithful():
    c, limit, m = _curve()
    spread, row, study = largest_spread()
    from magnn.results import PAPER_TABLE2
    gap = PAPER_TABLE2['amazon-cds']['magnn'][0] - seed('eq6-matrices/converged', BI('0'))
    assert gap / spread < 2, (row, study, gap, spread)   # the page's words: under two seeds' spread (so one run cannot tell)
    words = "within one seed's spread" if gap <= spread else "more than one seed's spread but less than two"
    where = {'table2-amazon-cds': 'the Table 2 campaign', 'table3-amazon-cds': 'Table 3'}[study]   # a new study: name it in the sentence
    return (f"{limit / 60:.0f}", str(m['epochs_run']), f4(c[60]), f4(c[78]), f4(c[max(c)]), f4(seed(EQ6, BI('0'))), pm(vals(EQ6, BI('0'))),
            f4(gap), f"{gap / spread:.1f}", f4(spread), row, where, words)

def _best_epochs():
    r = runs(EQ6)
    last = r[r.best_epoch != r.epochs_run]
    assert len(last) == 1 and last.method.iloc[0] == BI(''), last.method.tolist()
    return (str(int(last.best_epoch.iloc[0])), str(int(last.epochs_run.iloc[0])))

def _table3_gaps():
    rows = {'full': vals(EQ6, BI('0')).mean(), **{k: vals(T3, f'magnn:{k} [pe_scale=0.02, dense_lr=0, refit]').mean() for k in
            ('mf+s', 'mf+s+h+concat', 'mf+s+h+gating', 'mf+s+h+gru')}, 'mf': vals(T3, 'magnn:mf [pe_scale=0.02, refit]').mean()}
    v = sorted(rows.values(), reverse=True)
    gaps = [round(a - b, 4) for a, b in zip(v, v[1:])]
    g = vals(T3, 'magnn:mf+s+h+gating [pe_scale=0.02, dense_lr=0, refit]')
    d2 = g.max() - g.min()
    others = max(abs(x.max() - x.min()) for m in runs(T3).method.unique() if len(x := vals(T3, m)) > 1)
    assert d2 == others, "the largest difference between two seeds is gating's"
    return (f4(min(gaps)), f4(max(gaps)), f4(d2))

def _h200():
    r = runs(H200)
    mg, bp = r[r.method == MG], r[r.method == 'bprmf']
    return (str(int(mg.epochs_run.min())), str(int(bp.epochs_run.min())), str(int(bp.epochs_run.max())))

def _encoding():
    return (f4(seed(H200, MG, split='valid', metric='ndcg@10')), f4(seed(H200, 'magnn', split='valid', metric='ndcg@10')),
            f4(seed(H200, MG)), f4(seed(H200, 'magnn')))

def _converged():
    r = runs(CONV)
    be = lambda m: str(int(r[r.method == m].best_epoch.iloc[0]))
    return (be(MG), f4(seed(CONV, MG)), f4(seed(CONV, 'bprmf')), be('bprmf'))

def _minutes():
    r = runs(REFIT)
    s = [json.loads((Path(p)/'metrics.json').read_text())['timings']['refit_s'] for p in r[r.method.isin([BI(''), 'magnn [pe_scale=0.02, neg=5, refit]'])].run]
    return (f"{min(s) / 60:.0f}", f"{max(s) / 60:.0f}")

CLAIMS = [  # (page, sentence with {} for each number, the numbers from the data)
    ('report', "SASRec run reaches {} against the paper's 0.0341", lambda: (f4(seed(CONV, 'sasrec')),)),
    ('report', "(Recall@10: BPRMF {} against {}, MA-GNN {} against {}, `mf+c` {} against {}); all stopped by patience",
     lambda: tuple(f4(seed(CONV, m, split='valid')) for m in ('bprmf [neg=5]', 'bprmf', MG5, MG, MC5, MC))),
    ('report', "MA-GNN's retraining takes {} to {} minutes on this CPU", _minutes),
    ('report', "validation Recall@10 {} ({} with 5 negatives) against {} ({}) for Eq. 6 as written, and test Recall@10, retrained, {} ({}) against {} ({})",
     lambda: (f4(seed(REFIT, PR(''), split='valid')), f4(seed(REFIT, 'magnn [pe_scale=0.02, cooc=product, neg=5, refit]', split='valid')),
              f4(seed(REFIT, BI(''), split='valid')), f4(seed(REFIT, 'magnn [pe_scale=0.02, neg=5, refit]', split='valid')),
              f4(seed(REFIT, PR(''))), f4(seed(REFIT, 'magnn [pe_scale=0.02, cooc=product, neg=5, refit]')),
              f4(seed(REFIT, BI(''))), f4(seed(REFIT, 'magnn [pe_scale=0.02, neg=5, refit]')))),
    ('report', "reaches {} test Recall@10 at this budget; with the matrices at 0.02 of the rate, {}; frozen at their random start, {} ({} over 3 seeds); frozen with $W_r = I$, {}. Validation orders them the same way ({}, {}, {}, {}; seed 0)",
     lambda: (f4(seed(EQ6, BI(''))), f4(seed(EQ6, BI('0.02'))), f4(seed(EQ6, BI('0'))), pm(vals(EQ6, BI('0'))), f4(seed(EQ6, WI)),
              *(f4(seed(EQ6, m, split='valid')) for m in (BI(''), BI('0.02'), BI('0'), WI)))),
    ('report', "moves test Recall@10 from {} to {} (0.02) and {} (0; {} over 3 seeds)",
     lambda: (f4(seed(EQ6, PR(''))), f4(seed(EQ6, PR('0.02'))), f4(seed(EQ6, PR('0'))), pm(vals(EQ6, PR('0'))))),
    ('report', "by {} (frozen, $W_r = I$) to {} (one rate)",
     lambda: (f4(seed(EQ6, PR('0')) - seed(EQ6, WI)), f4(seed(EQ6, PR('')) - seed(EQ6, BI(''))))),
    ('report', "best setting on validation is `cooc=product dense_lr=0` ({})", lambda: (f4(seed(EQ6, PR('0'), split='valid')),)),
    ('report', "Every row's best epoch but one is its last (Eq. 6 under one rate chose epoch {} of {})", _best_epochs),
    ('report', "row finished, which is {} higher on validation", lambda: (f4(seed(EQ6, WI, split='valid') - seed(EQ6, BI('0'), split='valid')),)),
    ('report', "stopped on its {}-minute limit at epoch {}; validation Recall@10 was flat from epoch 60 to 78 ({} at both) and then reached {} at its last check, so more epochs might add a little; at 30 epochs the same setting gave {} ({} over 3 seeds). - It is above BPRMF",
     lambda: (lambda c, l, m: (f"{l / 60:.0f}", str(m['epochs_run']), *([f4(c[60])] if f4(c[60]) == f4(c[78]) else ['differ']), f4(c[max(c)]),
                               f4(seed(EQ6, BI('0'))), pm(vals(EQ6, BI('0')))))(*_curve())),
    ('report', "below the paper by {}, {} times the largest seed spread we measured on CDs (a standard deviation of {} over seeds, for `{}` in {}). That is {}, so this one run", lambda: _faithful()[-6:]),
    ('report', "The gaps between neighbouring rows ({} to {}) are no larger than the difference between two seeds of one row (up to {}, for gating)", _table3_gaps),
    ('report', "MF+S reaches {} and {} validation Recall@10 (seeds 0, 1) against MF's {} and {}",
     lambda: (*(f4(v) for v in vals(MFS, 'magnn-diag:mf+s [s_linear]', 'valid')), *(f4(v) for v in vals(MFS, 'magnn:mf', 'valid')))),
    ('report', "Putting Eq. 1's tanh back on the linear path costs little ({}); keeping the frozen matrices without either tanh changes nothing ({} against {})",
     lambda: (f4(seed(MFS, 'magnn-diag:mf+s [s_linear, s_tanh]', split='valid')), f4(seed(MFS, 'magnn-diag:mf+s [ps_act=none, gnn_act=none, dense_lr=0]', split='valid')),
              f4(seed(MFS, 'magnn:mf+s [dense_lr=0]', split='valid')))),
    ('report', "Eq. 2's $p_u$ ({} without it), its tanh ({} without), the graph's direction ({}), two layers ({}), a window's own transitions ({}), weight decay (`l2=0`: MF {}, MF+S {}), one item table ({}), the seed (MF+S {} and {} against MF's {} and {})",
     lambda: (*(f4(seed(MFS, m, split='valid')) for m in ('magnn-diag:mf+s [ps_user=out, dense_lr=0]', 'magnn-diag:mf+s [ps_act=none, dense_lr=0]',
              'magnn:mf+s [graph=undirected, dense_lr=0]', 'magnn:mf+s [gnn_layers=2, dense_lr=0]', 'magnn-diag:mf+s [graph_own=drop, dense_lr=0]',
              'magnn:mf [l2=0]', 'magnn:mf+s [dense_lr=0, l2=0]', 'magnn-diag:mf+s [tie, dense_lr=0]')),
              *(f4(v) for v in vals(MFS, 'magnn:mf+s [dense_lr=0]', 'valid')), *(f4(v) for v in vals(MFS, 'magnn:mf', 'valid')))),
    ('report', "chosen on validation: {} against {} for BPRMF and {} for Eq. 6 as written",
     lambda: (f4(seed(REFIT, PR(''), split='valid')), f4(seed(CONV, 'bprmf', split='valid')), f4(seed(REFIT, BI(''), split='valid')))),
    ('report', "the spread between retrained seeds was {} to {} for BPRMF and {} for MA-GNN with 5 negatives, against gaps of {} and {}",
     lambda: (f4(vals(REFIT, 'bprmf [refit]').std()), f4(vals(REFIT, 'bprmf [neg=5, refit]').std()), f4(vals(REFIT, 'magnn [pe_scale=0.02, neg=5, refit]').std()),
              f4(seed(REFIT, PR('')) - vals(REFIT, 'bprmf [refit]').mean()),
              f4(seed(REFIT, 'magnn [pe_scale=0.02, cooc=product, neg=5, refit]') - vals(REFIT, 'bprmf [neg=5, refit]').mean()))),
    ('report', "at the same wall-clock budget ({} epochs against BPRMF's {} to {})", _h200),
    ('report', "On MovieLens-100K MA-GNN is above BPRMF on average ({} against {}, 3 seeds), but not significantly (paired t-test over seeds, p = {})", lambda: _ml100k()[:3]),
    ('report', "on ml-100k ({}) it beats every trained model of Table 2's ml-100k runs but Caser ({}) and MARank ({})", lambda: _ml100k()[3:]),
    ('report', "reaches {} on CDs, {} times BPRMF", lambda: (f4(seed(H200, 'markov')), f"{seed(H200, 'markov') / vals(H200, 'bprmf').mean():.1f}")),
    ('report', "scaled, validation NDCG@10 is {} against {} for the same seed and epochs, and test Recall@10 {} against {}", _encoding),
    ('report', "peaks at epoch {} with test Recall@10 {}, below BPRMF's {} (epoch {})", _converged),
    ('report', "MA-GNN {} → {} (one seed); with 5 negatives, BPRMF {} (3 seeds), MF with the co-occurrence term {} and MA-GNN {}",
     lambda: (f4(seed(CONV, MG)), f4(seed(REFIT, BI(''))), pm(vals(REFIT, 'bprmf [neg=5, refit]')), f4(seed(REFIT, 'magnn:mf+c [neg=5, refit]')),
              f4(seed(REFIT, 'magnn [pe_scale=0.02, neg=5, refit]')))),
    ('report', "BPRMF's validation Recall@10 rises from {} to {} while its test Recall@10 barely moves ({} → {})",
     lambda: (f4(seed(CONV, 'bprmf', split='valid')), f4(seed(CONV, 'bprmf [neg=5]', split='valid')), f4(seed(CONV, 'bprmf')), f4(seed(CONV, 'bprmf [neg=5]')))),
    ('report', "With a mean instead of the sum, λ = {} is about", lambda: (f"{__import__('magnn.models', fromlist=['make_config']).make_config('magnn').flat()['l2']:g}",)),
]

def _h200_stops():
    r = runs(H200); r = r[r.model != 'markov']
    return (str((r.stopped == 'time limit').sum()), str(len(r)), str(int(r.epochs_run.min())), str(int(r.epochs_run.max())),
            str(int((r.best_epoch == r.epochs_run).sum())))

def _bench(*names):
    return [json.loads((R/'bench'/n).read_text())['epoch_s'] for n in names]

def _issue13():
    mb, mi, hb, hi = _bench('issue13/magnn-before.json', 'issue13/magnn-inplace.json', 'issue13/hgn-before.json', 'issue13/hgn-inplace.json')
    mf, mfs, mfsh, full, hgn = _bench(*(f'issue13/{n}.json' for n in ('magnn-variant-mf', 'magnn-variant-mf+s', 'magnn-variant-mf+s+h+gating', 'magnn-variant-full', 'hgn-20-batches')))
    return (f"{mb:.2f}", f"{mi:.2f}", f"{mb / mi:.1f}", f"{hb:.2f}", f"{hi:.2f}", f"{mi / hi:.1f}", f"{mf:.1f}", f"{mfs:.1f}", f"{mfsh:.1f}", f"{full:.1f}", f"{hgn:.1f}", f"{mfsh - mfs:.1f}")

def _h200_speed():
    b32, bamp, a32, aamp, ml = _bench('amazon-cds-h200-fp32-before-rows.json', 'amazon-cds-h200-amp-before-rows.json', 'amazon-cds-h200-fp32.json',
                                      'amazon-cds-h200-amp.json', 'ml-100k-cpu.json')
    steps = json.loads((R/'bench'/'amazon-cds-h200-fp32.json').read_text())['batches']
    return (f"{min(b32, bamp):.0f} to {max(b32, bamp):.0f}", f"{b32 / a32:.0f}", str(steps), f"{a32 / steps * 1000:.0f}", f"{ml:.0f}")

CLAIMS += [
    ('report', "{} of the {} runs stopped at the same wall-clock limit (`--time-limit`, recorded as `stopped`; the other by patience), {} to {} epochs in, {} of them at their best validation epoch so far", _h200_stops),
    ('report', "MA-GNN's epoch went from {} s to {} s ({} times faster); HGN's from {} s to {} s (the lookup change helps it too), so MA-GNN is now {} times HGN, not the 2 times issue 13 asked for. Where the epoch goes, by Table 3 variant (the `magnn-variant-*` and `hgn-20-batches` files: 20 timed steps each, scaled to the epoch): MF {} s, MF+S {} s, MF+S+H {} s, the full model {} s, HGN {} s. The long-term module alone (about {} s)", _issue13),
    ('report', "The `before-rows` files are the first H200 lease: {} s per epoch", lambda: _h200_speed()[:1]),
    ('report', "made the epoch {} times faster", lambda: _h200_speed()[1:2]),
    ('report', "({} steps of about {} ms each", lambda: _h200_speed()[2:4]),
    ('report', "On this 2-core CPU an ml-100k epoch takes about {} s.", lambda: _h200_speed()[4:]),
]

def _budget(folder, exceptions=()):
    "(patience, eval_every, time_limit in s, seeds) shared by every run of a set but those of the models in `exceptions`."
    r = runs(folder)
    cs = {(c['patience'], c['eval_every'], c['time_limit']) for m, c in zip(r.model, r.config) if m not in exceptions}
    assert len(cs) == 1, f"{folder}: runs with different budgets {cs}"
    p, e, t = cs.pop()
    return (str(p), str(e), f"{t:g}", str(r.seed.nunique()))

def _eval_every(folder, model):
    "The one eval_every of `model`'s runs in a set."
    (e,) = {c['eval_every'] for m, c in zip(runs(folder).model, runs(folder).config) if m == model}
    return str(e)

CLAIMS += [
    ('report', "`magnn train --model M patience={} eval_every={} time_limit={}` (GRU4Rec: `eval_every={}`), one seed",
     lambda: (*_budget('table2-amazon-cds-budget/baselines', ('gru4rec',))[:3], _eval_every('table2-amazon-cds-budget/baselines', 'gru4rec'))),
    ('report', "`magnn train --model M patience={} eval_every={} time_limit={}`, {} seeds", lambda: _budget('baselines-ml-100k/baselines')),
]


def _refit_gain():
    "Percent gain in test Recall@10 of each retrained row (mean over its seeds) over the run it retrained."
    pairs = [('bprmf [refit]', 'bprmf'), ('bprmf [neg=5, refit]', 'bprmf [neg=5]'), ('magnn [pe_scale=0.02, refit]', MG),
             ('magnn [pe_scale=0.02, neg=5, refit]', MG5), ('magnn:mf+c [refit]', MC), ('magnn:mf+c [neg=5, refit]', MC5)]
    g = {a: 100 * (vals(REFIT, a).mean() / seed(CONV, b) - 1) for a, b in pairs}
    bpr, mg = min(g['bprmf [refit]'], g['bprmf [neg=5, refit]']), max(g['magnn [pe_scale=0.02, refit]'], g['magnn [pe_scale=0.02, neg=5, refit]'])
    assert bpr >= mg, "the sentence says BPRMF gains at least as much as MA-GNN"
    return (f"{min(g.values()):.0f}", f"{max(g.values()):.0f}")

WR = lambda: (f"{100 * (seed('eq6-matrices/wr-and-hgn-parts', 'wr-frozen:mf+c', split='valid') / seed('eq6-matrices/wr-and-hgn-parts', 'wr-xavier:mf+c', split='valid') - 1):.0f}",)

CLAIMS += [
    ('report', "So the authors' protocol is worth {} to {}% on CDs (a row's retrained seeds against its selected run), to BPRMF at least as much as to MA-GNN", _refit_gain),
    ('report', "kept at the identity, the same mean is {}% better than from Xavier on validation", WR),
    ('report', "with $W_r$ kept at the identity the same term is {}% better on validation than learnt from Xavier", WR),
]


def _cfgs(folder, *keys, models=None):
    "The values of `keys` shared by every trained run of a set (of `models` when given): the budget the prose quotes."
    r = runs(folder)
    cs = {tuple(c.get(k) for k in keys) for m, c in zip(r.model, r.config) if m not in ('pop', 'markov') and (models is None or m in models)}
    assert len(cs) == 1, f"{folder}: runs with different {keys}: {cs}"
    return tuple(f"{v:g}" if isinstance(v, float) else str(v) for v in cs.pop())

CLAIMS += [
    ('report', "Single runs on this 2-core CPU, {} epochs each (validation every {} epochs, patience {})",
     lambda: _cfgs('diagnostics-amazon-cds/one-change-each', 'epochs', 'eval_every', 'patience')),
    ('report', "Up to {} epochs on the CPU (SASRec: {} epochs and a {}-minute limit on model selection), validation every {} epochs, patience {}, one seed each",
     lambda: (_cfgs(CONV, 'epochs', models=('bprmf', 'magnn'))[0], *(lambda e, t: (e, f"{float(t) / 60:.0f}"))(*_cfgs(CONV, 'epochs', 'time_limit', models=('sasrec',))),
              *_cfgs(CONV, 'eval_every', 'patience'))),
    ('report', "{} epochs each (validation every {}, patience {}), one seed", lambda: _cfgs('eq6-matrices/wr-and-hgn-parts', 'epochs', 'eval_every', 'patience')),
    ('report', "--epochs {} eval_every={} patience={} time_limit={} refit=true pe_scale={}", lambda: _cfgs(EQ6, 'epochs', 'eval_every', 'patience', 'time_limit', 'pe_scale')),
    ('report', "(validation every {} epochs, patience {}, at most {} minutes of model selection)",
     lambda: (lambda e, p, t: (e, p, f"{float(t) / 60:.0f}"))(*_cfgs('eq6-matrices/converged', 'eval_every', 'patience', 'time_limit'))),
    ('report', "One seed each, {} epochs on the CPU", lambda: _cfgs('diagnostics-amazon-cds/parts-alone', 'epochs')),
    ('report', "The earlier CPU reproduction (one seed, {} epochs", lambda: _cfgs('table2-amazon-cds-history/cpu-20-epochs', 'epochs')),
    ('report', "The same options for {} epochs (seed 0)", lambda: _cfgs('mfs-question/60-epochs', 'epochs')),
]


CLAIMS += [
    ('readme', "An H200 takes about {} s per MA-GNN epoch against {} s of CPU time on one CPU thread",
     lambda: (f"{_bench('amazon-cds-h200-fp32.json')[0]:.1f}",
              f"{json.loads((R/'bench'/'models'/'bench-amazon-cds-magnn-cpu.json').read_text())['epoch_cpu_s']:.0f}")),
]


@pytest.mark.parametrize('page,text,values', CLAIMS, ids=[f"{p}:{t[:40]}" for p, t, _ in CLAIMS])
def test_claim_matches_data(page, text, values):
    "The sentence, with its numbers computed from the study's run files, is in the page word for word."
    want = text.format(*values())
    assert want in prose(page), f"{PAGES[page].name} should read (from the data): …{want}…"

NUM = re.compile(r'(?<![\w.])(\d*\.\d{3,4})(?!\d)')

@pytest.mark.parametrize('page', PAGES)
def test_every_typed_number_is_printed_or_claimed(page):
    "A number typed in the prose is either one a table of the page prints or part of a sentence of CLAIMS."
    text, shown = prose(page), printed(page)
    for p, t, v in CLAIMS:
        if p == page: text = text.replace(t.format(*v()), ' ')
    shown_nums = set(NUM.findall(shown))
    stray = [m.group(1) for m in NUM.finditer(text) if m.group(1) not in shown_nums and m.group(1).lstrip('0') not in shown_nums]
    assert not stray, f"{PAGES[page].name}: typed numbers that no table prints and no claim checks: {stray}"

def test_a_wrong_number_fails():
    "The check is live: a claim's sentence with one number changed is not in the page."
    page, text, values = CLAIMS[1]
    v = list(values()); v[0] = f"{float(v[0]) + 0.0001:.4f}"
    assert text.format(*v) not in prose(page)

