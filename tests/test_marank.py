"CLI smoke tests of MARank (`magnn train --model marank`): a short run writes a finished run folder."
import json
import pytest
from magnn.cli import main

def _metrics(out):
    m = json.loads((out/'metrics.json').read_text())
    for split in ('valid', 'test'): assert 0 < m[split]['recall@10'] <= m[split]['hit@10'] and m[split]['recall@5'] <= m[split]['recall@10'] <= m[split]['recall@20'] and m[split]['ndcg@10'] > 0
    cfg = json.loads((out/'config.json').read_text())
    assert cfg['model'] == 'marank' and cfg['config']['n_depend'] == 6 and cfg['config']['batch_size'] == 1024
    return m

def test_marank_ml100k(shared_data, tmp_path):
    "Two epochs on ml-100k from the shared data."
    if not (shared_data/'ml-100k').is_dir(): pytest.skip('ml-100k not in the shared data')
    out = tmp_path/'run'
    assert main(['train', '--model', 'marank', '--dataset', 'ml-100k', '--data-dir', str(shared_data), '--epochs', '2',
                 '--device', 'cpu', '--quiet', '--out', str(out)]) == 0
    _metrics(out)

def test_marank_synthetic(tmp_path):
    "One epoch on the embedded synthetic data."
    out = tmp_path/'run'
    assert main(['train', '--model', 'marank', '--dataset', 'synthetic', '--epochs', '1', '--device', 'cpu', '--quiet',
                 '--out', str(out)]) == 0
    _metrics(out)
