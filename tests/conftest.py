"""Fixtures shared by the test modules: the example inspections built once for the whole session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from helpers import EXAMPLE_PATHS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def template_cache_of_the_session(tmp_path_factory):
    """Compiled templates kept in the session's own folder, not the user's cache."""
    os.environ["INSPECTION_CACHE_DIR"] = str(tmp_path_factory.mktemp("templates"))
    yield
    os.environ.pop("INSPECTION_CACHE_DIR", None)


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory) -> Path:
    """The example inspections built as `inspection build` builds them (HTML, PDF and ratings.json
    in <out>/<slug>/, and the corpus files a build of several writes)."""
    out = tmp_path_factory.mktemp("corpus")
    result = CliRunner().invoke(main, ["build", *map(str, EXAMPLE_PATHS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out
