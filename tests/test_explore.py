"The explorer app, built headless on a run folder that `magnn train --epochs 1` wrote, driven as a person would."
import subprocess, sys
import pytest

pytestmark = pytest.mark.slow   # two trainings and a fresh interpreter: 20-30 s

@pytest.fixture(scope='module')
def run(tmp_path_factory):
    from magnn.cli import main
    out = tmp_path_factory.mktemp('explore')/'run'
    assert main(['train', '--epochs', '1', '--out', str(out), '--device', 'cpu']) == 0
    return out

def test_explore_returns_a_widget(run):
    "The one-liner of the brief, in a fresh interpreter."
    code = f"from magnn.explore import explore; import ipywidgets; w = explore({str(run)!r}); assert isinstance(w, ipywidgets.Widget); print('ok')"
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == 'ok', r.stderr[-2000:]

def test_drive_the_app(run):
    "Change the user: every view changes, to that user's items; test targets are marked, input items never recommended."
    from magnn.explore import explore, text
    app = explore(run, user=1)
    ex = app.ex
    first = text(app.top)
    for u in (2, 3):
        app.user.value = u
        shown, want = text(app.top), ex.top(u)
        assert shown != first and shown == want.to_string(index=False)
        assert all(t in shown for t in want.title)
        window = ex.names[ex.inp[u][-ex.window.L:]]
        assert all(t in text(app.history) for t in window), "the history shows the user's window"
        assert all(t in text(app.neighbours) for t in window), "the graph neighbours are those of the window's items"
        test_items = set(ex.ds.item_ids[ex.test_tgt[u]])
        marked = want[want.target == 'test']
        assert set(marked.item) <= test_items and set(want[want.target == ''].item).isdisjoint(test_items)
        assert not set(want.item) & set(ex.ds.item_ids[ex.inp[u]]), "no input item is recommended"
    app.item.value = str(ex.names[5])
    assert text(app.item_out).startswith(f'item {ex.names[5]}') and 'memory unit' in text(app.item_out)
