"""The live preview as an author meets it: warnings in the terminal with their positions, source
excerpts for warnings as for errors, and the page keeping its place across an error and its fix."""
from __future__ import annotations

import re

import pytest

from browser import CHROMIUM, NO_CHROMIUM, Browser
from compiler.authoring import serve
from compiler.authoring.preview_pages import diagnostics_page
from compiler.authoring.scaffold import SOURCE_NAME
from compiler.cli import format_diagnostic
from compiler.sources.diagnostics import Diagnostics, Span
from test_serve import SERVICE, EventStream, _edit, _get
from test_serve import inspection, server  # noqa: F401 - the same fixtures: a scaffold, served

WARNING_LINE = re.compile(r"^  \S+inspection\.yaml:\d+:\d+: warning: .+")
UNUSED = "footnotes:\n  unused-note: A note nothing cites.\n"


def test_the_terminal_shows_a_few_warnings_with_positions_then_only_new_ones(server, inspection):
    first = [line for line in server.logs if WARNING_LINE.match(line)]
    warnings = len(server.snapshot.diagnostics.warnings)
    assert len(first) == 5 < warnings
    assert f"  ... and {warnings - 5} more new warnings (all are listed at /diagnostics)" in server.logs
    told = len(server.logs)
    events = EventStream(server.port)
    try:
        start, _ = events.next()
        with (inspection / SOURCE_NAME).open("a", encoding="utf-8") as handle:
            handle.write(UNUSED)
        events.until(lambda: server.snapshot.epoch > start)
    finally:
        events.close()
    new = [line for line in server.logs[told:] if WARNING_LINE.match(line)]
    assert len(new) == 1 and "unused-note" in new[0]
    lines = (inspection / SOURCE_NAME).read_text(encoding="utf-8").splitlines()
    assert f":{lines.index('  unused-note: A note nothing cites.') + 1}:" in new[0]


def test_the_command_line_colours_the_positions_and_severities(inspection):
    logs: list[str] = []
    preview = serve.PreviewServer(inspection, port=0, log=logs.append, describe=format_diagnostic)
    try:
        preview.start()
    finally:
        preview.stop()
    coloured = [line for line in logs if "warning:" in line]
    assert coloured and all("\x1b[" in line for line in coloured)  # click drops them off a terminal


def test_the_diagnostics_page_shows_the_source_line_of_a_warning(tmp_path):
    source = tmp_path / SOURCE_NAME
    source.write_text("meta:\n  service: Riverside\n", encoding="utf-8")
    diagnostics = Diagnostics()
    diagnostics.warning("placeholder", "a warning about the service", Span(str(source), 2, 12))
    page = diagnostics_page("riverside", diagnostics, 1)
    assert '<pre class="excerpt">   2 |   service: Riverside\n     |            ^</pre>' in page


def test_an_error_page_shows_excerpts_for_its_warnings_too(server, inspection):
    events = EventStream(server.port)
    try:
        start, _ = events.next()
        _edit(inspection / SOURCE_NAME, "yes: 0  #", "yes: 3  #")  # more 'yes' than cases: a rating error
        events.until(lambda: not server.snapshot.ok and server.snapshot.epoch > start)
    finally:
        events.close()
    page = _get(server.url)[2].decode()
    assert page.count('<li class="warning">') == len(server.snapshot.diagnostics.warnings) > 0
    warnings = page[page.index('<li class="warning">'):]
    assert warnings.count('<pre class="excerpt">') == warnings.count('<li class="warning">')


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_the_page_keeps_its_place_across_an_error_and_its_fix(server, inspection, tmp_path):
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(server.url)
        assert browser.wait_for("document.readyState === 'complete' && !!document.querySelector('#inspection-preview-bar')")
        assert browser.evaluate("document.documentElement.scrollHeight") > 5000
        place = browser.evaluate("window.scrollTo(0, 3000); window.scrollY")
        assert place == 3000
        source = inspection / SOURCE_NAME
        _edit(source, "framework: standards-2021", "framework: standards-2021\n\tbroken: tab")
        assert browser.wait_for("document.title.includes('error')"), browser.evaluate("document.title")
        assert browser.evaluate("window.scrollY") == 0  # the error page is short and starts at its top
        _edit(source, "framework: standards-2021\n\tbroken: tab", "framework: standards-2021")
        assert browser.wait_for(f"document.body.innerText.includes({SERVICE!r}) && document.readyState === 'complete'")
        assert browser.wait_for("window.scrollY === 3000", timeout=5), browser.evaluate("window.scrollY")
    finally:
        browser.close()


def test_warnings_told_before_an_error_are_not_told_again_after_its_fix(server, inspection):
    source = inspection / SOURCE_NAME
    events = EventStream(server.port)
    try:
        start, _ = events.next()
        _edit(source, "framework: standards-2021", "framework: standards-2021\n\tbroken: tab")
        events.until(lambda: not server.snapshot.ok and server.snapshot.epoch > start)
        told = len(server.logs)
        _edit(source, "framework: standards-2021\n\tbroken: tab", "framework: standards-2021")
        events.until(lambda: server.snapshot.ok)
    finally:
        events.close()
    assert server.snapshot.diagnostics.warnings
    assert not [line for line in server.logs[told:] if ": warning:" in line]
