"""Fixtures shared by the test modules: the example inspections built once for the whole session."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory) -> Path:
    """Every inspection under inspections/ built as `inspection build` builds them (HTML, PDF and
    ratings.json in <out>/<slug>/, and whatever else a build of the whole folder writes)."""
    out = tmp_path_factory.mktemp("corpus")
    result = CliRunner().invoke(main, ["build", str(ROOT / "inspections"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out
