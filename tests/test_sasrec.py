"Smoke tests of SASRec through the command line: it trains, evaluates and writes a run folder."
import json
from magnn.cli import main

def _metrics(out):
    m = json.loads((out/'metrics.json').read_text())
    for split in ('valid', 'test'):
        assert 0 < m[split]['recall@10'] <= m[split]['hit@10'] and m[split]['recall@5'] <= m[split]['recall@10'] <= m[split]['recall@20'] and 0 < m[split]['ndcg_paper@10'] <= m[split]['ndcg@10'] + 1e-12
    return m

def test_sasrec_ml100k(shared_data, tmp_path):
    "Two epochs of SASRec on ml-100k (the official defaults) write metrics.json with the paper's batch size."
    out = tmp_path/'sasrec'
    code = main(['train', '--model', 'sasrec', '--dataset', 'ml-100k', '--data-dir', str(shared_data), '--epochs', '2',
                 '--device', 'cpu', '--quiet', '--out', str(out)])
    assert code == 0
    m = _metrics(out)
    assert m['epochs_run'] == 2
    conf = json.loads((out/'config.json').read_text())['config']
    assert (conf['batch_size'], conf['l2'], conf['max_len'], conf['loss']) == (128, 0.0, 50, 'bce')

def test_sasrec_synthetic_ce(tmp_path):
    "One epoch on the embedded synthetic data, with each loss."
    for loss in ('bce', 'ce'):
        out = tmp_path/loss
        code = main(['train', '--model', 'sasrec', '--dataset', 'synthetic', '--epochs', '1', '--device', 'cpu', '--quiet',
                     '--out', str(out), f'loss={loss}'])
        assert code == 0
        assert _metrics(out)['epochs_run'] == 1
        assert json.loads((out/'config.json').read_text())['config']['loss'] == loss
