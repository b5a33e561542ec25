"""render_pdf: the PDF read back for order, contents page numbers, bookmarks, metadata, fonts and tags."""
from __future__ import annotations

import io
import re
import time

import pytest
from pypdf import PdfReader

from compiler.render.html import render_html
from compiler.render.resources import FONTS_DIR, TEMPLATES_DIR
from compiler.render.pdf import render_pdf
from compiler.render.view import build_view
from helpers import contents_number, pdf_outline
from test_render_support import fixture_rated

BASE_URL = TEMPLATES_DIR.as_uri() + "/"


@pytest.fixture(scope="module")
def rated():
    return fixture_rated("standards")


@pytest.fixture(scope="module")
def pdf_bytes(rated):
    return render_pdf(render_html(rated, media="print"), BASE_URL)


@pytest.fixture(scope="module")
def reader(pdf_bytes):
    return PdfReader(io.BytesIO(pdf_bytes))


@pytest.fixture(scope="module")
def pages(reader):
    return [page.extract_text() for page in reader.pages]


def _contents_numbers(pages, labels) -> dict[str, int]:
    contents_page = next(text for text in pages if text.lstrip().startswith("Contents"))
    return {label: contents_number(contents_page, label) for label in labels}


def test_contents_page_numbers_point_at_the_headings(rated, pages):
    entries = build_view(rated, "print").contents
    numbers = _contents_numbers(pages, [e.label for e in entries])
    for entry in entries:
        page_text = pages[numbers[entry.label] - 1]
        lines = [line.strip() for line in page_text.splitlines()]
        assert entry.label in lines, f"{entry.label!r} is not a heading on page {numbers[entry.label]}"


def test_outline_has_every_section_and_standard_at_the_contents_pages(rated, reader, pages):
    view = build_view(rated, "print")
    entries = view.contents
    listed = {e.label for e in entries}
    # Sections left out of the contents (as published) are still bookmarked, one level down.
    unlisted = {p.section.title for d in view.domains for s in d.standards for p in s.placed_after}
    unlisted |= {p.section.title for d in view.domains for p in d.trailing_sections} | {"Summary"}
    outline = pdf_outline(reader)
    assert outline[0][1] == "Contents"
    extra = [(depth, title) for depth, title, _ in outline[1:] if title not in listed]
    assert all(depth == 1 and title in unlisted for depth, title in extra), extra
    outline = [item for item in outline[1:] if item[1] in listed]
    assert [title for _, title, _ in outline] == [e.label for e in entries]
    numbers = _contents_numbers(pages, [e.label for e in entries])
    for (depth, title, page), entry in zip(outline, entries):
        assert depth == entry.level - 1
        assert page == numbers[title]


def test_sections_appear_in_layout_order_in_the_text(rated, pages):
    entries = build_view(rated, "print").contents
    numbers = _contents_numbers(pages, [e.label for e in entries])
    assert [numbers[e.label] for e in entries] == sorted(numbers.values())
    body, position = "\n".join(pages[2:]), 0  # after the cover and the contents page
    for entry in entries:  # each heading is found after the one before it
        match = re.compile(rf"^{re.escape(entry.label)}$", flags=re.M).search(body, position)
        assert match, f"{entry.label!r} missing or out of order"
        position = match.end()


def test_metadata_language_and_dates(rated, reader):
    meta = reader.metadata
    view = build_view(rated, "print")
    assert meta.title == view.title
    assert meta.author == rated.inspection.meta.inspectorate
    assert rated.inspection.meta.service in meta.subject
    assert meta["/CreationDate"].startswith("D:" + rated.inspection.meta.published.replace("-", ""))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == rated.inspection.meta.language


def test_creation_date_from_source_date_epoch(rated, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    reader = PdfReader(io.BytesIO(render_pdf(render_html(rated, media="print"), BASE_URL)))
    assert reader.metadata["/CreationDate"].startswith("D:20231114221320")


def test_tagged_for_accessibility(reader):
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root


def test_only_project_fonts_and_all_embedded(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            fonts[font["/BaseFont"]] = descendant["/FontDescriptor"].get_object()
    assert fonts
    for name, descriptor in fonts.items():
        assert "DejaVu-Sans" in name, name
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_running_header_page_numbers_and_footnotes_at_the_foot(rated, pages):
    title = build_view(rated, "print").title
    foreword = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Foreword"))
    lines = [line.strip() for line in pages[foreword].splitlines()]
    assert title in lines and str(foreword + 1) in lines
    assert "1. The report covers work with children." in lines
    assert lines.index("1. The report covers work with children.") > lines.index("HM Chief Inspector")
    assert title not in pages[0], "no running header on the cover"


def test_draft_mark_on_every_page(rated, pages):
    assert rated.inspection.status == "draft"
    assert all("DRAFT" in text for text in pages)


def test_output_is_deterministic(rated, pdf_bytes):
    assert render_pdf(render_html(rated, media="print"), BASE_URL) == pdf_bytes


# WeasyPrint subsets fonts with HarfBuzz where the system has libharfbuzz-subset and with fontTools
# elsewhere: the switch is this module attribute (None where the library is missing), and fontTools
# stamps the clock into each font it saves. The renders below set both as two machines would.
def _weasyprint_fonts():
    import weasyprint.pdf.fonts

    return weasyprint.pdf.fonts


HARFBUZZ_SUBSET = _weasyprint_fonts().harfbuzz_subset


def _weasyprint_alone(html: str) -> bytes:
    """The PDF as WeasyPrint makes it without the compiler's care for the fonts."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=BASE_URL).write_pdf(pdf_variant="pdf/ua-1")


def _render_as_on(monkeypatch, html: str, *, harfbuzz_subset, clock: float, render=render_pdf) -> bytes:
    """Render as on a machine with (or without) libharfbuzz-subset, at the time `clock`."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with monkeypatch.context() as machine:
        machine.setattr(_weasyprint_fonts(), "harfbuzz_subset", harfbuzz_subset)
        machine.setattr(time, "time", lambda: clock)
        return render(html, BASE_URL) if render is render_pdf else render(html)


@pytest.mark.skipif(HARFBUZZ_SUBSET is None,
                    reason="libharfbuzz-subset is not installed here, so its path cannot be taken (.ci/run installs it)")
def test_same_pdf_bytes_with_and_without_harfbuzz_subset(rated, monkeypatch):
    html = render_html(rated, media="print")
    with_it = _render_as_on(monkeypatch, html, harfbuzz_subset=HARFBUZZ_SUBSET, clock=1.8e9)
    without_it = _render_as_on(monkeypatch, html, harfbuzz_subset=None, clock=1.9e9)
    assert with_it == without_it
    # WeasyPrint alone gives different bytes on the two machines, even at the same moment.
    alone = [_render_as_on(monkeypatch, html, harfbuzz_subset=library, clock=1.8e9, render=_weasyprint_alone)
             for library in (HARFBUZZ_SUBSET, None)]
    assert alone[0] != alone[1]


def test_fonttools_subsets_carry_the_fonts_date_not_the_clock(rated, monkeypatch):
    from fontTools.ttLib import TTFont

    html = render_html(rated, media="print")
    earlier = _render_as_on(monkeypatch, html, harfbuzz_subset=None, clock=1.8e9)
    later = _render_as_on(monkeypatch, html, harfbuzz_subset=None, clock=1.9e9)
    assert earlier == later
    alone = [_render_as_on(monkeypatch, html, harfbuzz_subset=None, clock=clock, render=_weasyprint_alone)
             for clock in (1.8e9, 1.9e9)]
    assert alone[0] != alone[1], "WeasyPrint's fontTools path stamps the clock into the fonts"
    sources = {TTFont(path)["head"].modified for path in FONTS_DIR.glob("*.ttf")}
    embedded = [TTFont(io.BytesIO(data))["head"].modified for data in _embedded_font_files(earlier)]
    assert embedded and set(embedded) <= sources


def _embedded_font_files(pdf: bytes) -> list[bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    files = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                stream = descendant.get_object()["/FontDescriptor"]["/FontFile2"]
                files[stream.indirect_reference.idnum] = stream.get_object().get_data()
    return list(files.values())


def test_choosing_fonttools_is_not_a_warning_about_the_report(rated, monkeypatch):
    warnings: list[str] = []
    notes: list[str] = []
    monkeypatch.setattr(_weasyprint_fonts(), "harfbuzz_subset", None)
    render_pdf(render_html(rated, media="print"), BASE_URL, warnings=warnings, notes=notes)
    assert warnings == [] and notes == []


def test_themes_report_builds_with_contents_after_recommendations():
    rated = fixture_rated("themes")
    reader = PdfReader(io.BytesIO(render_pdf(render_html(rated, media="print"), BASE_URL)))
    titles = [title for _, title, _ in pdf_outline(reader)]
    assert titles == [
        "Foreword", "Summary", "Recommendations", "Contents",
        "Theme 1: Reducing the likelihood of reoffending", "Theme 2: Governance",
        "Appendix 1 Glossary", "Appendix 2 Scoring approach",
    ]


def test_renderer_warnings_are_collected(rated):
    warnings: list[str] = []
    html = render_html(rated, media="print").replace("</style>", "p { flux-capacitor: 1; }</style>", 1)
    render_pdf(html, BASE_URL, warnings=warnings)
    assert any("flux-capacitor" in message for message in warnings)


def _example_layouts(name: str, *, trial_css: str = ""):
    """An example inspection's print HTML, and a layout function as `pdf._fitted` makes it, which keeps
    each layout it makes (with `trial_css` added to the trial layouts, those of a few sections)."""
    import weasyprint

    from compiler.rating.compile import compile_inspection
    from compiler.render import page_fit
    from compiler.render.pdf import PDF_VARIANT, _part, _project_fetcher
    from pathlib import Path

    rated = compile_inspection(Path(__file__).resolve().parent.parent / "inspections" / name).rated
    source = weasyprint.HTML(string=render_html(rated, media="print"), base_url=BASE_URL,
                             url_fetcher=_project_fetcher())
    options = dict(weasyprint.DEFAULT_OPTIONS, pdf_variant=PDF_VARIANT)
    made = []

    def layout(steps, shown):
        sheets = [weasyprint.CSS(string=page_fit.closer_css(steps))] if steps else []
        if shown is not None and trial_css:
            sheets.append(weasyprint.CSS(string=trial_css))
        document = _part(source, shown).render(**dict(options, stylesheets=sheets))
        made.append((dict(steps), shown, document))
        return document

    return source, layout, made


def test_a_section_with_a_short_last_page_is_set_closer_only_where_that_saves_the_page():
    """Merton's domains end with a few lines on a page of their own when set as usual (the report's
    pages 18 and 28 before fitting); set a step closer they fit, and no other section changes. The
    steps are tried on a layout of the cover and those domains alone; the whole report is laid out
    twice: as set, and with the steps chosen."""
    from compiler.render import page_fit

    source, layout, made = _example_layouts("merton-2021")
    fitted = page_fit.fit(layout, source.etree_element)
    plain = made[0][2]
    short = page_fit.short_tails(plain.pages)
    assert {"sec-domain-1", "sec-domain-2"} <= set(short)
    before, _ = page_fit.section_pages(plain.pages)
    after, fill = page_fit.section_pages(fitted.pages)
    assert page_fit.short_tails(fitted.pages) == []
    saved = {name: before[name] - after[name] for name in before}
    assert all(saved[name] >= 1 for name in short) and all(saved[name] == 0 for name in before if name not in short)
    assert all(fill[name] >= page_fit.SHORT for name in short)
    trials = [document for _, shown, document in made if shown is not None]
    assert [shown for _, shown, _ in made].count(None) == 2 and trials
    for trial in trials:
        shown_sections = set(page_fit.section_pages(trial.pages)[0])
        assert shown_sections <= set(short) and len(trial.pages) < len(plain.pages) / 2


def test_a_step_chosen_on_a_trial_is_kept_only_if_the_whole_report_shows_the_saving():
    """Trials that lie (every section set tiny, so every step seems to save its page) choose steps
    that the whole layout then checks: Western Bay's first annex does not fit a step closer (its
    last page stays), so that step is dropped and the others kept."""
    from compiler.render import page_fit

    source, layout, made = _example_layouts("western-bay-2019", trial_css="#main * { font-size: 3pt !important; }")
    fitted = page_fit.fit(layout, source.etree_element)
    plain = made[0][2]
    before, _ = page_fit.section_pages(plain.pages)
    assert page_fit.first_steps(plain.pages) == {"sec-domain-3": 1, "sec-annex-1": 1, "sec-annex-3": 2}
    after, _ = page_fit.section_pages(fitted.pages)
    wholes = [steps for steps, shown, _ in made if shown is None]
    assert wholes[1] == {"sec-domain-3": 1, "sec-annex-1": 1, "sec-annex-3": 2}
    assert wholes[-1] == {"sec-domain-3": 1, "sec-annex-3": 2} and made[-1][2] is fitted
    assert after["sec-annex-1"] == before["sec-annex-1"]
    assert after["sec-domain-3"] < before["sec-domain-3"] and after["sec-annex-3"] < before["sec-annex-3"]


def test_a_trial_tree_holds_only_the_sections_shown_and_leaves_the_report_alone():
    import xml.etree.ElementTree as ET

    from compiler.render import page_fit

    root = ET.fromstring('<html><head/><body><header/><main id="main"><section id="a"/><section id="b">'
                         '<p/></section><section id="c"/></main><footer/></body></html>')
    root.find("body/main").insert(1, ET.Comment("not a child that counts"))
    trial = page_fit.shown_only(root, {0, 2})
    assert [e.get("id") for e in trial.find("body/main")] == ["a", "c"]
    assert [e.get("id") for e in page_fit.main_children(root)] == ["a", "b", "c"]
    assert trial.find("body/main/section") is root.find("body/main/section")  # shared, not copied
    assert trial.find("body/header") is root.find("body/header") and trial is not root
    assert page_fit.shown_only(ET.fromstring("<html><body/></html>"), {0}).tag == "html"


def test_closer_steps_set_lines_nearer_each_time():
    from compiler.render.page_fit import closer_css

    def line(css: str) -> float:
        return float(re.search(r"line-height: ([\d.]+)", css).group(1))

    one, two = closer_css({"sec-a": 1}), closer_css({"sec-a": 2})
    assert line(one) < 1.4 and line(two) < line(one) and "#sec-a p" in one
    assert closer_css({}) == ""
