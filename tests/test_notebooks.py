"""Every notebook in nbs/ is a test: one pytest test per notebook, run the way `nbdev_test` runs it.

Each notebook runs through nbdev's own `nbdev.test.test_nb`, with the cwd set to nbs/ as `nbdev_test` does,
skipping the cells marked with a flag from settings.ini `tst_flags` (`#| notest`) plus `#| eval: false` cells
and the `nbdev_export()` cell. `MAGNN_TEST_FLAGS="notest"` runs those cells too (nbdev_test's `--flags`).
Each notebook runs in its own Python process (about 2 s of imports each): a notebook that registers a toy
model, seeds the global generators or holds a large dataset cannot change what the next test sees.

Notebooks in subfolders of nbs/ (nbs/models/) are collected too, each run from its own folder.
Not collected: top-level notebooks whose name starts with `_`, notebooks beside a `.notest` file (as in
nbdev_test), and papermill experiment templates, i.e. top-level notebooks that nbs/experiments/ names, by a
notebook of the same name in it or a text file in it (a list, a papermill config) that mentions `NAME.ipynb`.
"""
import json, os, re, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
TIMEOUT = float(os.environ.get('MAGNN_NB_TIMEOUT', 600))  # seconds per notebook
_TEXT = {'.txt', '.md', '.yml', '.yaml', '.json', '.toml', '.ini', '.cfg', '.csv', '.tsv', '.sh', '.py'}

def _experiment_names(nbs:Path=NBS) -> set[str]:
    "Names of the top-level notebooks that nbs/experiments/ lists as papermill experiments."
    exp = nbs/'experiments'
    if not exp.is_dir(): return set()
    names = {p.name for p in exp.rglob('*.ipynb')}
    for f in exp.rglob('*'):
        if f.is_file() and f.suffix.lower() in _TEXT and f.stat().st_size < 1_000_000:
            names |= set(re.findall(r'[\w.-]+\.ipynb', f.read_text(encoding='utf-8', errors='replace')))
    return {Path(n).name for n in names}

def notebooks(nbs:Path=NBS) -> list[Path]:
    "The top-level notebooks to test, sorted by name."
    if (nbs/'.notest').exists(): return []
    skip = _experiment_names(nbs)
    top = [p for p in sorted(nbs.glob('*.ipynb')) if not p.name.startswith('_') and p.name not in skip]
    sub = [p for d in sorted(q for q in nbs.iterdir() if q.is_dir() and q.name != 'experiments' and not q.name.startswith(('.', '_')))
           if not (d/'.notest').exists() for p in sorted(d.glob('*.ipynb')) if not p.name.startswith('_')]
    return top + sub

def _flags() -> tuple[list[str], list[str]]:
    "(skip_flags from settings.ini `tst_flags`, force_flags from $MAGNN_TEST_FLAGS), as nbdev_test uses them."
    from nbdev.config import get_config
    return get_config(path=ROOT).get('tst_flags', '').split(), os.environ.get('MAGNN_TEST_FLAGS', '').split()

_RUNNER = """
import json, sys
from pathlib import Path
from nbdev.test import test_nb
skip, force, base = json.loads(sys.argv[2])
ok, secs = test_nb(Path(sys.argv[1]), skip_flags=skip, force_flags=force, basepath=base, showerr=True)
print(f"{Path(sys.argv[1]).name}: {'passed' if ok else 'FAILED'} in {secs:.1f} s")
sys.exit(0 if ok else 1)
"""

@pytest.mark.parametrize('nb', notebooks(), ids=lambda p: str(p.relative_to(NBS)))
def test_notebook(nb:Path):
    "Run the notebook's cells (all but the skipped ones) in a fresh process; fail with the notebook's error."
    skip, force = _flags()
    cmd = [sys.executable, '-c', _RUNNER, str(nb.resolve()), json.dumps([skip, force, str(ROOT)])]
    try: r = subprocess.run(cmd, cwd=nb.parent, capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{nb.name} ran for more than {TIMEOUT:.0f} s (MAGNN_NB_TIMEOUT); mark slow cells `#| notest`",
                    pytrace=False)
    print(r.stdout[-5000:])
    if r.returncode:
        err = '\n'.join(r.stderr.strip().splitlines()[-150:])
        pytest.fail(f"notebook {nb.name} failed (exit {r.returncode}):\n{err}", pytrace=False)

def test_listing(tmp_path):
    "Which notebooks are tests: `_` files and papermill experiments are left out."
    for n in ('00_a.ipynb', '01_b.ipynb', '_draft.ipynb', '10_exp.ipynb', '11_exp.ipynb', 'index.ipynb'):
        (tmp_path/n).write_text('{}')
    (tmp_path/'experiments').mkdir()
    (tmp_path/'experiments'/'10_exp.ipynb').write_text('{}')
    (tmp_path/'experiments'/'plan.yml').write_text('- notebook: 11_exp.ipynb\n  parameters: {seed: 1}\n')
    assert [p.name for p in notebooks(tmp_path)] == ['00_a.ipynb', '01_b.ipynb', 'index.ipynb']
    (tmp_path/'.notest').write_text('')
    assert notebooks(tmp_path) == []
