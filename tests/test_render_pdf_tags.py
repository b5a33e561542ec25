"""The PDF's tags as pdf_tags mends them, read back with pikepdf (pdf_structure.py): a page with each
thing WeasyPrint tags wrongly passes every check, and the same page tagged by WeasyPrint alone
fails each, so every check can fail."""
from __future__ import annotations

import io

import pytest

pikepdf = pytest.importorskip("pikepdf", reason="pikepdf is not installed (pip install -e '.[test]')")

from compiler.render import pdf_tags  # noqa: E402
from compiler.render.pdf import render_pdf  # noqa: E402
from compiler.render.resources import TEMPLATES_DIR  # noqa: E402
from pdf_structure import TaggedPdf  # noqa: E402

PAGE = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Sample report</title><style>
@page { @top-center { content: "Sample report"; } @bottom-center { content: counter(page); } }
ol { list-style: none; }
li::after { content: leader(".") target-counter(attr(data-page-of), page); }
a.more::after { content: " (page " target-counter(attr(href), page) ")"; }
h2 { break-before: page; }
</style></head><body>
<h1>Sample report</h1>
<ol><li data-page-of="#ratings"><a href="#ratings">Ratings</a></li></ol>
<p>See <a class="more" href="#ratings">the <em>ratings</em></a>.</p>
<div aria-hidden="true">DRAFT</div>
<h2 id="ratings">Ratings</h2>
<table><caption>Ratings</caption>
<thead><tr><th scope="col" colspan="2">Service</th></tr><tr><td colspan="2">Fieldwork started: May</td></tr></thead>
<tbody><tr><th scope="rowgroup" colspan="2">1. Organisational delivery</th></tr>
<tr><th scope="row">1.1 Governance</th><td>Good</td></tr></tbody></table>
<table><caption>Population</caption><tbody><tr><td>148</td><th scope="row">First-time entrants</th></tr></tbody></table>
<p>Descriptor: Good <span role="img" aria-label="3 stars out of 4">★★★☆</span></p>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="40" role="img"><title>A bar</title>
<rect width="5" height="5"/></svg>
<p lang="cy">Arolygiad</p>
</body></html>"""


@pytest.fixture(scope="module")
def ours() -> bytes:
    return render_pdf(PAGE, TEMPLATES_DIR.as_uri() + "/")


@pytest.fixture(scope="module")
def weasyprints_own() -> bytes:
    import weasyprint
    from weasyprint.pdf import tags

    pdf_tags.install()
    ours_hook = tags._build_box_tree
    tags._build_box_tree = ours_hook.original
    try:
        return weasyprint.HTML(string=PAGE).write_pdf(pdf_variant="pdf/ua-1")
    finally:
        tags._build_box_tree = ours_hook


def test_the_mended_tags_pass_every_check(ours):
    pdf = TaggedPdf(ours)
    assert pdf.problems() == []
    assert ("cy", "Arolygiad") in pdf.with_lang()
    assert pdf.artifact_text, "the running head, page numbers, leader and draft mark are artifacts"
    stars = next(e for e in pdf.elements if "★" in e.text and "/Alt" in e.obj)
    assert str(stars.obj.Alt) == "3 stars out of 4"


def test_weasyprints_own_tags_fail_each_check_they_should(weasyprints_own):
    pdf = TaggedPdf(weasyprints_own)
    problems = "\n".join(pdf.problems())
    for expected in ("leader dots tagged as text", "content tagged outside the structure tree",
                     "link described by 'ratings'", "link nested in a link", "table header without a Scope",
                     "a row below it", "symbols read by name"):
        assert expected in problems
    assert pdf.with_lang() == []


def test_the_link_is_one_element_described_by_its_text(ours):
    pdf = TaggedPdf(ours)
    links = [e for e in pdf.elements if e.tag == "/Link"]
    assert [" ".join(e.text.split()) for e in links] == ["Ratings", "the ratings (page 2)"]
    contents = {str(a.Contents) for page in pdf.pdf.pages for a in page.obj.get("/Annots", [])}
    assert contents == {"Ratings", "the ratings (page 2)"}


def test_each_data_cell_takes_the_headers_of_its_row_group_and_columns(ours):
    pdf = TaggedPdf(ours)
    by_id = {bytes(e.obj.ID): e.text for e in pdf.elements if e.tag == "/TH"}
    headers = {e.text: [by_id[bytes(h)] for h in e.attribute("/Headers")] for e in pdf.elements if e.tag == "/TD"}
    assert headers["Fieldwork started: May"] == ["Service"]
    assert headers["Good"] == ["Service", "1. Organisational delivery", "1.1 Governance"]
    assert headers["148"] == ["First-time entrants"]
    scopes = {e.text: str(e.attribute("/Scope")) for e in pdf.elements if e.tag == "/TH"}
    assert scopes == {"Service": "/Column", "1. Organisational delivery": "/Row", "1.1 Governance": "/Row",
                      "First-time entrants": "/Row"}


def _mutated(data: bytes, change) -> TaggedPdf:
    pdf = pikepdf.open(io.BytesIO(data))
    change(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return TaggedPdf(out.getvalue())


def _elements(pdf, tag):
    return [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/S") == tag]


@pytest.mark.parametrize("change, expected", [
    (lambda pdf: pdf.Root.__delitem__("/Lang"), "no document language"),
    (lambda pdf: pdf.Root.ViewerPreferences.__setitem__("/DisplayDocTitle", False), "DisplayDocTitle"),
    (lambda pdf: _elements(pdf, "/Figure")[0].__delitem__("/Alt"), "figure without alternative text"),
    (lambda pdf: _elements(pdf, "/H2")[0].__setitem__("/S", pikepdf.Name("/H4")), "heading level skipped"),
    (lambda pdf: [_elements(pdf, "/TH")[-1].__setitem__("/S", pikepdf.Name("/TD"))], "table without header cells"),
    (lambda pdf: [f.DescendantFonts[0].FontDescriptor.__delitem__("/FontFile2")
                  for f in pdf.pages[0].Resources.Font.values()], "is not embedded"),
])
def test_each_document_check_can_fail(ours, change, expected):
    assert any(expected in problem for problem in _mutated(ours, change).problems())
