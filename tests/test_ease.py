"EASE through the command line: `magnn train --model ease` solves, evaluates and writes a run folder with no epochs and no weights."
import json
import torch
from magnn.cli import main

def test_ease_synthetic(tmp_path):
    "On the embedded synthetic data: no epochs, λ recorded, metrics in range, model.pt without B (rebuilt from the data)."
    out = tmp_path/'ease'
    assert main(['train', '--model', 'ease', '--dataset', 'synthetic', '--device', 'cpu', '--quiet', '--out', str(out), 'lam=200']) == 0
    m = json.loads((out/'metrics.json').read_text())
    assert (m['best_epoch'], m['epochs_run']) == (0, 0)
    for split in ('valid', 'test'): assert 0.05 < m[split]['recall@10'] <= 1
    assert json.loads((out/'config.json').read_text())['config']['lam'] == 200.
    assert torch.load(out/'model.pt', weights_only=True)['state_dict'] == {}

def test_ease_bad_lambda(tmp_path, capsys):
    "A non-positive λ is one line and exit 2."
    assert main(['train', '--model', 'ease', '--dataset', 'synthetic', '--device', 'cpu', '--quiet', '--out', str(tmp_path/'x'), 'lam=0']) == 2
    assert 'lam=0.0 must be > 0' in capsys.readouterr().err
