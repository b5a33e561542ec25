"""The compiled-template cache: it only skips compiling, so every output is the same with it, without
it, from a damaged entry or with a folder it may not use; and a later run loads what an earlier one
compiled."""
from __future__ import annotations

import os

import jinja2
import pytest

from compiler.render import html, template_cache
from compiler.render.html import render_html
from test_render_support import fixture_rated


@pytest.fixture
def cache_in(tmp_path, monkeypatch):
    """Point the cache at a folder (or 'off') for one test, with a fresh environment."""
    def use(value) -> None:
        monkeypatch.setenv("INSPECTION_CACHE_DIR", str(value))
        html.environment.cache_clear()

    yield use
    html.environment.cache_clear()


def _compiles(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles from source from here on."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def test_the_cache_changes_no_output_and_a_later_run_compiles_nothing(tmp_path, cache_in, monkeypatch):
    rated = fixture_rated("standards")
    cache_in("off")
    plain = render_html(rated), render_html(rated, media="print")
    cache_in(tmp_path / "templates")
    compiled = _compiles(monkeypatch)
    assert (render_html(rated), render_html(rated, media="print")) == plain
    assert "report.html.j2" in compiled
    assert list((tmp_path / "templates").glob("*.cache"))

    cache_in(tmp_path / "templates")  # another run: a new environment over the same folder
    compiled.clear()
    assert (render_html(rated), render_html(rated, media="print")) == plain
    assert compiled == []


def test_a_damaged_entry_is_compiled_again(tmp_path, cache_in, monkeypatch):
    rated = fixture_rated("standards")
    cache_in("off")
    plain = render_html(rated)
    cache_in(tmp_path)
    render_html(rated)
    for entry in tmp_path.glob("*.cache"):
        entry.write_bytes(b"j2\x00not bytecode at all")
    cache_in(tmp_path)
    compiled = _compiles(monkeypatch)
    assert render_html(rated) == plain
    assert "report.html.j2" in compiled


def test_entries_belong_to_the_settings_they_were_compiled_under(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTION_CACHE_DIR", str(tmp_path / "templates"))
    settings = tmp_path / "settings.py"
    settings.write_text("trim_blocks=True\n")
    before = template_cache.bytecode_cache(str(settings)).pattern
    settings.write_text("trim_blocks=False\n")
    assert template_cache.bytecode_cache(str(settings)).pattern != before


@pytest.mark.parametrize("value", ["off", "0", ""])
def test_the_cache_can_be_turned_off(value, monkeypatch):
    monkeypatch.setenv("INSPECTION_CACHE_DIR", value)
    assert template_cache.bytecode_cache(html.__file__) is None


def test_a_folder_others_could_write_to_or_a_link_is_not_used(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # anyone could plant code to run here
    link = tmp_path / "link"
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    for folder in (shared, link):
        monkeypatch.setenv("INSPECTION_CACHE_DIR", str(folder))
        assert template_cache.bytecode_cache(html.__file__) is None, folder
    private = tmp_path / "private"
    monkeypatch.setenv("INSPECTION_CACHE_DIR", str(private))
    assert template_cache.bytecode_cache(html.__file__) is not None
    assert private.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0, reason="root may write anywhere")
def test_a_folder_that_cannot_be_made_means_compiling_each_time(tmp_path, cache_in):
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o500)
    cache_in(readonly / "inside")
    assert template_cache.bytecode_cache(html.__file__) is None
    assert "<html" in render_html(fixture_rated("standards"))
    assert not list(readonly.iterdir())
