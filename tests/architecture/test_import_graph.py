"""The shape of the code, checked from its source: no import cycle between the packages of mpp, only
`mpp.tracking` imports MLflow, only `mpp.strict` imports YAML and only `mpp.spec` reads configuration files with
it, and no library module finds files relative to its own location."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import mpp

SRC = Path(mpp.__file__).resolve().parent


def modules() -> dict[str, Path]:
    out = {}
    for f in sorted(SRC.rglob("*.py")):
        parts = list(f.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = f
    return out


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks (imports for annotations only, never run)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            inside |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return inside


def imports(path: Path, name: str) -> list[tuple[str, list[str]]]:
    """Every import in a module that runs (top level and inside functions, not under TYPE_CHECKING):
    (module imported, names imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    skip = _type_checking_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.append((mod, [a.name for a in node.names]))
    return found


def unit(module: str) -> str:
    """The package (or top-level module) of mpp a module belongs to: mpp.forecast.engine -> forecast."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "mpp"


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    known = modules()
    for name, path in known.items():
        for mod, names in imports(path, name):
            if mod == "mpp":  # from mpp import x: only submodules count (not __version__)
                targets = [f"mpp.{n}" for n in names if f"mpp.{n}" in known]
            elif mod.startswith("mpp."):
                targets = [mod]
            else:
                continue
            for t in targets:
                a, b = unit(name), unit(t)
                if a != b and b != "mpp":
                    graph[a].add(b)
    return graph


def module_graph() -> dict[str, set[str]]:
    """module -> the mpp modules it imports (a package's own __init__ not counted from inside the package)."""
    graph: dict[str, set[str]] = defaultdict(set)
    known = modules()
    for name, path in known.items():
        for mod, names in imports(path, name):
            if not mod.startswith("mpp"):
                continue
            targets = [mod] if mod in known else []
            targets += [f"{mod}.{n}" for n in names if f"{mod}.{n}" in known]
            graph[name] |= {t for t in targets if t != name and not name.startswith(t + ".")}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m) :] + [m]
            if m not in state and (c := visit(m)):
                return c
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (c := visit(n)):
            return c
    return None


def importers(predicate) -> set[str]:
    return {name for name, path in modules().items() for mod, names in imports(path, name) if predicate(mod, names)}


def test_no_import_cycle_between_packages():
    cycle = find_cycle(package_graph())
    assert cycle is None, "import cycle between packages: " + " -> ".join(cycle)


def test_no_import_cycle_between_modules_inside_a_package():
    """Also inside a package: a module-level cycle (data loaders <-> validation, occupancy model <-> segments
    were two) is no longer hidden by importing inside a function, since those imports count too."""
    cycle = find_cycle(module_graph())
    assert cycle is None, "import cycle between modules: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


def test_only_strict_imports_yaml_and_only_spec_reads_configuration_files():
    assert importers(lambda mod, names: mod == "yaml" or mod.startswith("yaml.")) == {"mpp.strict"}
    readers = importers(lambda mod, names: mod == "mpp.strict" and ("load_yaml" in names or "parse_yaml" in names))
    assert readers == {"mpp.spec"}


def test_no_library_module_finds_files_from_its_own_location():
    offenders = [
        name
        for name, path in modules().items()
        if "parents[" in path.read_text(encoding="utf-8") or 'shared/data"' in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
