"""Fixtures for the render and build tests: two small inspections rated by the real pipeline under cut-down rules files."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler.rating.result import RatedInspection
from compiler.rating.compile import compile_inspection

FIXTURES = Path(__file__).parent / "fixtures" / "render"


RULES_FILES = {"standards": FIXTURES / "standards" / "rules.yaml", "themes": FIXTURES / "themes" / "rules.yaml"}


def fixture_rated(name: str, **changes) -> RatedInspection:
    """The fixture `name` ('standards' or 'themes') through the real pipeline; `changes` replace
    top-level fields of the source after validation (for variations such as a layout)."""
    compiled = compile_inspection(FIXTURES / name, RULES_FILES[name])
    assert compiled.rated is not None, [d.format() for d in compiled.diagnostics]
    rated = compiled.rated
    if changes:
        rated = rated.model_copy(update={"inspection": rated.inspection.model_copy(update=changes)})
    return rated


@pytest.mark.parametrize("name", ["standards", "themes"])
def test_fixtures_compile_without_problems(name):
    compiled = compile_inspection(FIXTURES / name, RULES_FILES[name])
    assert compiled.rated is not None
    assert not compiled.diagnostics.errors and not compiled.diagnostics.warnings
