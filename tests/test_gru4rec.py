"Smoke tests of GRU4Rec and GRU4Rec+ through the command line: a run folder with metrics.json."
import json
import pytest
from magnn.cli import main

def _metrics(out):
    m = json.loads((out/'metrics.json').read_text())
    for split in ('valid', 'test'): assert 0 < m[split]['recall@10'] <= m[split]['hit@10'] and m[split]['recall@5'] <= m[split]['recall@10'] <= m[split]['recall@20'] and m[split]['ndcg@10'] > 0
    return m

def test_gru4rec_ml100k(shared_data, tmp_path):
    "`magnn train --model gru4rec` on ml-100k for 2 epochs writes metrics.json."
    out = tmp_path/'run'
    assert main(['train', '--model', 'gru4rec', '--dataset', 'ml-100k', '--data-dir', str(shared_data), '--epochs', '2',
                 '--device', 'cpu', '--quiet', '--out', str(out)]) in (0, None)
    _metrics(out)

@pytest.mark.parametrize('model,extra', [('gru4rec', []), ('gru4rec', ['fused=false']), ('gru4rec+', ['n_sample=64']), ('gru4rec+', ['n_sample=64', 'fused=false'])])
def test_gru4rec_synthetic(tmp_path, model, extra):
    "One epoch of each version on the embedded synthetic data; the config records the model's own defaults."
    out = tmp_path/'run'
    assert main(['train', '--model', model, '--dataset', 'synthetic', '--epochs', '1', '--device', 'cpu', '--quiet',
                 '--out', str(out), *extra]) in (0, None)
    _metrics(out)
    cfg = json.loads((out/'config.json').read_text())
    assert json.dumps(cfg).count('"batch_size": 50') >= 1
    assert json.dumps(cfg).count('"fused": true') == ('fused=false' not in extra)   # both run their C++ kernels by default (GRU4Rec its step, GRU4Rec+ its BPR-max; warned, then eager, without a compiler)
