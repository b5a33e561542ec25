"""render_pdf: the PDF read back for order, contents page numbers, bookmarks, metadata, fonts and tags."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from compiler.render.html import render_html
from compiler.render.resources import TEMPLATES_DIR
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


def test_a_section_with_a_short_last_page_is_set_closer_only_where_that_saves_the_page():
    """Merton's domains end with a few lines on a page of their own when set as usual (the report's
    pages 18 and 28 before fitting); set a step closer they fit, and no other section changes."""
    import weasyprint

    from compiler.rating.compile import compile_inspection
    from compiler.render import page_fit
    from compiler.render.pdf import PDF_VARIANT, _fitted, _project_fetcher
    from pathlib import Path

    rated = compile_inspection(Path(__file__).resolve().parent.parent / "inspections" / "merton-2021").rated
    source = weasyprint.HTML(string=render_html(rated, media="print"), base_url=BASE_URL,
                             url_fetcher=_project_fetcher())
    options = dict(weasyprint.DEFAULT_OPTIONS, pdf_variant=PDF_VARIANT)
    plain = source.render(**options)
    short = page_fit.short_tails(plain.pages)
    assert {"sec-domain-1", "sec-domain-2"} <= set(short)
    before, _ = page_fit.section_pages(plain.pages)
    fitted = _fitted(source, options, weasyprint.CSS)
    after, fill = page_fit.section_pages(fitted.pages)
    assert page_fit.short_tails(fitted.pages) == []
    saved = {name: before[name] - after[name] for name in before}
    assert all(saved[name] >= 1 for name in short) and all(saved[name] == 0 for name in before if name not in short)
    assert all(fill[name] >= page_fit.SHORT for name in short)


def test_closer_steps_set_lines_nearer_each_time():
    from compiler.render.page_fit import closer_css

    def line(css: str) -> float:
        return float(re.search(r"line-height: ([\d.]+)", css).group(1))

    one, two = closer_css({"sec-a": 1}), closer_css({"sec-a": 2})
    assert line(one) < 1.4 and line(two) < line(one) and "#sec-a p" in one
    assert closer_css({}) == ""
