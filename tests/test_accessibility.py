"""Every built page checked by real accessibility checkers: axe-core in headless Chromium at 1280 and
320 px (WCAG 2.2 AA rules), the Nu HTML Checker, and the PDF's tags read back with pikepdf.

The pages are those a build of inspections/ writes (built once a session, conftest.py): each
example report, and the corpus index page when the build writes one. A checker that is not
installed skips its tests with the reason; `.ci/run` installs them all (Chromium and a Java
runtime from Debian, axe-core and vnu-jar from npm as package.json pins them, playwright from
the `accessibility` extra). Paths can be given with CHROMIUM, AXE_CORE_JS and VNU_JAR.

Beyond axe's rules, the browser checks what axe cannot see: nothing wider than a 320 px screen,
also with WCAG's text spacing applied; every scrolling box reachable by keyboard and named;
every table with header cells; chart text at least 12 px at 320 px and twice as large at 200 %
zoom; and the contrast of text drawn as an image (the stars), which axe leaves out.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from helpers import EXAMPLE_SLUGS
from pdf_structure import TaggedPdf

ROOT = Path(__file__).resolve().parent.parent
REPORTS = list(EXAMPLE_SLUGS)
INDEX = "index"
PAGES = [*REPORTS, INDEX]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# WCAG 1.4.12: the page must survive this much text spacing.
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: .12em !important; "
                "word-spacing: .16em !important; } p { margin-bottom: 2em !important; }")
MIN_CHART_TEXT_PX = 12
AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


def page_file(build: Path, name: str, suffix: str) -> Path:
    """A built page's HTML or PDF; skips when the build wrote none."""
    if name == INDEX:
        # HOOK (corpus index page): a build of the whole inspections/ folder that writes the
        # index page as <out>/index.html (and <out>/index.pdf, if it has one) has it checked here
        # by every checker, with no further change; until a build writes it, this skips.
        path = build / f"index{suffix}"
        reason = f"this build writes no corpus index page (index{suffix})"
    else:
        path = build / name / f"{name}{suffix}"
        reason = f"{path.name} was not built"
    if not path.is_file():
        pytest.skip(reason)
    return path


def _installed(variable: str, default: Path, what: str) -> Path:
    path = Path(os.environ.get(variable) or default)
    if not path.is_file():
        pytest.skip(f"{what} is not installed ({path}; `npm ci` installs it, or set {variable})")
    return path


# --------------------------------------------------------------------------- Nu HTML Checker


@pytest.fixture(scope="session")
def nu_messages(corpus_build) -> dict[str, list[dict]]:
    """The Nu HTML Checker's messages for every HTML file of the build, by file name (one run)."""
    jar = _installed("VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar", "vnu-jar")
    java = shutil.which("java")
    if java is None:
        pytest.skip("no Java runtime (java) for the Nu HTML Checker")
    files = sorted(str(p) for p in corpus_build.rglob("*.html"))
    run = subprocess.run([java, "-jar", str(jar), "--format", "json", "--exit-zero-always", *files],
                         capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr or run.stdout)
    messages: dict[str, list[dict]] = {Path(f).name: [] for f in files}
    for message in report["messages"]:
        messages.setdefault(Path(message.get("url", "")).name, []).append(message)
    return messages


@pytest.mark.parametrize("name", PAGES)
def test_html_is_valid(name, corpus_build, nu_messages):
    path = page_file(corpus_build, name, ".html")
    found = [f"{m.get('lastLine')}: {m['type']}: {m['message']}" for m in nu_messages[path.name]]
    assert found == []


# --------------------------------------------------------------------------- axe-core in Chromium


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                                   "(pip install -e '.[accessibility]')")
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        pytest.skip("no Chromium (Debian's chromium package) to drive")
    with sync_api.sync_playwright() as playwright:
        # Debian's Chromium, never a browser of playwright's own; no sandbox, as CI runs as root.
        instance = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return _installed("AXE_CORE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js", "axe-core").read_text()


# Measured in the page: what axe leaves out.
_MEASURE = r"""() => {
  const named = e => (e.getAttribute('aria-label') || '').trim() || (e.getAttribute('aria-labelledby') || '').trim();
  const scrollBoxes = [...document.querySelectorAll('body *')].filter(e => {
    const style = getComputedStyle(e);
    return /(auto|scroll)/.test(style.overflowX + style.overflowY)
      && (e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight);
  });
  const chartText = [...document.querySelectorAll('svg text')].filter(t => t.getClientRects().length)
    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a);
  const luminance = c => {
    const [r, g, b] = c.match(/[\d.]+/g).slice(0, 3).map(v => v / 255)
      .map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = e => {
    for (; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (!/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const imageText = [...document.querySelectorAll('[role=img]:not(svg)')].filter(e => e.textContent.trim())
    .map(e => {
      const [a, b] = [luminance(getComputedStyle(e).color), luminance(background(e))];
      return [e.textContent.trim(), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
    });
  return {
    width: document.scrollingElement.scrollWidth,
    scrollBoxes: scrollBoxes.map(e => ({
      box: e.tagName.toLowerCase() + '.' + e.className, focusable: e.tabIndex >= 0, named: !!named(e)})),
    tablesWithoutHeaders: [...document.querySelectorAll('table')].filter(t => !t.querySelector('th'))
      .map(t => (t.caption ? t.caption.textContent : t.textContent).trim().slice(0, 60)),
    chartText: chartText,
    imageText: imageText,
  };
}"""


@pytest.fixture(scope="session")
def visit(browser, axe_source, corpus_build):
    """visit(name, width) -> what axe and the measurements above found, one page load each
    (`checks=False`: the measurements only)."""

    @cache
    def run(name: str, width: int, checks: bool = True) -> dict:
        path = page_file(corpus_build, name, ".html")
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.goto(path.as_uri())
            result = page.evaluate(_MEASURE)
            if not checks:
                return result
            page.add_script_tag(content=axe_source)
            axe = page.evaluate(AXE_RUN, AXE_TAGS)
            result["axe"] = [f"{v['id']} ({v['impact']}): {v['help']}: {n['target']}"
                             for v in axe["violations"] for n in v["nodes"]]
            page.add_style_tag(content=TEXT_SPACING)
            result["spaced_width"] = page.evaluate("document.scrollingElement.scrollWidth")
        finally:
            page.close()
        return result

    return run


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(visit, name, width):
    assert visit(name, width)["axe"] == []


@pytest.mark.parametrize("name", PAGES)
def test_nothing_wider_than_a_320_px_screen_even_with_text_spacing(visit, name):
    result = visit(name, 320)
    assert (result["width"], result["spaced_width"]) == (320, 320)


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("name", PAGES)
def test_every_scrolling_box_is_reachable_by_keyboard_and_named(visit, name, width):
    boxes = visit(name, width)["scrollBoxes"]
    assert [b for b in boxes if not (b["focusable"] and b["named"])] == []


def test_some_report_has_boxes_that_scroll_at_320_px(visit):
    # Otherwise the check above would see nothing.
    assert any(visit(name, 320)["scrollBoxes"] for name in PAGES if name != INDEX)


@pytest.mark.parametrize("name", PAGES)
def test_every_table_has_header_cells(visit, name):
    assert visit(name, 1280)["tablesWithoutHeaders"] == []


@pytest.mark.parametrize("name", PAGES)
def test_chart_text_is_legible_at_320_px_and_doubles_at_200_percent_zoom(visit, name):
    at_320, at_1280 = (visit(name, w)["chartText"] for w in (320, 1280))
    zoomed = visit(name, 640, checks=False)["chartText"]
    if not at_1280:
        pytest.skip("no chart on this page")
    assert min(at_320) >= MIN_CHART_TEXT_PX
    # 200 % zoom of a 1280 px window lays the page out 640 CSS px wide, each CSS px two device px.
    assert min(2 * z / n for z, n in zip(zoomed, at_1280)) >= 1.99


@pytest.mark.parametrize("name", PAGES)
def test_text_drawn_as_an_image_has_text_contrast(visit, name):
    shown = visit(name, 1280)["imageText"]
    assert [(text, round(ratio, 2)) for text, ratio in shown if ratio < 4.5] == []


def test_the_checks_see_what_they_check(browser, axe_source):
    """Each browser check fails on a page made to break it, so a check that can no longer fail
    fails here."""
    page = browser.new_page(viewport={"width": 320, "height": 600})
    try:
        page.set_content(
            '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
            '<p style="color:#fff;background:#4f9a3c">Good</p>'
            '<div style="overflow-x:auto"><table><tr><td style="white-space:nowrap">'
            + "wide " * 80 + '</td></tr></table></div>'
            '<span style="position:absolute;left:400px">(lowest)</span>'
            '<span role="img" aria-label="3 stars" style="color:#b58900">★★★☆</span>'
            '<svg viewBox="0 0 520 40" width="100%"><text x="0" y="20" font-size="13">label</text></svg>'
            '</main></body></html>')
        result = page.evaluate(_MEASURE)
        page.add_script_tag(content=axe_source)
        axe = page.evaluate(AXE_RUN, AXE_TAGS)
    finally:
        page.close()
    assert {"color-contrast", "scrollable-region-focusable"} <= {v["id"] for v in axe["violations"]}
    assert result["width"] > 320
    assert result["scrollBoxes"] and not result["scrollBoxes"][0]["named"]
    assert result["tablesWithoutHeaders"]
    assert min(result["chartText"]) < MIN_CHART_TEXT_PX
    assert result["imageText"][0][1] < 4.5


@pytest.mark.parametrize("name", REPORTS)
def test_print_colours_have_text_contrast(browser, axe_source, name):
    """The PDF's colours (the print HTML, before WeasyPrint lays it out) pass axe's contrast rule."""
    from compiler.rating.compile import compile_inspection
    from compiler.render.html import render_html

    html = render_html(compile_inspection(ROOT / "inspections" / name).rated, media="print")
    page = browser.new_page(viewport={"width": 794, "height": 1123})
    try:
        page.emulate_media(media="print")
        page.set_content(html)
        page.add_script_tag(content=axe_source)
        # A note's text leaves its cell for the page foot in the PDF, where Chromium leaves it in place.
        axe = page.evaluate("() => axe.run({include: [document], exclude: [['.footnote']]}, "
                            "{runOnly: {type: 'rule', values: ['color-contrast']}, resultTypes: ['violations']})")
    finally:
        page.close()
    assert [f"{v['help']}: {n['target']}" for v in axe["violations"] for n in v["nodes"]] == []


# --------------------------------------------------------------------------- PDF tags (pikepdf)


@pytest.fixture(scope="session")
def tagged_pdf(corpus_build):
    pytest.importorskip("pikepdf", reason="pikepdf is not installed (pip install -e '.[test]')")

    @cache
    def read(name: str) -> TaggedPdf:
        return TaggedPdf(page_file(corpus_build, name, ".pdf").read_bytes())

    return read


@pytest.mark.parametrize("name", PAGES)
def test_pdf_structure_has_no_problem(tagged_pdf, name):
    assert tagged_pdf(name).problems() == []


@pytest.mark.parametrize("name", PAGES)
def test_pdf_keeps_the_language_of_each_part(tagged_pdf, corpus_build, name):
    pdf = tagged_pdf(name)
    html = page_file(corpus_build, name, ".html").read_text(encoding="utf-8")
    parts = [(lang, re.sub(r"<[^>]+>", "", text).strip())
             for lang, text in re.findall(r'<(?!html)\w+[^>]* lang="([^"]+)"[^>]*>(.*?)</', html)]
    if not parts:
        pytest.skip("no part of this page is in another language")
    for lang, text in parts:
        assert (lang, text) in pdf.with_lang()
