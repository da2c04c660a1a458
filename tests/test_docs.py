"""The front page and the documentation site: README.md is what nbs/index.ipynb generates, and the site builds.

The site is built with the Quarto-free engine (nbdev's processors + smalldocs), entirely in a temporary folder
(processed notebooks and site), so the test needs no Quarto and touches nothing in the repository: two test runs
at once cannot trip over nbdev's shared `_proc/` cache.
"""
import difflib, importlib.util, json, os, re, sys, time
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
_spec = importlib.util.spec_from_file_location('build_docs', ROOT/'tools'/'build_docs.py')
build_docs = importlib.util.module_from_spec(_spec); _spec.loader.exec_module(build_docs)

def test_readme_matches_index():
    "The committed README.md is exactly what `python tools/build_docs.py --readme-only` writes from index.ipynb."
    want, have = build_docs.render_readme(NBS/'index.ipynb'), (ROOT/'README.md').read_text(encoding='utf-8')
    if want != have:
        diff = ''.join(list(difflib.unified_diff(have.splitlines(True), want.splitlines(True), 'README.md',
                                                 'from nbs/index.ipynb'))[:60])
        pytest.fail(f"README.md is out of date; run: python tools/build_docs.py --readme-only\n{diff}", pytrace=False)

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

def test_docs_build(tmp_path):
    "The site builds without Quarto: a page per notebook (named as Quarto names it), titles, API docs, index.html."
    from nbdev.doclinks import _nbpath2html
    sys.path.insert(0, str(ROOT/'tests'))
    from test_notebooks import notebooks
    t0 = time.time()
    site = build_docs.build_docs(engine='smalldocs', out=tmp_path/'site', proc=tmp_path/'_proc', readme=False,
                                 modidx=False, quiet=True)
    print(f"docs build: {time.time()-t0:.1f} s")
    assert site == tmp_path/'site' and (site/'index.html').is_file()
    front = (site/'index.html').read_text(encoding='utf-8')
    assert 'Install &amp; run' in front or 'Install & run' in front
    for nb in notebooks():
        cells = json.loads(nb.read_text(encoding='utf-8'))['cells']
        h1 = next((m.group(1).strip() for c in cells if c['cell_type'] == 'markdown'
                   for m in [re.match(r'#\s+(.+)', ''.join(c['source']).strip())] if m), None)
        page = site/('index.html' if nb.stem == 'index' else _nbpath2html(Path(nb.name)).name)
        assert page.is_file(), f"no page {page.name} for {nb.name}"
        html = page.read_text(encoding='utf-8')
        if h1: assert h1.replace('`', '') in _text(html).replace('&amp;', '&'), f"{page.name}: title {h1!r} missing"
        if nb.stem != 'index': assert page.name in front, f"{page.name} not in the sidebar of the front page"
    core = (site/'core.html').read_text(encoding='utf-8')  # API docs: show_doc sections with anchors
    for name in ('magnnerror', 'seed_everything', 'get_device', 'seqs', 'split', 'batch'):
        assert f'id="{name}"' in core, f"core.html lacks the API section {name}"
    assert 'Seed every random number generator' in core  # a docstring
