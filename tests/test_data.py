"Tests of magnn.data / magnn.datasets: readers, the paper's preprocessing, pickles, named datasets, cache, download."
import gzip, hashlib, json, os, pickle, re, time, zipfile
from dataclasses import replace
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
import magnn.data as mdata
import magnn.datasets as mds
from magnn.core import MagnnError, Dataset, Seqs, cache_dir, write_json
from magnn.data import preprocess, read_interactions, kcore, load_list_pickle
from magnn.datasets import DATASETS, load_dataset

@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    "A fresh, empty cache folder for this test (and no $MAGNN_DATA)."
    monkeypatch.setenv('MAGNN_CACHE', str(tmp_path/'cache'))
    monkeypatch.delenv('MAGNN_DATA', raising=False)
    return tmp_path/'cache'

def _stats3(ds): s = ds.stats(); return s['users'], s['items'], s['interactions']

# ---------------------------------------------------------------- Table 1 on the real data

def test_table1_amazon_cds(shared_data, cache):
    ds = load_dataset('amazon-cds', shared_data)
    assert _stats3(ds) == (17_052, 35_118, 472_265) == DATASETS['amazon-cds'].table1
    assert ds.source['kind'] == 'pickle' and ds.item_ids[0] == '<pad>' and ds.seqs.items.min() == 1
    assert _stats3(load_dataset(shared_data/'amazon-cds')) == (17_052, 35_118, 472_265)  # as a folder path

def test_table1_ml100k(shared_data, cache):
    ds = load_dataset('ml-100k', shared_data)
    assert _stats3(ds) == (887, 822, 52_764)
    assert ds.source['rows_read'] == 100_000 and ds.source['kind'] == 'raw'
    assert {'Three Colors: Red', 'Three Colors: Blue', 'Three Colors: White', 'Die Hard'} <= set(ds.item_titles)
    sp = ds.split()
    assert (sp.n_train + sp.n_valid < ds.seqs.lengths).all()

# ---------------------------------------------------------------- each reader, then the protocol, by hand

# (user, item, rating, time) in file order. With core=2: item 30 has one interaction (round 1), user 4 has one
# positive (round 1; its 3-star row is dropped first), then user 3 has one interaction (round 2). Users 1, 2 and
# items 10, 20 remain. User 2's two rows tie on time and keep their file order (20 then 10).
EVENTS = [(1, 20, 5, 20), (1, 10, 4, 10), (2, 20, 5, 5), (2, 10, 5, 5), (3, 10, 5, 1), (3, 30, 5, 2), (4, 20, 3, 3), (4, 10, 5, 4)]
_gmt = lambda t: time.strftime('%a %b %d %H:%M:%S +0000 %Y', time.gmtime(t))

WRITERS = {
    'ratings.csv': lambda p: p.write_text('userId,movieId,rating,timestamp\n' + ''.join(f'{u},{i},{r}.0,{t}\n' for u, i, r, t in EVENTS)),
    'u.data': lambda p: p.write_text(''.join(f'{u}\t{i}\t{r}\t{t}\n' for u, i, r, t in EVENTS)),
    'ratings.dat': lambda p: p.write_text(''.join(f'{u}::{i}::{r}::{t}\n' for u, i, r, t in EVENTS)),
    'toy.inter': lambda p: p.write_text('user_id:token\titem_id:token\trating:float\ttimestamp:float\n' + ''.join(f'{u}\t{i}\t{r}\t{t}\n' for u, i, r, t in EVENTS)),
    'ratings_Toys.csv': lambda p: p.write_text(''.join(f'{u},{i},{r}.0,{t}\n' for u, i, r, t in EVENTS)),
    'gr.json.gz': lambda p: p.write_bytes(gzip.compress(''.join(json.dumps(dict(user_id=str(u), book_id=str(i), review_id='x', rating=r,
                                                          date_added=_gmt(t), read_at='')) + '\n' for u, i, r, t in EVENTS).encode())),
}

@pytest.mark.parametrize('fname', list(WRITERS))
def test_reader_and_protocol(fname, tmp_path, cache):
    WRITERS[fname](tmp_path/fname)
    df = read_interactions(tmp_path/fname)
    assert list(df.columns) == ['user', 'item', 'rating', 'time']
    assert [(int(u), int(i), float(r), int(t)) for u, i, r, t in df.itertuples(index=False)] == EVENTS
    ds = load_dataset(tmp_path/fname, core=2)
    assert ds.seqs.to_lists() == [[1, 2], [2, 1]]
    assert ds.user_ids.tolist() == ['1', '2'] and ds.item_ids.tolist() == ['<pad>', '10', '20']
    assert {k: ds.source[k] for k in ('rows_read', 'rows_rating', 'rows_core', 'core_rounds')} == \
        dict(rows_read=8, rows_rating=7, rows_core=4, core_rounds=2)

def test_ten_core_needs_two_rounds_and_ties_keep_file_order():
    rows = []
    for u in range(10):  # a 10 x 10 grid survives the 10-core
        js = [0, 1, 2, 4, 3, 5, 6, 7, 8, 9] if u == 0 else range(10)  # user 0: i4 before i3 in the file ...
        rows += [(f'u{u}', f'i{j}', 5, 50 if (u == 0 and j in (3, 4)) else 100 - j) for j in js]  # ... with the same time
    rows += [('x', f'i{j}', 4, 0) for j in range(9)] + [('x', 'z', 5, 0)]  # z goes in round 1, then x (9 left) in round 2
    rows += [('y', f'i{j}', 2, 0) for j in range(10)] * 2                  # low ratings: dropped before the core
    ds = preprocess(pd.DataFrame(rows, columns=['user', 'item', 'rating', 'time']))
    assert ds.source['core_rounds'] == 2 and ds.source['rows_rating'] == 110 and ds.source['rows_core'] == 100
    assert ds.user_ids.tolist() == [f'u{u}' for u in range(10)] and ds.item_ids.tolist() == ['<pad>'] + [f'i{j}' for j in range(10)]
    seqs = ds.seqs.to_lists()
    assert seqs[0] == [5, 4, 10, 9, 8, 7, 6, 3, 2, 1]   # i4, i3 (tie at t=50, file order), then by time
    assert all(s == list(range(10, 0, -1)) for s in seqs[1:])
    idx, rounds = kcore(np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 0, 1, 0, 3]), 2)
    assert idx.tolist() == [0, 1, 2, 3] and rounds == 2

def test_titles_beside_ratings(tmp_path, cache):
    WRITERS['ratings.csv'](tmp_path/'ratings.csv')
    (tmp_path/'movies.csv').write_text('movieId,title,genres\n10,"Ten, The (1990)",Drama\n20,Twenty (1991),Comedy\n30,X,Y\n')
    ds = load_dataset(tmp_path/'ratings.csv', core=2)
    assert ds.item_titles.tolist() == ['<pad>', 'Ten, The (1990)', 'Twenty (1991)']

# ---------------------------------------------------------------- the authors' pickles

def _write_pickles(folder:Path, prefix:str, seqs, users, items):
    folder.mkdir(parents=True, exist_ok=True)
    for n, o in [('item_sequences', seqs), ('user_mapping', users), ('item_mapping', items)]:
        (folder/f'{prefix}_{n}.pkl').write_bytes(pickle.dumps(o))

def test_pickles_by_name_and_folder(tmp_path, cache):
    _write_pickles(tmp_path/'amazon-books', 'Books', [[0, 2, 1], [1, 2]], ['A9', 'B7'], ['i0', 'i1', 'i2'])
    ds = load_dataset('amazon-books', tmp_path)
    assert ds.seqs.to_lists() == [[1, 3, 2], [2, 3]] and ds.n_items == 3   # item i -> i + 1, as given
    assert ds.user_ids.tolist() == ['A9', 'B7'] and ds.item_ids.tolist() == ['<pad>', 'i0', 'i1', 'i2']
    assert load_dataset(tmp_path/'amazon-books').name == 'amazon-books'
    # the authors' pickles are preferred over a raw file
    (tmp_path/'ratings_Books.csv').write_text('a,b,5,1\n')
    assert load_dataset('amazon-books', tmp_path).source['kind'] == 'pickle'

class _Evil:
    def __init__(self, cmd): self.cmd = cmd
    def __reduce__(self): return (os.system, (self.cmd,))

def test_malicious_pickles_are_refused(tmp_path, cache):
    marker = tmp_path/'pwned'
    _write_pickles(tmp_path/'evil', 'Evil', [[0, 1]], ['u'], ['a', 'b'])
    (tmp_path/'evil'/'Evil_item_sequences.pkl').write_bytes(pickle.dumps([_Evil(f'touch {marker}')]))
    with pytest.raises(MagnnError, match='refusing to load posix.system'): load_dataset(tmp_path/'evil')
    assert not marker.exists()
    import collections, fractions
    for bad in ([collections.OrderedDict()], [fractions.Fraction(1, 2)]):
        (tmp_path/'b.pkl').write_bytes(pickle.dumps(bad))
        with pytest.raises(MagnnError, match='refusing to load'): load_list_pickle(tmp_path/'b.pkl')
    for bad, nested, what in [({'a': 1}, False, 'dict'), ([[1, 2.0]], True, 'float'), ([True], False, 'bool'), ([(1, 2)], True, 'tuple')]:
        (tmp_path/'b.pkl').write_bytes(pickle.dumps(bad))
        with pytest.raises(MagnnError, match=what): load_list_pickle(tmp_path/'b.pkl', nested=nested)

# ---------------------------------------------------------------- bad input: one clear line

def test_missing_files(tmp_path, cache):
    with pytest.raises(MagnnError) as e: load_dataset('ml-20m', tmp_path)
    msg = str(e.value)
    assert 'ml20m_item_sequences.pkl' in msg and 'ratings.csv' in msg and str(tmp_path/'ml-20m') in msg
    assert 'pass --data-dir or set MAGNN_DATA' in msg and '\n' not in msg
    (tmp_path/'CDs').mkdir(); (tmp_path/'CDs'/'CDs_item_sequences.pkl').write_bytes(pickle.dumps([[0]]))
    with pytest.raises(MagnnError, match="not CDs_user_mapping.pkl, CDs_item_mapping.pkl beside it"): load_dataset('amazon-cds', tmp_path)

def test_wrong_format_names_expected_columns(tmp_path, cache):
    (tmp_path/'ml-20m').mkdir(); (tmp_path/'ml-20m'/'ratings.csv').write_text('user,movie,stars,when\n1,2,3,4\n')
    with pytest.raises(MagnnError, match='userId,movieId,rating,timestamp'): load_dataset('ml-20m', tmp_path)
    (tmp_path/'x.inter').write_text('user_id:token\titem_id:token\n1\t2\n')
    with pytest.raises(MagnnError, match=r"missing \['rating', 'timestamp'\]"): load_dataset(tmp_path/'x.inter')
    (tmp_path/'ratings_X.csv').write_text('a,b,five,1\n')
    with pytest.raises(MagnnError, match='user,item,rating,timestamp'): load_dataset(tmp_path/'ratings_X.csv')
    (tmp_path/'g.json.gz').write_bytes(b'not gzip')
    with pytest.raises(MagnnError, match='user_id, book_id, rating, date_added'): load_dataset(tmp_path/'g.json.gz')
    with pytest.raises(MagnnError, match='missing'): preprocess(pd.DataFrame({'user': [1], 'item': [2]}))

def test_empty_after_filtering(tmp_path, cache):
    WRITERS['u.data'](tmp_path/'u.data')
    with pytest.raises(MagnnError, match=r"read 8 rows, 7 with rating >= 4, 0 after the 10-core filter"):
        load_dataset(tmp_path/'u.data')
    with pytest.raises(MagnnError, match=r"read 8 rows, 0 with rating >= 6"): load_dataset(tmp_path/'u.data', min_rating=6)
    assert not list((cache/'processed').glob('*.npz'))

def test_unknown_name():
    with pytest.raises(MagnnError, match="unknown dataset 'ml-30m'; known datasets: amazon-cds, amazon-books, goodreads-children"):
        load_dataset('ml-30m')

# ---------------------------------------------------------------- cache

def test_cache_hit_equal_and_keyed(tmp_path, cache):
    WRITERS['u.data'](tmp_path/'u.data')
    d1 = load_dataset(tmp_path/'u.data', core=2); d2 = load_dataset(tmp_path/'u.data', core=2)
    assert (d1.source['from_cache'], d2.source['from_cache']) == (False, True)
    assert d2.seqs.to_lists() == d1.seqs.to_lists() and (d2.user_ids == d1.user_ids).all() and (d2.item_ids == d1.item_ids).all()
    assert {k: v for k, v in d2.source.items() if k != 'from_cache'} == {k: v for k, v in d1.source.items() if k != 'from_cache'}
    assert len(list((cache/'processed').glob('u-*.npz'))) == 1
    assert load_dataset(tmp_path/'u.data', core=1).source['from_cache'] is False        # other settings, other key
    with open(tmp_path/'u.data', 'a') as f: f.write('5\t10\t5\t99\n')                    # a changed file, another key
    d3 = load_dataset(tmp_path/'u.data', core=2)
    assert d3.source['from_cache'] is False and d3.source['rows_read'] == 9
    assert load_dataset(tmp_path/'u.data', core=2, cache=False).source['from_cache'] is False

def test_sha256_is_memoised(tmp_path, cache, monkeypatch):
    f = tmp_path/'big.bin'; f.write_bytes(b'x' * 1000)
    assert mds.file_sha256(f) == hashlib.sha256(b'x' * 1000).hexdigest()
    calls, sha256 = [], hashlib.sha256
    monkeypatch.setattr(hashlib, 'sha256', lambda *a: calls.append(1) or sha256(*a))
    mds.file_sha256(f); assert calls == []                     # remembered by (path, size, mtime_ns)
    f.write_bytes(b'y' * 1001); mds.file_sha256(f); assert calls == [1]

def test_crash_while_writing_cache_leaves_no_file(tmp_path, cache, monkeypatch):
    WRITERS['u.data'](tmp_path/'u.data')
    def boom(f, **arrs): f.write(b'PK half an npz'); raise KeyboardInterrupt
    monkeypatch.setattr(mdata.np, 'savez', boom)
    with pytest.raises(KeyboardInterrupt): load_dataset(tmp_path/'u.data', core=2)
    assert sorted(p.name for p in (cache/'processed').iterdir()) == ['sha256.json']   # no .npz, no temp file
    monkeypatch.undo(); monkeypatch.setenv('MAGNN_CACHE', str(cache))
    assert load_dataset(tmp_path/'u.data', core=2).source['from_cache'] is False

def test_corrupt_cache_is_rebuilt(tmp_path, cache):
    WRITERS['u.data'](tmp_path/'u.data')
    path = Path(load_dataset(tmp_path/'u.data', core=2).source['cache'])
    path.write_bytes(b'garbage')
    with pytest.warns(UserWarning, match='unreadable cache'): d = load_dataset(tmp_path/'u.data', core=2)
    assert d.seqs.to_lists() == [[1, 2], [2, 1]] and Dataset.load(path).seqs.to_lists() == [[1, 2], [2, 1]]

# ---------------------------------------------------------------- download (file:// only; never the network)

def _zip(tmp_path) -> tuple[Path, str]:
    z = tmp_path/'ml-100k.zip'
    with zipfile.ZipFile(z, 'w') as f:
        f.writestr('ml-100k/u.data', ''.join(f'{u}\t{i}\t{r}\t{t}\n' for u, i, r, t in EVENTS))
        f.writestr('ml-100k/u.item', '10|Ten (1990)|x\n20|Twenty (1991)|x\n30|Thirty|x\n')
    return z, hashlib.sha256(z.read_bytes()).hexdigest()

def test_download_file_url(tmp_path, cache, monkeypatch):
    z, sha = _zip(tmp_path)
    monkeypatch.setitem(DATASETS, 'ml-100k', replace(DATASETS['ml-100k'], remote=(mds.Remote(z.as_uri(), sha),)))
    with pytest.raises(MagnnError, match="dataset 'ml-100k' not found"): load_dataset('ml-100k', tmp_path/'nothing', core=2)
    ds = load_dataset('ml-100k', tmp_path/'nothing', core=2, download=True, progress=False)
    assert ds.seqs.to_lists() == [[1, 2], [2, 1]] and ds.item_titles.tolist() == ['<pad>', 'Ten (1990)', 'Twenty (1991)']
    assert (cache/'raw'/'ml-100k'/'u.data').is_file() and not list((cache/'raw'/'.downloads').iterdir())  # the zip is gone

def test_download_checksum_mismatch_leaves_nothing(tmp_path, cache, monkeypatch):
    z, sha = _zip(tmp_path)
    monkeypatch.setitem(DATASETS, 'ml-100k', replace(DATASETS['ml-100k'], remote=(mds.Remote(z.as_uri(), 'f' * 64),)))
    with pytest.raises(MagnnError, match='checksum mismatch'): mds.download('ml-100k', tmp_path/'dl', progress=False)
    assert not [p for p in (tmp_path/'dl').rglob('*') if p.is_file()]
    with pytest.raises(MagnnError, match='could not download'): mds.fetch((tmp_path/'absent.csv').as_uri(), tmp_path/'a.csv', progress=False)
    assert not (tmp_path/'a.csv').exists()

def test_registry_and_reexports():
    assert list(DATASETS) == ['amazon-cds', 'amazon-books', 'goodreads-children', 'goodreads-comics', 'ml-20m', 'ml-100k', 'ml-1m', 'synthetic']
    assert not any(hasattr(mdata, n) for n in ('load_dataset', 'DATASETS', 'download'))  # they live in magnn.datasets only
    paper = {n: d.table1 for n, d in DATASETS.items() if d.table1}
    assert paper['ml-20m'] == (129_797, 13_649, 9_921_393) and len(paper) == 5
    assert all(r.url.startswith('https://') and (r.sha256 is None or len(r.sha256) == 64) for d in DATASETS.values() for r in d.remote)

def test_synthetic_is_delegated(cache):
    pytest.importorskip('magnn.synthetic')
    ds = load_dataset('synthetic', seed=0)
    assert isinstance(ds, Dataset) and ds.n_users > 0
    with pytest.raises(MagnnError, match="only 'synthetic' takes extra options"): load_dataset('ml-100k', seed=0)

# ---------------------------------------------------------------- bad input that used to slip through (issue 9)

def _files(cache:Path) -> list[Path]: return sorted(p for p in cache.rglob('*') if p.is_file()) if cache.exists() else []

def _one_line_error(fn, match:str) -> str:
    "Call fn, expect a MagnnError matching `match` on one line; return the message."
    with pytest.raises(MagnnError, match=match) as e: fn()
    assert '\n' not in str(e.value)
    return str(e.value)

def test_pickle_int_too_large_for_int64(tmp_path, cache):
    _write_pickles(tmp_path/'big', 'Big', [[0, 1], [1, 2**63]], ['u1', 'u2'], ['a', 'b', 'c'])
    _one_line_error(lambda: load_dataset(tmp_path/'big'), r"Big_item_sequences.pkl holds the item id 9223372036854775808, "
                    r"which does not fit in 64 bits; expected item ids 0..2")
    _write_pickles(tmp_path/'big', 'Big', [[0, 1], [1, -3**1000]], ['u1', 'u2'], ['a', 'b', 'c'])
    _one_line_error(lambda: load_dataset(tmp_path/'big'), r"holds the item id -\(a 1585-bit number\)")
    assert _files(cache) == []

@pytest.mark.parametrize('which', ['sequences', 'items', 'zero-byte'])
def test_empty_pickles_leave_nothing(which, tmp_path, cache):
    seqs, items = ([], ['a']) if which == 'sequences' else ([[0]], []) if which == 'items' else ([[0]], ['a'])
    _write_pickles(tmp_path/'e', 'E', seqs, ['u'] * len(seqs), items)
    if which == 'zero-byte': (tmp_path/'e'/'E_item_sequences.pkl').write_bytes(b'')
    want = {'sequences': r"E_item_sequences.pkl holds an empty list; expected one list of item ids per user",
            'items': r"E_item_mapping.pkl holds an empty list; expected the raw id of every item",
            'zero-byte': r"E_item_sequences.pkl is empty \(0 bytes\)"}[which]
    _one_line_error(lambda: load_dataset(tmp_path/'e'), want)
    assert _files(cache) == []                                   # no .npz, no checksum memo, no temp file

NAN_TIMES = {  # (file name, content): 2 of the 4 events have no usable time
    'ratings.csv': 'userId,movieId,rating,timestamp\n1,10,5,100\n1,20,5,\n2,10,5,NaN\n2,20,5,101\n',
    'u.data': '1\t10\t5\t100\n1\t20\t5\t\n2\t10\t5\t\n2\t20\t5\t101\n',
    'ratings.dat': '1::10::5::100\n1::20::5::\n2::10::5::\n2::20::5::101\n',
    'x.inter': 'user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t10\t5\t100\n1\t20\t5\tnan\n2\t10\t5\t\n2\t20\t5\t101\n',
    'ratings_X.csv': '1,10,5,100\n1,20,5,\n2,10,5,\n2,20,5,101\n',
}

@pytest.mark.parametrize('fname', list(NAN_TIMES))
def test_nan_or_empty_timestamps(fname, tmp_path, cache):
    (tmp_path/fname).write_text(NAN_TIMES[fname])
    msg = _one_line_error(lambda: load_dataset(tmp_path/fname, core=1), r"2 of 4 rows have an empty or NaN timestamp \(the first is row 2")
    assert str(tmp_path/fname) in msg and _files(cache) == []
    df = pd.DataFrame(dict(user=[1, 1, 2], item=[10, 20, 10], rating=[5, 5, 5], time=[1.0, np.nan, np.inf]))
    _one_line_error(lambda: preprocess(df, core=1, name='mine'), r"mine: 2 of 3 rows have an empty or NaN time \(the first is row 2\)")

def test_duplicates_dropped_first_kept_and_noted(tmp_path, cache):
    dup = EVENTS + [EVENTS[2], EVENTS[3], EVENTS[0], EVENTS[2], (4, 20, 3, 3), (1, 10, 5, 30)]  # 4 copies, 1 low rating, 1 real repeat
    (tmp_path/'u.data').write_text(''.join(f'{u}\t{i}\t{r}\t{t}\n' for u, i, r, t in dup))
    ds = load_dataset(tmp_path/'u.data', core=2)
    assert ds.seqs.to_lists() == [[1, 2, 1], [2, 1]]        # user 2's tie keeps its file order; user 1's repeat at t=30 stays
    assert ds.notes == {'duplicates_dropped': 4} and ds.source['rows_rating'] == 12
    assert list(ds.stats()) == ['users', 'items', 'interactions', 'density']  # old run folders compare stats() exactly
    again = load_dataset(tmp_path/'u.data', core=2)
    assert again.source['from_cache'] and again.notes == {'duplicates_dropped': 4}
    WRITERS['u.data'](tmp_path/'clean.data')
    assert load_dataset(tmp_path/'clean.data', core=2).notes == {'duplicates_dropped': 0}
    assert Dataset('x', ds.seqs, ds.user_ids, ds.item_ids).notes == {}

def test_cache_checked_against_its_own_content(tmp_path, cache):
    WRITERS['u.data'](tmp_path/'u.data')
    d1 = load_dataset(tmp_path/'u.data', core=2); path = Path(d1.source['cache'])
    z = dict(np.load(path)); z['items'] = z['items'] % 2 + 1      # a valid .npz, other content, the old hash
    with open(path, 'wb') as f: np.savez(f, **z)
    with pytest.raises(MagnnError, match="does not match the SHA-256 stored in it"): Dataset.load(path)
    with pytest.warns(UserWarning, match='unreadable cache file'): d2 = load_dataset(tmp_path/'u.data', core=2)
    assert d2.source['from_cache'] is False and d2.seqs.to_lists() == d1.seqs.to_lists()
    assert load_dataset(tmp_path/'u.data', core=2).source['from_cache'] is True    # rebuilt in place
    path.write_bytes(path.read_bytes()[:300])                                       # truncated
    with pytest.raises(MagnnError, match="is unreadable: BadZipFile"): Dataset.load(path)
    with pytest.warns(UserWarning, match='unreadable cache file'): d3 = load_dataset(tmp_path/'u.data', core=2)
    assert d3.seqs.to_lists() == d1.seqs.to_lists() and Dataset.load(path).fingerprint() == d1.fingerprint()

@pytest.mark.parametrize('umask', [0o022, 0o077, 0o002])
def test_written_files_respect_the_umask(umask, tmp_path, cache):
    old = os.umask(umask)
    try:
        assert write_json(tmp_path/'a.json', {}).stat().st_mode & 0o777 == 0o666 & ~umask
        WRITERS['u.data'](tmp_path/'u.data')
        path = Path(load_dataset(tmp_path/'u.data', core=2).source['cache'])
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask
        assert (cache/'processed'/'sha256.json').stat().st_mode & 0o777 == 0o666 & ~umask
    finally: os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith('.')) == []   # no temp files

def test_fingerprint_stable_across_processes_and_sensitive(tmp_path):
    import subprocess, sys
    from magnn.synthetic import synthetic
    kw = dict(n_users=60, n_items=40, min_len=10, max_len=20, n_clusters=4, seed=5)
    fp = synthetic(**kw).fingerprint()
    code = f"from magnn.synthetic import synthetic; print(synthetic(**{kw!r}).fingerprint())"
    env = dict(os.environ, PYTHONHASHSEED='123', PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env, check=True).stdout.strip()
    assert out == fp and re.fullmatch('[0-9a-f]{64}', fp)
    toy = Dataset('toy', Seqs.from_lists([[1, 2], [2, 1, 3]]), ['a', 'b'], ['<pad>', 'x', 'y', 'z'])
    assert toy.fingerprint() == '236230ed9ab9988fa7bf6616874bb2047a8e29b3a523d3cf012def462268b3b6'  # pinned: run folders record it
    ds = synthetic(**kw); ds.seqs.items[7] = ds.seqs.items[7] % ds.n_items + 1        # one item changed
    assert ds.fingerprint() != fp
    ds = synthetic(**kw); ds.user_ids[:] = 'someone'; ds.source['x'] = 1               # ids and provenance are not data
    assert ds.fingerprint() == fp
