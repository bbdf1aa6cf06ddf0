"""The documentation site (docs/, mkdocs.yml) and the README: every ```python example on every page runs, in page
order and one namespace per page, so a renamed option fails here and not for a reader; every public
name has an API reference entry; the README stays a front page that links into the site.

Fences written ```py are illustrations that need what a test cannot have (a cluster, a model, the
network) and are not run. A page that needs optional packages says so in a comment,
``<!-- docs-test: requires pandas pyarrow -->``: the page is skipped where one is missing.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

import ngramkit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "hooks" not in p.parts)
EXAMPLE_PAGES = [ROOT / "README.md", *PAGES]
FENCE = re.compile(r"^```python\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
REQUIRES = re.compile(r"<!-- docs-test: requires ([\w\- ]+) -->")
SHARED_DATA = Path(os.environ.get("NGRAMKIT_SHARED_DATA", ROOT.parent / "shared" / "data"))

pytestmark = pytest.mark.skipif(not DOCS.is_dir(), reason="docs/ is not in this tree (an installed copy)")


def _examples(page: Path) -> list[str]:
    return FENCE.findall(page.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=[str(p.relative_to(ROOT)) for p in EXAMPLE_PAGES])
def test_examples_on_the_page_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = page.read_text(encoding="utf-8")
    for requirement in REQUIRES.findall(text):
        for module in requirement.split():
            pytest.importorskip(module)
    if "shared/data" in "".join(_examples(page)) and not SHARED_DATA.is_dir():
        pytest.skip("the shared evaluation data is not beside the repository")
    (tmp_path / "shared").mkdir()  # the examples read "../shared/data/...", as from the repository root
    if SHARED_DATA.is_dir():
        (tmp_path / "shared" / "data").symlink_to(SHARED_DATA, target_is_directory=True)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    for number, source in enumerate(_examples(page), 1):
        code = compile(source, f"{page.relative_to(ROOT)} example {number}", "exec")
        with contextlib.redirect_stdout(io.StringIO()):
            exec(code, namespace)  # noqa: S102 (running the documentation's own examples is the test)


def test_every_public_name_has_an_api_entry() -> None:
    reference = "".join(p.read_text(encoding="utf-8") for p in (DOCS / "api").glob("*.md"))
    entries = set(re.findall(r"^::: ngramkit\.([\w.]+)", reference, re.MULTILINE))
    missing = [name for name in ngramkit.__all__ if name not in entries]
    assert not missing, f"public names without an entry in docs/api/: {missing}"


def test_every_page_is_in_the_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [str(p.relative_to(DOCS)) for p in PAGES if f" {p.relative_to(DOCS).as_posix()}" not in nav]
    assert not missing, f"pages not in mkdocs.yml's nav: {missing}"


def test_readme_is_a_front_page_linking_into_the_site() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 250
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / target).is_file(), f"README links to a missing page: {target}"


def test_cli_reference_lists_every_option() -> None:
    hooks = DOCS / "hooks"
    namespace: dict = {}
    exec(compile((hooks / "cli_reference.py").read_text(encoding="utf-8"), "cli_reference.py", "exec"), namespace)  # noqa: S102
    reference = namespace["cli_reference"]()
    from ngramkit.cli.main import build_parser

    for name, parser in build_parser()[1].items():
        assert f"`ngramkit {name}`" in reference
        for action in parser._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"`{flag}`" in reference, (name, flag)
