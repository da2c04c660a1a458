"gSASRec through the command line: SASRec's network with many negatives trains with either loss, evaluates and writes a run folder."
import json
from magnn.cli import main

def test_gsasrec_synthetic(tmp_path):
    "Two epochs on the embedded synthetic data with each loss; the official training defaults are recorded, and the untied output table is saved."
    for loss in ('gbce', 'sce'):
        out = tmp_path/loss
        assert main(['train', '--model', 'gsasrec', '--dataset', 'synthetic', '--epochs', '2', '--device', 'cpu', '--quiet',
                     '--out', str(out), f'loss={loss}', 'neg=16']) == 0
        m = json.loads((out/'metrics.json').read_text())
        assert m['epochs_run'] == 2 and all(0 < m[s]['recall@10'] <= 1 for s in ('valid', 'test'))
        c = json.loads((out/'config.json').read_text())['config']
        assert (c['loss'], c['neg'], c['t'], c['tied'], c['batch_size'], c['l2']) == (loss, 16, 0.75, False, 128, 0.0)
    import torch
    assert 'out.weight' in torch.load(tmp_path/'sce'/'model.pt', weights_only=True)['state_dict']

def test_gsasrec_bad_options(tmp_path, capsys):
    "A calibration outside [0, 1] and an unknown loss are one line and exit 2."
    for opt, msg in (('t=2', 't=2.0 must be in [0, 1]'), ('loss=ce', "loss='ce' is not one of: gbce, sce")):
        assert main(['train', '--model', 'gsasrec', '--dataset', 'synthetic', '--device', 'cpu', '--quiet', '--out', str(tmp_path/'x'), opt]) == 2
        assert msg in capsys.readouterr().err
