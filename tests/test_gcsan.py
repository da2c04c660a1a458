"Smoke tests of GC-SAN through the command line: `magnn train --model gcsan` writes a finished run folder."
import json
import pytest
from magnn.cli import main

def _metrics(out):
    m = json.loads((out/'metrics.json').read_text())
    for split in ('valid', 'test'): assert 0 < m[split]['recall@10'] <= m[split]['hit@10'] and m[split]['recall@5'] <= m[split]['recall@10'] <= m[split]['recall@20'] and m[split]['ndcg_paper@10'] > 0
    assert json.loads((out/'config.json').read_text())['model'] == 'gcsan'
    return m

def test_gcsan_ml100k(shared_data, tmp_path):
    "Two epochs on ml-100k with the paper's settings (skipped when the real data is absent)."
    out = tmp_path/'gcsan'
    assert main(['train', '--model', 'gcsan', '--dataset', 'ml-100k', '--data-dir', str(shared_data),
                 '--epochs', '2', '--device', 'cpu', '--quiet', '--out', str(out)]) == 0
    m = _metrics(out)
    assert m['epochs_run'] == 2 and m['test']['recall@10'] > 0

def test_gcsan_synthetic(tmp_path):
    "One epoch on the embedded synthetic data, with RecBole's reading of the attention (causal mask, GELU)."
    out = tmp_path/'gcsan'
    assert main(['train', '--model', 'gcsan', '--dataset', 'synthetic', '--epochs', '1', '--device', 'cpu',
                 '--quiet', '--out', str(out), 'causal=true', 'act=gelu']) == 0
    m = _metrics(out)
    assert m['epochs_run'] == 1
    conf = json.loads((out/'config.json').read_text())['config']
    assert (conf['causal'], conf['act'], conf['omega'], conf['blocks'], conf['batch_size']) == (True, 'gelu', 0.5, 4, 100)

def test_gcsan_bad_option(capsys):
    assert main(['train', '--model', 'gcsan', '--dataset', 'synthetic', '--quiet', 'omega=2']) == 2
    assert 'omega=2.0 must lie in [0, 1]' in capsys.readouterr().err
