"Smoke tests of Caser through the command line: it trains, evaluates and writes its run folder."
import json
from magnn.cli import main

def _check_run(out):
    m = json.loads((out/'metrics.json').read_text())
    for split in ('valid', 'test'):
        assert 0 < m[split]['recall@10'] <= m[split]['hit@10'] and m[split]['recall@5'] <= m[split]['recall@10'] <= m[split]['recall@20'] and m[split]['ndcg_paper@10'] > 0
    cfg = json.loads((out/'config.json').read_text())
    assert cfg['model'] == 'caser'
    return m, cfg

def test_caser_ml100k(shared_data, tmp_path):
    "Two epochs on ml-100k with the paper's training defaults (lr 1e-3, l2 1e-6, batch 512, 3 negatives)."
    out = tmp_path/'caser'
    assert main(['train', '--model', 'caser', '--dataset', 'ml-100k', '--data-dir', str(shared_data),
                 '--epochs', '2', '--device', 'cpu', '--quiet', '--out', str(out)]) == 0
    m, cfg = _check_run(out)
    assert m['epochs_run'] == 2
    c = cfg['config']
    assert (c['lr'], c['l2'], c['batch_size'], c['neg'], c['d'], c['nv'], c['nh'], c['drop']) == (1e-3, 1e-6, 512, 3, 50, 4, 16, 0.5)

def test_caser_synthetic(tmp_path):
    "One epoch on the embedded synthetic data; a bad option is refused with exit code 2."
    out = tmp_path/'syn'
    assert main(['train', '--model', 'caser', '--dataset', 'synthetic', '--epochs', '1', '--device', 'cpu',
                 '--quiet', '--out', str(out)]) == 0
    _check_run(out)
    assert main(['train', '--model', 'caser', '--quiet', '--out', str(tmp_path/'bad'), 'nv=0', 'nh=0']) == 2
