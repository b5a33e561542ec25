"""The five seed inspections build to PDFs whose contents, bookmarks, fonts and tags are right."""
from __future__ import annotations

import functools
import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from compiler.rating.compile import compile_inspection
from compiler.render.view import build_view
from helpers import EXAMPLE_SLUGS, contents_number, pdf_outline

ROOT = Path(__file__).resolve().parent.parent

# Top-level sections in the order the published reports print them (see the seeds).
SEED_ORDER = {
    "blaenau-gwent-caerphilly-2022": [
        "Foreword", "Ratings", "Executive summary", "Recommendations", "Background", "Contextual facts",
        "1. Organisational delivery", "2. Court disposals", "3. Out-of-court disposals",
        "Annexe 1: Methodology", "Annexe 2: Inspection data",
    ],
    "ceredigion-2024": [
        "Foreword", "Ratings", "Recommendations", "Background", "Domain one: Organisational delivery",
        "Domain two: Court disposals", "Domain three: Out-of-court disposals", "4.1. Resettlement",
        "Further information",
    ],
    "merton-2021": [
        "Introduction", "Ratings", "Recommendations", "Background", "Contextual facts",
        "1. Organisational delivery", "2. Court disposals", "3. Out-of-court disposals", "Annexe 1: Methodology",
    ],
    "western-bay-2019": [
        "Foreword", "Overall findings", "Ratings", "Recommendations", "Introduction",
        "The role of HM Inspectorate of Probation", "HM Inspectorate of Probation standards", "Key facts",
        "1. Organisational delivery", "2. Court disposals", "3. Out-of-court disposals",
        "Annex 1 – Methodology", "Annex 2 – Inspection results", "Annex 3 – Glossary",
    ],
    "powys-2013": [
        "Foreword", "Summary", "Recommendations",
        "Theme 1: Reducing the likelihood of reoffending", "Theme 2: Protecting the Public",
        "Theme 3: Protecting the child or young person", "Theme 4: Ensuring that the sentence is served",
        "Theme 5: Governance",
    ],
}


SEEDS = EXAMPLE_SLUGS


@functools.cache
def _compiled(slug: str):
    return compile_inspection(ROOT / "inspections" / slug).rated


def seeds_where(holds) -> list[str]:
    """The seeds a feature test applies to: those whose rated inspection `holds` (each test runs on one at least)."""
    chosen = [slug for slug in SEEDS if holds(_compiled(slug))]
    assert chosen, "no seed has this feature"
    return chosen


@pytest.fixture(scope="module", params=SEEDS)
def seed(request, corpus_build):
    slug = request.param
    out = corpus_build  # built once a session (conftest.py), as `inspection build` builds it
    rated = _compiled(slug)
    reader = PdfReader(io.BytesIO((out / slug / f"{slug}.pdf").read_bytes()))
    pages = [page.extract_text() for page in reader.pages]
    html = (out / slug / f"{slug}.html").read_text(encoding="utf-8")
    return slug, rated, reader, pages, html


def test_sections_in_the_published_order(seed):
    slug, _rated, reader, _pages, _html = seed
    top = [title for depth, title, _ in pdf_outline(reader) if depth == 0 and title != "Contents"]
    expected = SEED_ORDER[slug]
    assert [t for t in top if t in expected] == expected


def _printed_numbers(pages) -> dict[int, int]:
    """Printed page number (the footer, last on each page's text) -> 1-based physical page."""
    numbers = {}
    for index, text in enumerate(pages, start=1):
        last = text.split()[-1] if text.split() else ""
        if last.isdigit():
            numbers[int(last)] = index
    return numbers


def test_contents_numbers_are_true_and_match_the_bookmarks(seed):
    _slug, rated, reader, pages, _html = seed
    entries = build_view(rated, "print").contents
    contents = "\n".join(text for text in pages if "Contents" in text.splitlines()[:2])
    outline = {title: page for _, title, page in pdf_outline(reader)}
    physical = _printed_numbers(pages)
    for entry in entries:
        number = physical[contents_number(contents, entry.label)]
        assert outline[entry.label] == number
        page_text = " ".join(pages[number - 1].split())  # long headings wrap over two lines
        assert entry.label in page_text, (entry.label, number)


# The foreword's printed page in the seeds' own contents lists (Western Bay's text has none).
SEED_FOREWORD_PAGE = {"blaenau-gwent-caerphilly-2022": 3, "ceredigion-2024": 3, "merton-2021": 3, "powys-2013": 1}


@pytest.mark.parametrize("seed", seeds_where(lambda rated: rated.slug in SEED_FOREWORD_PAGE), indirect=True)
def test_foreword_on_the_seeds_page(seed):
    slug, rated, _reader, pages, _html = seed
    contents = "\n".join(text for text in pages if "Contents" in text.splitlines()[:2])
    assert contents_number(contents, rated.inspection.labels.foreword) == SEED_FOREWORD_PAGE[slug]


def test_every_standard_has_a_bookmark(seed):
    _slug, rated, reader, _pages, _html = seed
    titles = {title for _, title, _ in pdf_outline(reader)}
    view = build_view(rated, "print")
    for domain in view.domains:
        assert domain.heading in titles
        printed = {s.source.id for s in domain.standards}
        for standard in domain.source.standards:
            if standard.id in printed:
                assert any(t.startswith(f"{standard.id}. ") for t in titles), standard.id
            else:  # a domain not rated as a whole prints no standards
                assert domain.not_rated, standard.id


def test_every_placed_section_has_a_bookmark_on_its_page(seed):
    _slug, rated, reader, pages, _html = seed
    outline = pdf_outline(reader)
    view = build_view(rated, "print")
    placed = [p for d in view.domains for s in d.standards for p in s.placed_after]
    placed += [p for d in view.domains for p in d.trailing_sections]
    for section in placed:
        marks = [page for depth, title, page in outline if depth == 1 and title == section.section.title]
        assert marks, section.section.title
        assert any(section.section.title in " ".join(pages[page - 1].split()) for page in marks)


def test_fonts_embedded_and_document_tagged(seed):
    _slug, rated, reader, _pages, _html = seed
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert root["/Lang"] == rated.inspection.meta.language
    for page in reader.pages[:5]:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            assert "DejaVu-Sans" in font["/BaseFont"]
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object()


def test_html_ratings_match_the_scorer(seed):
    _slug, rated, _reader, _pages, html = seed
    for standard in rated.result.standards:
        row = re.search(rf"<th scope=\"row\">{re.escape(standard.id)} [^<]*</th><td class=\"rating-cell [^\"]*\">([^<]*)(?:<sup|</td>)", html)
        if row:
            assert row.group(1) == standard.rating.value
    for theme in rated.result.themes:
        if theme.percent is not None:
            assert f"<strong>{theme.percent:.0f}%</strong>" in html


@pytest.mark.parametrize("seed", seeds_where(lambda rated: bool(rated.result.standards)), indirect=True)
def test_discretion_footnote_on_each_ratings_row_decided_by_discretion(seed):
    _slug, rated, _reader, _pages, html = seed
    ratings = html[html.index('id="sec-ratings"'):html.index("</section>", html.index('id="sec-ratings"'))]
    for standard in rated.result.standards:
        row = re.search(rf"<th scope=\"row\">{re.escape(standard.id)} [^<]*</th><td[^>]*>[^<]*(<sup[^>]*><a href=\"#fn-(\d+)\")?", ratings)
        if row is None:
            continue
        if standard.discretion is None or "ratings" not in rated.inspection.discretion_notes:
            assert row.group(1) is None, standard.id
            continue
        note = re.search(rf'<li id="fn-{row.group(2)}"[^>]*>(.*?)</li>', ratings, flags=re.S).group(1)
        assert standard.discretion.from_.value in note and standard.discretion.to.value in note


def _counts_only(rated) -> bool:
    insp = rated.inspection
    styles = {s.kq_table_style for d in insp.domains for s in d.standards if s.key_questions and s.kq_table_style}
    return insp.prompt_tables == "counts-only" and styles == {"counts-only"}


@pytest.mark.parametrize("seed", seeds_where(_counts_only), indirect=True)
def test_counts_only_reports_print_counts_and_no_percent_column(seed):
    _slug, rated, _reader, pages, _html = seed
    text = "\n".join(pages)
    assert "Number ‘Yes’" in text and "% ‘Yes’" not in text
    assert not re.search(r"^[a-i]\) ", text, flags=re.M)  # prompts without their letters


@pytest.mark.parametrize("seed", seeds_where(lambda rated: bool(rated.inspection.domains)), indirect=True)
def test_domains_listed_in_the_contents_as_the_source_says(seed):
    _slug, rated, reader, pages, _html = seed
    contents = "\n".join(text for text in pages if "Contents" in text.splitlines()[:2])
    listed = {line.split(" .")[0].strip() for line in contents.splitlines()}
    titles = {title for _, title, _ in pdf_outline(reader)}
    for domain in build_view(rated, "print").domains:
        assert (domain.heading in listed) == domain.source.in_contents, domain.heading
        assert domain.heading in titles  # bookmarked either way


@pytest.mark.parametrize("seed", seeds_where(lambda rated: rated.inspection.kq_tables == "annex"), indirect=True)
def test_annex_results_one_table_per_domain(seed):
    _slug, rated, reader, pages, _html = seed
    annex = next(a for a in build_view(rated, "print").annexes if a.source.kind == "inspection-data")
    start = dict((title, page) for _, title, page in pdf_outline(reader))[annex.heading]
    text = " ".join(" ".join(pages[start - 1:]).split())
    text = text[:text.index("Annex 3")] if "Annex 3" in text else text
    positions = [text.index(f"{d.id}. {d.name} Standards and key questions") for d in rated.rules.domains
                 if any(s.domain == d.id for s in rated.result.standards)]
    assert positions == sorted(positions) and len(positions) == 3
    for std in rated.result.standards:
        for kq in std.key_questions:
            figure = f" {kq.percent:.0f}%" if kq.percent is not None else ""
            assert re.search(rf"{re.escape(kq.id)}\. .{{0,300}}?{figure}", text), kq.id


# A key-question chart draws its band lines' labels one after another: three lines of text alone.
_CHART_LABELS = re.compile(r"^(?:50|65|80)%\n(?:50|65|80)%\n(?:50|65|80)%$", re.MULTILINE)


def _charts_on(text: str) -> int:
    return sum(1 for m in _CHART_LABELS.finditer(text) if set(m.group().split()) == {"50%", "65%", "80%"})


def _chartable(rated) -> bool:
    return rated.inspection.kq_tables == "body" and any(
        kq.percent is not None for s in rated.result.standards if s.method == "case-based" for kq in s.key_questions)


def test_charts_as_each_generation_published_them():
    """No standards report draws charts unless it asks; the FJI report draws each theme's data summary chart."""
    for slug in SEEDS:
        rated = _compiled(slug)
        view = build_view(rated, "print")
        kq_charts = [s.chart for d in view.domains for s in d.standards if s.chart is not None]
        theme_charts = [t.chart for t in view.themes if t.chart is not None]
        if rated.rules.family == "standards":
            assert rated.inspection.charts is None and kq_charts == [] and theme_charts == []
        else:
            assert theme_charts and len(theme_charts) == sum(1 for t in rated.inspection.themes if t.data_chart)


@pytest.mark.parametrize("slug", [s for s in SEEDS if _chartable(_compiled(s))][:1])
def test_key_question_table_and_its_chart_share_a_page(slug):
    """A report that asks for charts prints each under its key-question table, on the same page: charts
    follow their tables in the document, so when every page holds as many charts as tables that lead
    to one, no chart has slipped to the page after its table."""
    from compiler.render.html import render_html
    from compiler.render.pdf import render_pdf
    from compiler.render.resources import TEMPLATES_DIR

    compiled = _compiled(slug)
    rated = compiled.model_copy(update={"inspection": compiled.inspection.model_copy(update={"charts": True})})
    charted = sum(1 for d in build_view(rated, "print").domains for s in d.standards if s.chart is not None)
    assert charted
    reader = PdfReader(io.BytesIO(render_pdf(render_html(rated, media="print"), TEMPLATES_DIR.as_uri() + "/")))
    pages = [page.extract_text() for page in reader.pages]
    per_page = [(text.count("based on these key questions"), _charts_on(text)) for text in pages]
    assert [leads for leads, _ in per_page] == [charts for _, charts in per_page], per_page
    assert sum(leads for leads, _ in per_page) == charted


@pytest.mark.parametrize("seed", seeds_where(lambda rated: rated.inspection.theme_dividers), indirect=True)
def test_theme_divider_pages_hold_the_name_and_number_alone(seed):
    _slug, rated, reader, pages, _html = seed
    outline = {title: page for _, title, page in pdf_outline(reader)}
    header = rated.inspection.meta.report_title
    for theme in build_view(rated, "print").themes:
        divider = pages[outline[theme.heading] - 2]  # the page before the theme's first
        words = " ".join(divider.replace(header, "").split()).split()
        assert " ".join(words[:-1]) == f"{theme.name} {theme.number}", words  # then the page number


@pytest.mark.parametrize("seed", seeds_where(lambda rated: bool(rated.inspection.labels.annexes_title)), indirect=True)
def test_annexes_title_opens_the_first_annex(seed):
    _slug, rated, reader, pages, _html = seed
    title = rated.inspection.labels.annexes_title
    outline = {t: page for _, t, page in pdf_outline(reader)}
    first = build_view(rated, "print").annexes[0]
    text = pages[outline[first.heading] - 1]
    assert text.index(title) < text.index(first.heading.split()[0] + " 1")
    assert sum(title in p for p in pages if "Contents" not in p.splitlines()[:2]) == 1


def _data_annex_with_lead(rated) -> bool:
    annex = next((a for a in build_view(rated, "print").annexes if a.source.kind == "inspection-data"), None)
    return annex is not None and bool(annex.data) and bool(annex.source.body)


@pytest.mark.parametrize("seed", seeds_where(_data_annex_with_lead), indirect=True)
def test_inspection_data_lead_line_shares_a_page_with_the_first_table(seed):
    _slug, rated, _reader, pages, html = seed
    annex = next((a for a in build_view(rated, "print").annexes if a.source.kind == "inspection-data"), None)
    section = html[html.index(f'id="{annex.anchor}"'):]
    lead = section[:section.index('<section class="data-block')]
    last = re.findall(r"<p>(.*?)</p>", lead, flags=re.S)[-1]
    last = " ".join(re.sub(r"<[^>]+>", "", re.sub(r"<sup.*?</sup>", "", last)).split())[:25]
    heading = annex.data[0]["heading"]
    flat = [" ".join(p.split()) for p in pages]
    assert any(last in p and heading in p for p in flat), (last, heading)


def _visible_text(html: str) -> str:
    """The HTML's text a reader sees or hears: no head, no tags (the generator's name is metadata)."""
    body = html[html.index("<body"):]
    return re.sub(r"<[^>]+>", " ", body)


def test_reports_speak_in_the_inspectorates_voice(seed):
    """Neither the PDF nor the HTML speaks of the compiler's workings: its rules files, scorer or YAML."""
    _slug, rated, _reader, pages, html = seed
    for text in ("\n".join(pages), _visible_text(html)):
        flat = " ".join(text.split()).lower()
        for word in ("rules file", "scorer", "yaml", "compiler", "assumptions applied"):
            assert word not in flat, word
    if rated.result.assumptions and any(a.kind == "rules" for a in rated.inspection.annexes):
        assert "How the ratings in this report were worked out" in html
        for assumption in rated.result.assumptions:
            assert assumption.split(",")[0] in html.replace("&#39;", "'")


def test_cover_names_the_inspectorate_title_service_and_month(seed):
    """The cover page alone: the inspectorate, the title, the service and the month of publication."""
    _slug, rated, _reader, pages, html = seed
    meta = rated.inspection.meta
    cover = " ".join(pages[0].split())
    month = build_view(rated, "print").published
    title = meta.report_title or f"{meta.title} {meta.area}"
    for text in (meta.inspectorate, title, meta.service, f"Published {month}"):
        assert " ".join(text.split()) in cover, text
    assert 'class="cover-field"' in html


def test_other_formats_offered_once_where_the_publisher_is_named(seed):
    """Further information offers other formats, as published; failing that, the publisher's block does."""
    _slug, rated, _reader, pages, html = seed
    view = build_view(rated, "print")
    offers = html.count('class="alternative-formats"')
    if "further_information" in view.sections:
        section = html[html.index('id="sec-further-information"'):]
        assert 'class="alternative-formats"' in section[:section.index("</section>")]
    assert offers == (1 if view.alternative_formats else 0)
    assert (view.alternative_formats is None) == (
        not {"further_information", "front_matter"} & set(view.sections) and not view.colophon)
    if offers:
        assert "please ask " + rated.inspection.meta.publisher.name in " ".join(" ".join(pages).split())


@pytest.mark.parametrize("seed", seeds_where(lambda rated: any(s.discretion for s in rated.result.standards)
                                             and {"ratings", "annex"} <= set(rated.inspection.discretion_notes)
                                             and rated.inspection.kq_tables == "annex"), indirect=True)
def test_a_discretion_note_prints_on_each_page_that_cites_it(seed):
    """Cited in the ratings table and again in the annex, the note prints under both, not once early on."""
    _slug, rated, _reader, pages, _html = seed
    for std in (s for s in rated.result.standards if s.discretion):
        note = f"placed standard {std.id} in the"
        carrying = [n for n, text in enumerate(pages) if note in " ".join(text.split())]
        annex_page = max(n for n, text in enumerate(pages) if f"{std.id}. {std.name}" in " ".join(text.split()))
        assert len(carrying) == 2 and annex_page in carrying, (carrying, annex_page)


# One statement of each generation's own wording (framework-rules section 2.6), as each seed prints it.
GENERATION_STATEMENT = {
    "western-bay-2019": "Assessment is well-informed, analytical and personalised, actively involving the child or "
                        "young person and their parents/carers.",
    "merton-2021": "Assessment is well-informed, analytical and personalised, actively involving the child and their "
                   "parents and carers.",
    "blaenau-gwent-caerphilly-2022": "Assessment is well-informed, analytical and personalised, actively involving "
                                     "the child and their parents or carers.",
    "ceredigion-2024": "Staff within the YJS are empowered to deliver a high-quality, personalised and responsive "
                       "service for all children.",
}


@pytest.mark.parametrize("seed", seeds_where(lambda rated: rated.slug in GENERATION_STATEMENT), indirect=True)
def test_each_report_prints_its_generations_statements(seed):
    slug, rated, _reader, pages, html = seed
    text = " ".join(" ".join(pages).split())
    assert GENERATION_STATEMENT[slug] in text and GENERATION_STATEMENT[slug] in html
    for std in (s for d in build_view(rated).domains for s in d.standards):
        assert f'<p class="statement">{std.statement}</p>' in html.replace("&#39;", "'"), std.heading


def test_every_output_names_the_rules_it_was_rated_under(seed):
    """The HTML (a line for readers and meta tags), the PDF (its text and metadata) and ratings.json name the
    framework, the rules version and the SHA-256 of the rules file."""
    import hashlib
    import json

    from compiler.rating.ratings_json import result_to_json
    from compiler.rating.ruleset import RULES_DIR

    slug, rated, reader, pages, html = seed
    framework = rated.inspection.framework
    sha256 = hashlib.sha256((RULES_DIR / f"{framework}.yaml").read_bytes()).hexdigest()
    line = f'<p class="rules-line">Rated under the rules of the {rated.rules.name} framework, version 1.0 ' \
           f"(fingerprint {sha256}).</p>"
    assert line in html
    assert f'<meta name="rules-sha256" content="{sha256}">' in html
    assert f'<meta name="rules-framework" content="{framework}">' in html
    assert sha256 in "".join("".join(pages).split())  # the PDF's text may wrap the fingerprint
    assert (reader.metadata["/rulesframework"], reader.metadata["/rulesversion"],
            reader.metadata["/rulessha256"]) == (framework, "1.0", sha256)
    document = json.loads(json.dumps(result_to_json(slug, rated.result)))
    assert (document["framework"], document["rules_version"], document["rules_sha256"]) == (framework, "1.0", sha256)
