"""The layers of geo/, read from the source with ast: who may import whom.

Storage does not depend on extraction, only `geo/map/` and `app.py` touch the display libraries,
the store's backends never import each other, nothing at run time imports the build code, and
no two modules import each other at load time.
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

GEO = ROOT / "geo"
DISPLAY = {"folium", "branca", "altair", "streamlit", "streamlit_folium"}
EXTRACTION = ("geo.extract", "geo.dates", "geo.prefilter", "geo.reader", "geo.gazetteer")
STORAGE = ("geo.store", "geo.merge", "geo.records")


def _name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)


MODULES = {_name(p): p for p in sorted(GEO.rglob("*.py"))}


def _imports(name: str, top_level_only: bool = False) -> set[str]:
    """Every module `name` imports (absolute names; `from x import y` gives x and x.y when that is a module)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = ast.walk(tree) if not top_level_only else _load_time(tree.body)
    out = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            mod = ".".join(x for x in (base, node.module) if x)
            subs = {f"{mod}.{a.name}" for a in node.names if f"{mod}.{a.name}" in MODULES}
            out |= subs
            if len(subs) < len(node.names):  # `from . import dates` imports a module, not its package's names
                out.add(mod)
    return out


def _load_time(body):
    """The statements run when a module is imported: its top level, and the branches of its ifs and trys."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                yield from _load_time(getattr(node, field, []) or [])


def _under(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_storage_imports_no_extraction():
    for name in MODULES:
        if _under(name, STORAGE):
            bad = sorted(m for m in _imports(name) if _under(m, EXTRACTION))
            assert not bad, f"{name} imports {bad}"


def test_refreshing_the_merged_incidents_loads_no_extraction_module(tmp_path):
    """What the store really loads, transitively, while it saves an article and streams the export."""
    code = (f"import sys\nsys.path[:0] = [{str(ROOT)!r}]\n"
            "from datetime import date\nfrom geo import store\nfrom geo.records import Article, Incident, Source\n"
            "a = Article('a.txt', 'A', date(2020, 10, 14), [], [], sha1='a')\n"
            "i = Incident('a1', '2020-10-12', 1, 'Battles', 'Armed clash', 'Armenia', None, 'Terter', 'AZ', None, "
            "40.34, 46.9, 1, sources=[Source('a.txt', None, 'A', '2020-10-14')], evidence=['x'])\n"
            f"with store.connect({str(tmp_path / 's.gpkg')!r}) as c:\n"
            "    store.save_article(c, a, [i])\n"
            f"assert len(list(store.event_features({str(tmp_path / 's.gpkg')!r}))) == 1\n"
            "print(' '.join(sorted(m for m in sys.modules if m.startswith(('geo.', 'unidecode', 'rapidfuzz')))))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                       env={**os.environ, "PYTHONPATH": ""})
    assert r.returncode == 0, r.stderr
    loaded = r.stdout.split()
    assert "geo.store.gpkg" in loaded and "geo.merge" in loaded
    assert not [m for m in loaded if _under(m, EXTRACTION) or m.startswith(("unidecode", "rapidfuzz"))], loaded


def test_only_the_map_and_the_app_import_display_libraries():
    for name in MODULES:
        if not _under(name, ("geo.map",)):
            bad = sorted(m for m in _imports(name) if m.split(".")[0] in DISPLAY)
            assert not bad, f"{name} imports {bad}"
    assert DISPLAY & {m.split(".")[0] for m in _imports("geo.map.figure")}  # the rule sees what it checks


def test_the_store_backends_never_import_each_other():
    assert not _under_any(_imports("geo.store.gpkg"), "geo.store.postgis")
    assert not _under_any(_imports("geo.store.postgis"), "geo.store.gpkg")


def _under_any(names, prefix) -> bool:
    return any(_under(n, (prefix,)) for n in names)


def test_nothing_at_run_time_imports_the_build_code():
    for name in MODULES:
        if not _under(name, ("geo.build", "geo.gazetteer.build", "geo.gazetteer.cli", "geo.__main__")):
            assert not _under_any(_imports(name), "geo.build"), name


def test_no_import_cycle_at_load_time():
    graph = {n: {m for m in _imports(n, top_level_only=True) if m in MODULES and m != n} for n in MODULES}
    state: dict[str, int] = {}

    def visit(n, path):
        state[n] = 1
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                raise AssertionError(" -> ".join(path[path.index(m):] + [m]))
            elif m not in state:
                visit(m, path + [m])
        state[n] = 2
    for n in sorted(MODULES):
        if n not in state:
            visit(n, [n])
