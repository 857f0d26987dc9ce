"""The shape of the package (DESIGN §2, issue 12): no import cycles — counting imports inside functions —,
analyses that import no charts, catalogues, renderers or streamlit, every key the code asks for in the
catalogues, ``__all__`` in every public module, every function short enough to read on one screen, no
function or class defined twice in one module.

Lists of modules not there yet are strict: fixing one fails the test until it is taken off the list.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from ecops import i18n

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ecops"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if p.name != "__main__.py"}


def _imports(name: str) -> set[str]:
    """Every ecops module ``name`` imports, at the top or inside a function (``from ecops import x`` counts x)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles() -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


#: Known import cycles (none left: every page is converted to a view, and the UI ring is broken). Strict.
KNOWN_CYCLES: tuple[frozenset[str], ...] = ()


def test_every_module_imports():
    for name in MODULES:
        importlib.import_module(name)


def test_no_import_cycles():
    cycles = {frozenset(c) for c in _cycles()}
    assert cycles == set(KNOWN_CYCLES), f"import cycles: {[sorted(c) for c in cycles - set(KNOWN_CYCLES)]}"


#: Analyses: compute only. No charts, catalogues, renderers, views or streamlit (DESIGN §2).
ANALYSES = ("overview", "portrait", "portrait.features", "portrait.segmentation", "portrait.personas",
            "portrait.cohort", "portrait.lifetime", "portrait.demography", "portrait.page", "segments",
            "promotions.windows", "promotions.aggregates", "promotions.lift", "promotions.page", "basket", "pricing", "pricing.cells", "pricing.elasticity",
            "pricing.identification", "pricing.prices", "pricing.decisions", "pricing.page", "promotions", "stats", "cache", "format", "period",
            "dialect", "clv", "clv.utils", "clv.beta_geo", "clv.gamma_gamma", "clv.lifetime_value", "forecast", "text", "quality", "warehouse", "logistics", "satisfaction", "profit",
            "satisfaction.facts", "satisfaction.ratings", "satisfaction.logit", "satisfaction.driver_model",
            "satisfaction.after_sales", "satisfaction.loyalty", "satisfaction.complaints", "satisfaction.page",
            "profit.aggregates", "profit.pnl", "profit.readings", "profit.scenarios", "profit.page",
            "change_drivers", "targets", "demand_classes", "payments")
#: Analyses that still import presentation (pages not yet converted). Strict, as above.
NOT_YET: tuple[str, ...] = ()
_PRESENTATION = re.compile(r"^(ecops\.(charts|i18n|render|views|ui)(\.|$)|streamlit)")


@pytest.mark.parametrize("name", [*(a for a in ANALYSES if a not in NOT_YET),
                                  *(pytest.param(a, marks=pytest.mark.xfail(strict=True, reason="not converted yet"))
                                    for a in NOT_YET)])
def test_analyses_import_no_presentation(name):
    path = MODULES[f"ecops.{name}"]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    bad = sorted(m for m in imported if _PRESENTATION.match(m))
    assert not bad, f"{path.relative_to(ROOT)} imports presentation: {bad}"


def test_catalogues_import_nothing_else_of_ecops():
    """The string catalogues are leaves: loading a language never loads the data stack."""
    for name in MODULES:
        if name.startswith("ecops.i18n"):
            outside = sorted(m for m in GRAPH[name] if not m.startswith("ecops.i18n"))
            assert not outside, f"{name} imports {outside}"


_KEY = re.compile(r"^(core|data|ingest|quality|overview|portrait|segments|pricing|promotions|warehouse|logistics|"
                  r"satisfaction|profit)\.[a-z0-9_.]*$")


def _strings(path: Path) -> set[str]:
    """String constants of a module that look like catalogue keys: not docstrings, figure kinds, widget keys
    (``key=…``) or session-state entries (``st.session_state[…]``, ``….get(…)``, ``….pop(…)``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "key":
            skip.update(id(n) for n in ast.walk(node.value))
        if isinstance(node, ast.Subscript) and "session_state" in ast.unparse(node.value):
            skip.update(id(n) for n in ast.walk(node.slice))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "pop") \
                and "session_state" in ast.unparse(node.func.value) and node.args:
            skip.update(id(n) for n in ast.walk(node.args[0]))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Figure" \
                and node.args:
            skip.update(id(n) for n in ast.walk(node.args[0]))
    return {n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in skip and _KEY.match(n.value)}


@pytest.mark.parametrize("path", [*sorted(PACKAGE.rglob("*.py")), *sorted((ROOT / "pages").glob("*.py"))],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_every_key_the_code_asks_for_exists(path):
    """A full key must be in the catalogue; a key stem built on (``f"portrait.seg.{code}"``) must start some key."""
    if path.parent.name == "i18n":
        return
    keys = i18n.catalog()
    unknown = sorted(s for s in _strings(path) if s not in keys and not (
        s.endswith(".") and any(k.startswith(s) for k in keys)) and not any(k.startswith(s + ".") for k in keys))
    assert not unknown, f"{path.relative_to(ROOT)} asks for keys not in the catalogues: {unknown}"


#: Public modules of other branches without ``__all__`` yet (strict).
NO_ALL_YET: tuple[str, ...] = ()


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.rpartition(".")[2].startswith("_")
                                        or n.endswith("__init__")))
def test_public_modules_declare___all__(name):
    path = MODULES[name]
    declared = re.search(r"^__all__\b", path.read_text(encoding="utf-8"), flags=re.M) is not None
    if name in NO_ALL_YET:
        assert not declared, f"{name} declares __all__ now: take it off NO_ALL_YET"
    else:
        assert declared, f"{name} has no __all__"


#: Most lines a function may take, its def line to its last (decorators aside): one screen (issue 12).
MAX_FUNCTION_LINES = 80


def long_functions(package: Path = PACKAGE, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """``path:line name (n lines)`` of every function, method or nested function under ``package`` longer than
    ``limit`` lines."""
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > limit:
                    found.append(f"{path.relative_to(package.parent)}:{node.lineno} {node.name} ({n} lines)")
    return found


def test_every_function_fits_on_one_screen():
    """A longer function is split along its steps: named helpers, each one thing the business would name."""
    found = long_functions()
    assert not found, f"functions longer than {MAX_FUNCTION_LINES} lines: " + "; ".join(found)


def redefined_names(paths: list[Path]) -> list[tuple[Path, int, str]]:
    """(path, line, name) of every module-level function or class defined a second time in its module."""
    found = []
    for path in paths:
        seen: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if node.name in seen:
                    found.append((path, node.lineno, node.name))
                seen.add(node.name)
    return found


def test_no_module_defines_a_function_twice(tmp_path):
    """The second definition silently replaces the first for every caller, the earlier ones included (a test
    helper once replaced another test's helper of the same name; ruff only flags a replaced name never used)."""
    code = [p for d in ("ecops", "pages", "tests", "benchmarks") for p in sorted((ROOT / d).rglob("*.py"))]
    found = redefined_names([*code, ROOT / "app.py"])
    assert not found, "; ".join(f"{p.relative_to(ROOT)}:{line} {name}" for p, line, name in found)
    twice = tmp_path / "twice.py"
    twice.write_text("def f():\n    return 1\n\n\ndef g():\n    return f()\n\n\ndef f():\n    return 2\n")
    assert redefined_names([twice]) == [(twice, 9, "f")]
