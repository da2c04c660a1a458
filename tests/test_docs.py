"""The front page and the documentation site: README.md is what nbs/index.ipynb generates, and the site builds.

The site is built with the Quarto-free engine (nbdev's processors + smalldocs), entirely in a temporary folder
(processed notebooks and site), so the test needs no Quarto and touches nothing in the repository: two test runs
at once cannot trip over nbdev's shared `_proc/` cache. By default only the front page and 00_core are built
(about 10 s); `test_site_in_browser` (marked slow, always run by CI) builds the whole site once (20-70 s on 2 cores),
checks that every notebook has its page, then opens every page in headless Chromium (tools/check_site.py); the
browser part and the check of the checker skip where no Chromium can be found.
"""
import difflib, importlib.util, json, os, re, sys, time
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
_spec = importlib.util.spec_from_file_location('build_docs', ROOT/'tools'/'build_docs.py')
build_docs = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(build_docs)
if str(ROOT/'tests') not in sys.path: sys.path.insert(0, str(ROOT/'tests'))
from test_notebooks import notebooks  # the notebooks that pytest runs

def test_readme_matches_index():
    "The committed README.md is exactly what `python tools/build_docs.py --readme-only` writes from index.ipynb."
    want, have = build_docs.render_readme(NBS/'index.ipynb'), (ROOT/'README.md').read_text(encoding='utf-8')
    if want != have:
        diff = ''.join(list(difflib.unified_diff(have.splitlines(True), want.splitlines(True), 'README.md',
                                                 'from nbs/index.ipynb'))[:60])
        pytest.fail(f"README.md is out of date; run: python tools/build_docs.py --readme-only\n{diff}", pytrace=False)

def test_imports_in_cells_of_their_own():
    """nbdev's docs build runs every cell that imports something, with all of that cell's code, even `#| notest`
    cells (nbdev's "Found cells containing imports and other code" warning): a training run next to an import
    makes the docs slow or failing. The check is nbdev's own (`nbdev.processors._do_eval`), over the notebooks pytest runs."""
    import warnings
    from nbdev.process import NBProcessor
    from nbdev.processors import _do_eval
    bad = []
    for nb in notebooks():
        for cell in NBProcessor(nb).nb.cells:
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter('always')
                _do_eval(cell)
            if any('imports and other code' in str(x.message) for x in w):
                bad.append(f"  {nb.name} cell {cell.idx_} (from 0): {cell.source.strip().splitlines()[0][:70]}")
    if bad: pytest.fail("these cells mix imports with other code; nbdev's docs build would run all of it: move the imports "
                        "into a cell of their own (or into the notebook's first import cell)\n" + '\n'.join(bad), pytrace=False)

def _nb(cells): return {'cells': cells, 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}
def _code(src, outputs=()): return {'cell_type': 'code', 'source': src, 'metadata': {}, 'outputs': list(outputs)}
def _md(src): return {'cell_type': 'markdown', 'source': src, 'metadata': {}}
def _stream(text): return {'output_type': 'stream', 'name': 'stdout', 'text': text}

def test_render_readme_rules(tmp_path):
    "Markdown verbatim; code as ```python without `#|` lines; `#| hide` cells dropped; outputs as text blocks."
    nb = _nb([
        {'cell_type': 'raw', 'source': '---\ntitle: x\n---', 'metadata': {}},
        _md('# title\n\n> summary'),
        _code('#| hide\nimport secret', [_stream('hidden\n')]),
        _code('#| echo: false\nprint(1)', [_stream('1\n')]),
        _code('#| eval: false\nx = 2\n', [_stream('stale\n')]),
        _code('1 + 1', [{'output_type': 'execute_result', 'data': {'text/plain': ['2']}, 'metadata': {}}]),
        _code('#| output: false\ny = 3', [_stream('no\n')]),
        _code('', []),
        _md('## End'),
    ])
    (tmp_path/'i.ipynb').write_text(json.dumps(nb))
    got = build_docs.render_readme(tmp_path/'i.ipynb')
    want = (build_docs.README_HEADER + "\n\n# title\n\n> summary\n\n```\n1\n```\n\n```python\nx = 2\n```\n\n"
            "```python\n1 + 1\n```\n\n```\n2\n```\n\n```python\ny = 3\n```\n\n## End\n")
    assert got == want, got

def _text(html:str) -> str: return re.sub(r'\s+', ' ', re.sub(r'<[^>]+>', ' ', html))

def _check_site(site:Path, nbs:list[Path]):
    "index.html with the README's sections; a page per notebook, named as Quarto names it, with its title, in the sidebar."
    from nbdev.doclinks import _nbpath2html
    front = (site/'index.html').read_text(encoding='utf-8')
    assert 'Install &amp; run' in front or 'Install & run' in front
    for nb in nbs:
        cells = json.loads(nb.read_text(encoding='utf-8'))['cells']
        h1 = next((m.group(1).strip() for c in cells if c['cell_type'] == 'markdown'
                   for m in [re.match(r'#\s+(.+)', ''.join(c['source']).strip())] if m), None)
        sub = nb.parent.relative_to(NBS) if nb.parent.is_relative_to(NBS) else Path()   # models/ pages live in models/
        page = site/('index.html' if nb.stem == 'index' else sub/_nbpath2html(Path(nb.name)).name)
        assert page.is_file(), f"no page {page.name} for {nb.name}"
        html = page.read_text(encoding='utf-8')
        if h1: assert h1.replace('`', '') in _text(html).replace('&amp;', '&'), f"{page.name}: title {h1!r} missing"
        if nb.stem != 'index': assert f'href="{page.relative_to(site).as_posix()}"' in front, f"{page.name} not in the sidebar of the front page"

def test_docs_build(tmp_path):
    "The site builds without Quarto (the front page and the core notebook: a quick build); core's API docs are in it."
    t0 = time.time()
    site = build_docs.build_docs(engine='smalldocs', out=tmp_path/'site', proc=tmp_path/'_proc', readme=False,
                                 modidx=False, quiet=True, only=['index.ipynb', '00_core.ipynb'])
    print(f"docs build (2 notebooks): {time.time()-t0:.1f} s")
    assert site == tmp_path/'site' and (site/'index.html').is_file()
    _check_site(site, [NBS/'index.ipynb', NBS/'00_core.ipynb'])
    core = (site/'core.html').read_text(encoding='utf-8')  # API docs: show_doc sections with anchors, docstrings
    for name in ('magnnerror', 'seed_everything', 'get_device', 'seqs', 'split', 'batch'):
        assert f'id="{name}"' in core, f"core.html lacks the API section {name}"
    assert 'Seed every random number generator' in core
    assert len(list(site.glob('*.html'))) == 2  # only the pages asked for, and a sidebar without dead links

# ------------------------------------------------------------------------------------ the site in a real browser
_spec2 = importlib.util.spec_from_file_location('check_site', ROOT/'tools'/'check_site.py')
check_site = importlib.util.module_from_spec(_spec2); _spec2.loader.exec_module(check_site)
_no_chromium = pytest.mark.skipif(check_site.find_chromium() is None, reason="no Chromium to open the site in: install Debian's "
                                  "`chromium` (apt-get install -y chromium; .ci/run does) or set $CHROMIUM")

@_no_chromium
def test_browser_check_catches_broken_pages(tmp_path):
    "The browser check reports each thing a reader trips on: raw TeX, a missing image or page, a Python traceback."
    (tmp_path/'index.html').write_text('<html><body><p>fine</p><a href="other.html">other</a></body></html>')
    (tmp_path/'other.html').write_text(
        '<html><body><p>an equation \\(x^2\\) left raw</p><img src="missing.png"><a href="nowhere.html#x">gone</a>'
        '<div class="cell-output cell-output-stderr"><pre>Traceback (most recent call last):\n  ValueError: no</pre></div>'
        '<pre><code>\\(code is not maths\\)</code></pre></body></html>')
    problems, seen = check_site.check_pages(tmp_path)
    text = '\n'.join(problems)
    assert not [p for p in problems if p.startswith('index.html')], text
    for want in ('raw TeX (maths not rendered): \\(x^2\\)', 'image did not load: missing.png', 'broken link: /nowhere.html',
                 'Python error in an output', 'HTTP 404'):
        assert f'other.html: {want}' in text, f"not reported: {want}\n{text}"
    assert 'code is not maths' not in text

@pytest.mark.slow   # the whole site: 20-70 s on 2 cores, and as long again in Chromium
def test_site_in_browser(tmp_path):
    """The whole site, built once as `tools/build_docs.py` builds it: a page for every notebook that pytest runs. Then
    opened page by page in headless Chromium (skipped, after the build's checks, where no Chromium can be found): no
    broken local link or image, no failed request, no JavaScript error, no Python traceback, no raw TeX (KaTeX ships
    with the site, so this holds offline); the results tables are HTML tables and the training and results pages show
    their figures. Screenshots of the index and the MA-GNN page are left in _docs/screenshots/ for a person to look at."""
    t0 = time.time()
    site = build_docs.build_docs(engine='smalldocs', out=tmp_path/'site', proc=tmp_path/'_proc', readme=False,
                                 modidx=False, quiet=True)
    t1 = time.time()
    print(f"docs build (all notebooks): {t1 - t0:.1f} s")
    _check_site(site, notebooks())
    if check_site.find_chromium() is None: pytest.skip(_no_chromium.kwargs['reason'] + " (the site built and has every page)")
    shots = ROOT/'_docs'/'screenshots'
    problems, seen = check_site.check_pages(site, shots={'index.html': shots/'index.png', 'models/magnn.html': shots/'magnn.png'})
    print(f"docs build {t1 - t0:.1f} s; {len(seen)} pages in Chromium {time.time() - t1:.1f} s; screenshots in {shots}")
    assert not problems, "the site has problems a reader would see:\n" + '\n'.join(problems)
    pages = {p.relative_to(site).as_posix() for p in site.rglob('*.html')}
    assert set(seen) == pages and {'index.html', 'results.html', 'explore.html', 'reproduction.html', 'models/magnn.html'} <= pages
    assert seen['models/magnn.html']['katex'] > 10 and seen['index.html']['katex'] > 0, "maths rendered by the site's own KaTeX"
    front = (site/'index.html').read_text(encoding='utf-8')
    assert front.count('<table') >= 3 and '\n| method |' not in front, "results tables are HTML, not pipe text"
    for page in ('train.html', 'results.html'):
        assert '<img' in (site/page).read_text(encoding='utf-8'), f"{page} shows no figure"
    assert (shots/'index.png').stat().st_size > 10_000 and (shots/'magnn.png').stat().st_size > 10_000

def test_page_figures_exist():
    "Every page that build_docs gives a committed figure exists in nbs/, and so does the figure (a rename must update PAGE_FIGURES)."
    for nb, figs in build_docs.PAGE_FIGURES.items():
        assert (NBS/nb).is_file(), f"PAGE_FIGURES in tools/build_docs.py names {nb}, which is not in nbs/"
        for f, cap in figs: assert (ROOT/f).is_file() and cap, f"PAGE_FIGURES: {f} for {nb} is missing"

# ------------------------------------------------------------------------- every README command, on a fresh clone
# Each ```sh block of README.md runs in a `git clone` of this repository (its committed HEAD) with this venv as
# its .venv, after these stand-ins shrink its budgets (every pair must be found: a README edit updates this list).
# Lines that read ../shared/data are dropped when the real data is absent.
README_SMALL = [
    ('python3 -m venv .venv && .venv/bin/pip install -e ".[dev]" && .venv/bin/magnn train',
     '.venv/bin/magnn train --epochs 1 --quiet'),                         # the venv is this one; one epoch
    ('.venv/bin/pytest -m "not slow"', '.venv/bin/pytest -m "not slow" --collect-only -q'),   # not the suite inside itself
    ('.venv/bin/pytest                 #', '.venv/bin/pytest --version #'),   # the collection above proves the rest
    ('bench/gpu_session.py --out gpu-out --deadline 800', 'bench/gpu_session.py --help'),     # GPU only
    ("-p model magnn -p dataset amazon-cds $D", "-p model magnn -p dataset synthetic"),
    ("-y '{seeds: [0, 1, 2], epochs: null}'", "-y '{seeds: [0], epochs: 1}'"),
    ("-p dataset amazon-cds $D -p device cuda -p results results", "-p dataset synthetic -p device cpu -p results results"),
    ("-y '{seeds: [0, 1, 2, 3, 4], hyper: {epochs: 200, patience: 5, eval_every: 2}}'",
     "-y '{seeds: [0], grid: [[2, 2]], variants: [full], baselines: [pop], hyper: {epochs: 1}}'"),
    ('-p epochs 60', '-p epochs 1'),
]

def readme_blocks(text:str) -> list[str]:
    "The ```sh blocks of a README, each as its lines (backslash continuations joined)."
    return [re.sub(r'\\\n\s*', '', m) for m in re.findall(r'```sh\n(.*?)```', text, re.S)]

@pytest.mark.slow
def test_readme_commands_on_a_fresh_clone(tmp_path):
    "Every command block of README.md runs as written (with small budgets) on a fresh clone: exit 0, the files it promises."
    import shutil, subprocess
    if shutil.which('git') is None or not (ROOT/'.git').exists(): pytest.skip("not a git checkout")
    clone, data = tmp_path/'magnn', Path(os.environ.get('MAGNN_TEST_DATA', ROOT.parent/'shared'/'data'))
    subprocess.run(['git', 'clone', '--quiet', str(ROOT), str(clone)], check=True)
    (clone/'.venv').symlink_to(Path(sys.prefix))
    have_data = data.is_dir()
    if have_data: (tmp_path/'shared').mkdir(); (tmp_path/'shared'/'data').symlink_to(data)
    text = (clone/'README.md').read_text(encoding='utf-8')
    for old, new in README_SMALL:
        assert old in text, f"README.md no longer holds {old!r}: update README_SMALL in tests/test_docs.py"
        text = text.replace(old, new)
    env = dict(os.environ, PYTHONPATH=str(clone), MPLBACKEND='Agg', OMP_NUM_THREADS='1')
    blocks = readme_blocks(text)
    assert len(blocks) >= 4, blocks
    for block in blocks:
        lines = [l for l in block.splitlines() if l.strip()]
        if not have_data: lines = [l for l in lines if '../shared/data' not in l and '$D' not in l.split('#')[0]]
        if 'TIME-seed0' in block:   # the folder the first block's `magnn train` printed
            run = next((clone/'runs'/'synthetic'/'magnn').glob('*-seed0'))
            lines = [l.replace('runs/synthetic/magnn/TIME-seed0', str(run.relative_to(clone))) for l in lines]
        script = 'set -euo pipefail\n' + '\n'.join(lines) + '\n'
        t0 = time.time()
        r = subprocess.run(['bash', '-c', script], cwd=clone, env=env, capture_output=True, text=True, timeout=1200)
        print(f"--- {time.time() - t0:.0f} s:\n{script}{r.stdout[-1500:]}")
        assert r.returncode == 0, f"README block failed (exit {r.returncode}):\n{script}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
        if '.venv/bin/magnn train' in block:   # the README's first command: a run folder with every file it promises
            assert 'run folder: runs/synthetic/magnn/' in r.stdout, r.stdout
            run = next((clone/'runs'/'synthetic'/'magnn').glob('*-seed0'))
            assert {p.name for p in run.iterdir()} >= {'config.json', 'metrics.json', 'log.jsonl', 'env.json', 'model.pt'}
            m = json.loads((run/'metrics.json').read_text())
            assert all(0 < m[s]['recall@10'] <= m[s]['hit@10'] and m[s]['recall@5'] <= m[s]['recall@10'] <= m[s]['recall@20'] and m[s]['ndcg@10'] > 0
                       for s in ('valid', 'test'))
        if 'compare results/fig3-ml-100k' in block: assert 'Recall@10' in r.stdout and 'bprmf' in r.stdout, r.stdout
        if 'bin/magnn sweep' in block and have_data:
            assert '48 of 48 trials finished already' in r.stdout, r.stdout
            assert not subprocess.run(['git', 'status', '--porcelain', 'results/fig3-ml-100k'], cwd=clone, capture_output=True, text=True).stdout
    for nb in ('train', 'rep', 'fig3', 'explore', *(['fig4'] if have_data else [])):
        assert (clone/'scratch'/f'{nb}.ipynb').is_file(), f"papermill wrote no scratch/{nb}.ipynb"
