"""Fixtures for the render and build tests: small rated inspections built without the scorer."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler.diagnostics import Diagnostics
from compiler.model import RatedInspection, RatingResult
from compiler.ruleset import RuleSet
from compiler.source import load_yaml
from compiler.validate import load_inspection

FIXTURES = Path(__file__).parent / "fixtures" / "render"


def _load(path: Path):
    diagnostics = Diagnostics()
    source = load_yaml(path, diagnostics)
    assert source is not None and not diagnostics.has_errors(), [d.format() for d in diagnostics]
    return source.data


def fixture_rated(name: str, **changes) -> RatedInspection:
    """The rated fixture `name` ('standards' or 'themes'); `changes` replace top-level source keys."""
    folder = FIXTURES / name
    inspection, diagnostics, _ = load_inspection(folder)
    assert inspection is not None, [d.format() for d in diagnostics]
    if changes:
        inspection = inspection.model_copy(update=changes)
    rules = RuleSet.model_validate(_load(folder / "rules.yaml"))
    result = RatingResult.model_validate(_load(folder / "result.yaml"))
    return RatedInspection(slug=f"fixture-{name}", inspection=inspection, rules=rules, result=result)


@pytest.mark.parametrize("name", ["standards", "themes"])
def test_fixtures_are_consistent(name):
    rated = fixture_rated(name)
    ids = {s.id for s in rated.result.standards} | {t.id for t in rated.result.themes}
    declared = {s.id for d in rated.rules.domains for s in d.standards} | {t.id for t in rated.rules.themes}
    assert ids and ids <= declared
