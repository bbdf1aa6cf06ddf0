"""The layered layout (docs/architecture.md, "Layout"): imports flow down only, modules stay small, and only
csrc/bindings/ touches Python headers. A module placed in the wrong folder fails here."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "ngramkit"

# Lower numbers sit lower; a module may import from its own folder and from lower ranks.
RANKS = {
    "_core": 0, "_version": 0, "examples": 0,
    "ingest": 1,
    "stats": 2,
    "metrics": 3,
    "comparison": 4, "pipelines": 4, "compat": 4,
    "cli": 5, "integrations": 5,
    "__init__": 6, "__main__": 6, "dask": 6,
}
# Folders of the same rank do not import each other.
MAX_LINES = 600


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _unit(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imported_units(path: Path):
    """(line, first component below ngramkit) of every import of an ngramkit module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package_parts = list(path.relative_to(PACKAGE).parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - (node.level - 1)]
                target = base + (node.module.split(".") if node.module else [])
                names = [target[0]] if target else [a.name for a in node.names]
            elif node.module and node.module.split(".")[0] == "ngramkit":
                parts = node.module.split(".")[1:]
                names = [parts[0]] if parts else [a.name for a in node.names]
            else:
                continue
            for name in names:
                yield node.lineno, name
        elif isinstance(node, ast.Import):
            for a in node.names:
                parts = a.name.split(".")
                if parts[0] == "ngramkit" and len(parts) > 1:
                    yield node.lineno, parts[1]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_down(path):
    unit = _unit(path)
    assert unit in RANKS, f"{path.relative_to(PACKAGE)}: not in a known layer; add its folder to docs/architecture.md and RANKS"
    for line, target in _imported_units(path):
        if target == unit:
            continue
        assert target in RANKS, f"{path.name}:{line} imports unknown ngramkit.{target}"
        if unit == "__init__" and path.parent == PACKAGE:
            continue  # the top level re-exports every layer
        assert RANKS[target] < RANKS[unit], (
            f"{path.relative_to(PACKAGE)}:{line} imports ngramkit.{target} (rank {RANKS[target]}) "
            f"from {unit} (rank {RANKS[unit]}): imports go down only")


@pytest.mark.parametrize("path", _modules() + sorted((REPO / "csrc" / "bindings").glob("*.cpp")),
                         ids=lambda p: str(p.relative_to(REPO)))
def test_modules_stay_small(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(REPO)}: {lines} lines (split it; at most {MAX_LINES})"


def test_only_bindings_include_python():
    offenders = []
    for path in (REPO / "csrc").rglob("*"):
        if path.suffix in (".hpp", ".cpp", ".h") and path.parent.name != "bindings":
            if re.search(r"#include\s*[<\"](pybind11/|Python\.h)", path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(REPO)))
    assert not offenders, f"Python headers outside csrc/bindings/: {offenders}"


def test_csrc_has_only_layer_folders():
    top = sorted(p.name for p in (REPO / "csrc").iterdir())
    assert top == ["bindings", "core", "metrics", "stats", "text"], top


def test_every_binding_file_is_built_and_called():
    module = (REPO / "csrc" / "bindings" / "module.cpp").read_text()
    binders = (REPO / "csrc" / "bindings" / "binders.hpp").read_text()
    for path in (REPO / "csrc" / "bindings").glob("*.cpp"):
        if path.name == "module.cpp":
            continue
        name = f"bind_{path.stem}"
        assert re.search(rf"void {name}\(", binders), f"{name} not declared in binders.hpp"
        assert f"{name}(m)" in module, f"{name} not called from module.cpp"
