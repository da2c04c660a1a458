"The modules of magnn import each other as a DAG: no import cycle, counting imports inside functions too."
import ast
from pathlib import Path
import pytest

PKG = Path(__file__).resolve().parents[1]/'magnn'

def _name(path:Path, root:Path) -> str:
    "The dotted module name of a file under `root` (the folder that holds the package)."
    parts = path.relative_to(root).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)

def import_graph(pkg:Path=PKG) -> dict[str, set[str]]:
    "{module: modules of the same package it imports}, from every `import` and `from ... import` anywhere in its file."
    root, top = pkg.parent, pkg.name
    files = {_name(p, root): p for p in pkg.rglob('*.py')}
    def resolve(dotted:str) -> str|None:  # 'magnn.data.read_pickles' -> 'magnn.data' (the longest prefix that is a module)
        parts = dotted.split('.')
        for k in range(len(parts), 0, -1):
            if '.'.join(parts[:k]) in files: return '.'.join(parts[:k])
    graph = {}
    for mod, path in files.items():
        is_pkg, deps = path.name == '__init__.py', set()
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'), str(path))):
            if isinstance(node, ast.Import): names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ''
                if node.level:  # relative: from the module's package, up level-1 packages
                    pkg_parts = mod.split('.') if is_pkg else mod.split('.')[:-1]
                    pkg_parts = pkg_parts[:len(pkg_parts) - node.level + 1]
                    base = '.'.join(pkg_parts + ([base] if base else []))
                names = [f'{base}.{a.name}' for a in node.names] + [base]
            else: continue
            deps |= {r for n in names if n.split('.')[0] == top and (r := resolve(n)) and r != mod}
        graph[mod] = deps
    return graph

def find_cycle(graph:dict[str, set[str]]) -> list[str]|None:
    "One import cycle as [a, b, ..., a], or None."
    state, stack = {}, []
    def visit(m):
        state[m] = 'open'; stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 'open': return stack[stack.index(d):] + [d]
            if d not in state and (c := visit(d)): return c
        state[m] = 'done'; stack.pop()
    for m in sorted(graph):
        if m not in state and (c := visit(m)): return c

def test_no_import_cycle():
    g = import_graph()
    assert 'magnn.core' in g and 'magnn.datasets' in g
    cycle = find_cycle(g)
    assert cycle is None, f"import cycle: {' -> '.join(cycle)}"

def test_data_layers():
    "core -> data (readers, preprocessing) -> synthetic -> datasets (names, cache, load_dataset)."
    g = import_graph()
    assert g['magnn.core'] <= {'magnn'}
    assert g['magnn.data'] == {'magnn.core'}
    assert g['magnn.synthetic'] == {'magnn.core', 'magnn.data'}
    assert g['magnn.datasets'] == {'magnn.core', 'magnn.data', 'magnn.synthetic'}

def test_detector_sees_function_level_and_relative_imports(tmp_path):
    pkg = tmp_path/'pk'; (pkg/'sub').mkdir(parents=True)
    (pkg/'__init__.py').write_text('')
    (pkg/'sub'/'__init__.py').write_text('from .c import f\n')
    (pkg/'a.py').write_text('from .b import g\nimport os\n')
    (pkg/'b.py').write_text('def g():\n    from pk.sub.c import f\n    return f\n')
    (pkg/'sub'/'c.py').write_text('def f():\n    import pk.b\n    from .. import a\n')
    g = import_graph(pkg)
    assert g['pk.a'] == {'pk.b'} and g['pk.b'] == {'pk.sub.c'} and g['pk.sub.c'] == {'pk', 'pk.a', 'pk.b'}
    assert g['pk.sub'] == {'pk.sub.c'}
    assert find_cycle(g) in (['pk.a', 'pk.b', 'pk.sub.c', 'pk.a'], ['pk.b', 'pk.sub.c', 'pk.b'])
    (pkg/'sub'/'c.py').write_text('def f(): pass\n')
    assert find_cycle(import_graph(pkg)) is None
