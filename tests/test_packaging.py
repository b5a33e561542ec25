"""A wheel carries everything a build needs: templates and fonts are mapped into the package."""
from __future__ import annotations

import tomllib
from pathlib import Path

import compiler.render.resources as resources

ROOT = Path(__file__).parent.parent


def test_every_template_and_font_file_is_package_data():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    for package, folder in (("compiler.templates", "templates"), ("compiler.fonts", "fonts")):
        assert package in setuptools["packages"]
        assert setuptools["package-dir"][package] == folder
        shipped = {p for pattern in setuptools["package-data"][package] for p in (ROOT / folder).glob(pattern)}
        every = {p for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert every and every <= shipped, sorted(str(p.relative_to(ROOT)) for p in every - shipped)


def test_resources_use_the_packaged_copy_and_else_the_checkout(tmp_path, monkeypatch):
    assert resources.TEMPLATES_DIR == ROOT / "templates" and resources.FONTS_DIR == ROOT / "fonts"
    site = tmp_path / "site-packages"
    package = site / "compiler"
    package.mkdir(parents=True)
    monkeypatch.setattr(resources, "_PACKAGE", package)
    assert resources._project_dir("templates") == site / "templates"  # a checkout: the top-level folder
    (package / "templates").mkdir()
    (site / "templates").mkdir()  # another distribution's folder beside the package never wins
    assert resources._project_dir("templates") == package / "templates"


def test_every_stage_package_and_the_rules_are_in_a_wheel():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "compiler").rglob("__init__.py")}
    assert packages and packages <= set(setuptools["packages"]), sorted(packages - set(setuptools["packages"]))
    rules = ROOT / "compiler" / "rating"
    shipped = {p for pattern in setuptools["package-data"]["compiler.rating"] for p in rules.glob(pattern)}
    assert shipped and shipped == set((rules / "rules").glob("*.yaml"))
