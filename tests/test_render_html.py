"""render_html: the HTML read back for order, headings, tables, ratings, footnotes and charts."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from compiler.sources.model import Rating
from compiler.render.formatting import RATING_CLASS
from compiler.render.html import render_html
from compiler.render.view import build_view
from test_render_support import fixture_rated


class Page(HTMLParser):
    """A small DOM summary: headings, tables, text and attributes of interest."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[str, str]] = []
        self.tables: list[dict] = []
        self.elements: list[tuple[str, dict]] = []
        self._heading: list | None = None
        self._caption: list | None = None
        self._cell: list | None = None
        self._row: list | None = None
        self._strong = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag in ("h1", "h2", "h3", "h4"):
            self._heading = [tag, ""]
        elif tag == "table":
            self.tables.append({"caption": None, "rows": [], "class": attrs.get("class", "")})
        elif tag == "caption":
            self._caption = [""]
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._cell = [tag, attrs, "", False]
        elif tag == "strong":
            self._strong += 1

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3", "h4") and self._heading:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = " ".join(self._caption[0].split())
            self._caption = None
        elif tag in ("th", "td") and self._cell is not None:
            self._row.append(tuple(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None
        elif tag == "strong":
            self._strong -= 1

    def handle_data(self, data):
        if self._heading is not None:
            self._heading[1] += data
        if self._caption is not None:
            self._caption[0] += data
        if self._cell is not None:
            self._cell[2] += data
            if self._strong and data.strip():
                self._cell[3] = True


@pytest.fixture(scope="module")
def standards():
    return fixture_rated("standards")


@pytest.fixture(scope="module")
def page(standards):
    return Page(render_html(standards))


def _h2s(page: Page) -> list[str]:
    return [text for tag, text in page.headings if tag == "h2" and text not in ("Acknowledgements",) and
            not text.startswith(("The role of", "©", "Published by"))]


def test_sections_follow_the_standards_layout(page):
    assert _h2s(page) == [
        "Contents", "Foreword", "Ratings", "Executive summary", "Recommendations", "Background",
        "Contextual facts", "1. Organisational delivery", "2. Court disposals",
        "Annexe 1: Methodology", "Annexe 2: Inspection data", "Annexe 3: Rules applied",
    ]


def test_landmarks_skip_link_and_language(standards, page):
    tags = [tag for tag, _ in page.elements]
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in tags
    links = [a for tag, a in page.elements if tag == "a"]
    assert links[0].get("href") == "#main" and "skip-link" in links[0].get("class", "")
    html_attrs = next(a for tag, a in page.elements if tag == "html")
    assert html_attrs["lang"] == standards.inspection.meta.language
    assert not any(tag == "script" for tag in tags)


def test_every_table_has_a_caption_and_every_header_a_scope(page):
    assert page.tables
    for table in page.tables:
        assert table["caption"], table
        for row in table["rows"]:
            for tag, attrs, _text, _bold in row:
                if tag == "th":
                    assert attrs.get("scope") in ("row", "col", "rowgroup"), (table["caption"], row)


def test_ratings_table_shows_each_rating_as_text_with_its_colour(standards, page):
    table = next(t for t in page.tables if "ratings" in t["class"])
    cells = {row[0][2].strip(): row[1] for row in table["rows"] if len(row) == 2}
    for std in standards.result.standards:
        tag, attrs, text, _ = cells[f"{std.id} {std.name}"]
        assert re.sub(r"\d+$", "", text.strip()) == std.rating.value  # less any footnote number
        assert f"rating-{std.rating.value.lower().replace(' ', '-')}" in attrs["class"]
    texts = [" ".join(c[2].split()) for row in table["rows"] for c in row]
    result = standards.result
    assert f"Score {result.score}/{result.max_score}" in texts
    assert "Fieldwork started: January 2023" in texts
    assert cells["Overall rating"][2].strip() == result.overall.value


def test_optional_domain_rows_hidden_unless_rated(standards):
    rules = standards.rules
    extra = standards.result.standards[0].model_copy(update={
        "id": "4.1", "name": "Resettlement policy and provision", "domain": "4",
        "rating": Rating.NOT_RATED, "points": None, "counts_to_score": False,
    })
    result = standards.result.model_copy(update={"standards": [*standards.result.standards, extra]})
    hidden = Page(render_html(standards.model_copy(update={"result": result})))
    table = next(t for t in hidden.tables if "ratings" in t["class"])
    assert not any("4.1" in c[2] for row in table["rows"] for c in row)
    shown_rules = rules.model_copy(update={"show_unrated_in_table": True})
    shown = render_html(standards.model_copy(update={"result": result, "rules": shown_rules}))
    table = next(t for t in Page(shown).tables if "ratings" in t["class"])
    rows = [" ".join(c[2].split()) for row in table["rows"] for c in row]
    assert "4.1 Resettlement policy and provision" in rows and "Not rated" in rows
    assert "4. Resettlement" in " ".join(rows)


def test_lowest_key_question_percentage_is_bold_and_only_it(standards, page):
    for std in standards.result.standards:
        if std.method != "case-based":
            continue
        table = next(t for t in page.tables if t["caption"] == f"Key questions for {std.id}. {std.name}")
        body = [row for row in table["rows"] if row[0][0] == "th" and row[0][1].get("scope") == "row"]
        assert len(body) == len(std.key_questions)
        for row, kq in zip(body, std.key_questions):
            assert row[0][2].strip().startswith(kq.text)
            assert row[-1][2].strip().startswith(f"{kq.percent:.0f}%")
            assert row[-1][3] is kq.lowest


def test_lowest_key_question_footnote_on_each_rating_lead(standards):
    html = render_html(standards)
    leads = re.findall(r'<p class="rating-lead">Our rating<sup class="fnref" id="fnref-(\d+)">', html)
    case_based = [s for s in standards.result.standards if s.method == "case-based"]
    assert len(leads) == len(case_based)
    for number in leads:
        note = re.search(rf'<li id="fn-{number}" value="{number}">(.*?)</li>', html).group(1)
        assert "lowest key-question result" in note and "bold" in note


def test_lowest_key_question_footnote_points_to_prompts_only_where_there_are_some(standards):
    assert "Prompt-level results are in Annexe" in render_html(standards)
    insp = standards.inspection
    domains = [
        d.model_copy(update={"standards": [
            s.model_copy(update={"key_questions": [q.model_copy(update={"prompts": []}) for q in s.key_questions]})
            for s in d.standards]})
        for d in insp.domains
    ]
    without = standards.model_copy(update={"inspection": insp.model_copy(update={"domains": domains})})
    html = render_html(without)
    assert "lowest key-question result" in html and "Prompt-level results" not in html


def test_chart_bars_take_the_scorers_band(standards):
    from compiler.render.chart import _BAND_COLOURS

    def bar_colours(rated) -> list[str]:
        svg = re.findall(r"<svg.*?</svg>", render_html(rated), flags=re.S)[0]
        return re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="18" fill="(#[0-9a-f]+)"/>', svg)

    first = next(s for s in standards.result.standards if s.method == "case-based")
    assert bar_colours(standards) == [_BAND_COLOURS[kq.band.value] for kq in first.key_questions]
    # Whatever band the scorer gave is the colour drawn; the chart never re-bands a percentage.
    moved = [kq.model_copy(update={"band": Rating.NOT_RATED}) for kq in first.key_questions]
    standards_moved = [s.model_copy(update={"key_questions": moved}) if s is first else s
                       for s in standards.result.standards]
    result = standards.result.model_copy(update={"standards": standards_moved})
    assert set(bar_colours(standards.model_copy(update={"result": result}))) == {_BAND_COLOURS["Not rated"]}


def test_chart_has_a_text_alternative_with_each_percentage(standards):
    html = render_html(standards)
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    case_based = [s for s in standards.result.standards if s.method == "case-based"]
    assert len(svgs) == len(case_based)
    for svg, std in zip(svgs, case_based):
        assert 'role="img"' in svg and "aria-labelledby" in svg and "aria-describedby" in svg
        title = re.search(r"<title[^>]*>(.*?)</title>", svg).group(1)
        desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
        assert std.id in title
        for kq in std.key_questions:
            assert f"{kq.percent:.0f}%" in title
        for band in standards.rules.bands:
            if band.min > 0:
                assert f"{band.min:g}%" in desc
                assert f'>{band.min:g}%</text>' in svg


def test_footnotes_numbered_in_reading_order_and_listed_per_section(standards):
    html = render_html(standards)
    refs = [int(n) for n in re.findall(r'<sup class="fnref"(?: id="fnref-\d+")?><a href="#fn-(\d+)"', html)]
    firsts = list(dict.fromkeys(refs))
    assert firsts == list(range(1, len(firsts) + 1))
    listed = [int(n) for n in re.findall(r'<li id="fn-(\d+)"', html)]
    assert listed == firsts
    foreword = html[html.index('id="sec-foreword"'):html.index('id="sec-ratings"')]
    assert "The report covers work with children." in foreword  # its note ends its own section
    # The population note is cited in the background and again in the contextual facts' table caption:
    # a later section cites it as a note of its own, listed under that section, with the same text.
    pops = [int(n) for n in re.findall(r'<li id="fn-(\d+)" value="\d+">Population estimate', html)]
    assert len(pops) == 2 and all(refs.count(n) == 1 for n in pops)
    facts = html[html.index('id="sec-contextual-facts"'):]
    assert f'<li id="fn-{pops[1]}"' in facts[:facts.index("</aside>")]


def test_a_note_cited_twice_in_one_section_keeps_its_number(standards):
    insp = standards.inspection
    background = insp.background.model_copy(update={"body": "A small service.[^pop] Its youth population too.[^pop]"})
    html = render_html(fixture_rated("standards", background=background))
    section = html[html.index('id="sec-background"'):html.index('id="sec-contextual-facts"')]
    numbers = re.findall(r'<a href="#fn-(\d+)"', section)
    assert len(numbers) == 2 and numbers[0] == numbers[1]


def test_print_footnotes_float_at_the_citation(standards):
    html = render_html(standards, media="print")
    assert 'class="footnotes"' not in html
    assert html.count('<span class="footnote">The report covers work with children.</span>') == 1
    # The call is kept with the word before it, so it never starts a line of its own.
    assert 'small <span class="fn-keep">service.<span class="footnote">Population estimate' in html
    assert "float: footnote" in html


def test_recommendations_numbered_across_groups_with_count_sentence(standards):
    html = render_html(standards)
    section = html[html.index('id="sec-recommendations"'):]
    section = section[:section.index("</section>")]
    numbers = [int(n) for n in re.findall(r'<li value="(\d+)">', section)]
    total = sum(len(g.items) for g in standards.inspection.recommendations.groups)
    assert numbers == list(range(1, total + 1))
    assert "We make three recommendations (3 in all)." in section
    groups = standards.inspection.recommendations.groups
    assert section.index(groups[0].addressee) < section.index(groups[1].addressee)


def test_count_words_capitalised_at_the_start_of_a_sentence(standards):
    recs = standards.inspection.recommendations.model_copy(
        update={"intro": "{count_words} recommendations follow. We list {count_words} ({count})."}
    )
    html = render_html(fixture_rated("standards", recommendations=recs))
    assert "Three recommendations follow. We list three (3)." in html


def test_recommendations_without_intro_get_a_neutral_count_sentence(standards):
    recs = standards.inspection.recommendations.model_copy(update={"intro": None})
    html = render_html(fixture_rated("standards", recommendations=recs))
    assert "This report makes three recommendations." in html


def test_discretion_statement_generated_from_the_decision(standards):
    html = render_html(standards)
    decision = standards.result.standard("2.2").discretion
    statement = re.search(r'<p class="discretion">(.*?)</p>', html, flags=re.S).group(1)
    assert decision.from_.value in statement and decision.to.value in statement
    assert "raised" in statement


def test_discretion_reason_is_rendered_as_inline_markdown(standards):
    result = standards.result
    moved = [s.model_copy(update={"discretion": s.discretion.model_copy(
        update={"reason": "One case was **judged** <b>differently</b>."})}) if s.discretion else s
        for s in result.standards]
    html = render_html(standards.model_copy(update={"result": result.model_copy(update={"standards": moved})}))
    statement = re.search(r'<p class="discretion">(.*?)</p>', html, flags=re.S).group(1)
    assert "<strong>judged</strong>" in statement and "**" not in statement
    assert "&lt;b&gt;differently&lt;/b&gt;" in statement  # raw HTML stays text


def test_placed_sections_follow_their_standard_and_respect_in_contents(page):
    h3s = [text for tag, text in page.headings if tag == "h3"]
    assert h3s.index("1.1. Governance and leadership") < h3s.index(
        "Involvement of children and their parents or carers"
    ) < h3s.index("Diversity") < h3s.index("2.1. Assessment")
    contents = [a for tag, a in page.elements if tag == "a" and a.get("href", "").startswith("#sec-")]
    targets = [a["href"] for a in contents]
    assert any(t.startswith("#sec-placed-1-") and t.endswith("-diversity") for t in targets)
    assert not any(t.endswith("-involvement") for t in targets)


def test_contents_links_resolve_to_ids(page):
    ids = {a["id"] for _, a in page.elements if "id" in a}
    links = [a["href"][1:] for tag, a in page.elements if tag == "a" and a.get("href", "").startswith("#")]
    assert links and all(target in ids for target in links)
    assert len(ids) == len([a for _, a in page.elements if "id" in a]), "ids must be unique"


def test_blocks_render_quotes_examples_and_escape_raw_html(standards):
    html = render_html(fixture_rated(
        "standards",
        foreword=standards.inspection.foreword.model_copy(update={"body": "A <script>alert(1)</script> test"}),
    ))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<figure class="quote quote-child">' in html and "They listened to me." in html
    assert '<aside class="example example-practice-example"' in html


def test_inspection_data_annex_from_prompt_results(standards):
    html = render_html(standards)
    annex = html[html.index('id="sec-annex-2"'):html.index('id="sec-annex-3"')]
    source = standards.inspection.domains[1].standards[0].key_questions[0]
    rules_prompt = standards.rules.standard("2.1").key_questions[0].prompts[1]
    rated = standards.result.standard("2.1").key_questions[0].prompts[1]
    assert (rated.id, rated.yes, rated.of) == (source.prompts[1].id, source.prompts[1].yes, source.prompts[1].of)
    expected = f"{rated.percent:.0f}"
    assert re.search(rf"b\) {re.escape(rules_prompt.text)}</th><td class=\"num\">{expected}%</td>", annex.replace("&#39;", "'"))


def test_key_question_text_prints_as_plain_text_in_the_data_annex(standards):
    result = standards.result
    marked = [s.model_copy(update={"key_questions": [
        q.model_copy(update={"text": q.text + " *as written*"}) for q in s.key_questions]}) for s in result.standards]
    html = render_html(standards.model_copy(update={"result": result.model_copy(update={"standards": marked})}))
    annex = html[html.index('id="sec-annex-2"'):html.index('id="sec-annex-3"')]
    captions = re.findall(r"<caption>(.*?)</caption>", annex)
    assert captions and all(c.endswith("*as written*") for c in captions) and "<em>" not in annex


def test_rules_annex_generated_from_the_rules_file(standards):
    html = render_html(standards)
    annex = html[html.index('id="sec-annex-3"'):]
    for band in standards.rules.bands:
        assert band.label in annex
    for rating, points in standards.rules.points.items():
        assert re.search(rf"<th scope=\"row\">{rating.value}</th><td class=\"num\">{points}</td>", annex)
    assert f"score is {standards.result.score} out of {standards.result.max_score}" in annex


def test_rules_annex_prints_the_overall_bands_of_the_reports_own_maximum(standards):
    def overall_rows(html: str) -> list[tuple[str, str]]:
        annex = html[html.index('id="sec-annex-3"'):]
        return re.findall(r'<tr><th scope="row">(\d+(?:–\d+)?)</th><td>([A-Za-z ]+)</td></tr>', annex)

    I, RI, G, O = (r.value for r in (Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT, Rating.GOOD, Rating.OUTSTANDING))
    assert standards.rules.overall.max == standards.result.max_score == 9  # the fixture's bands start 0, 2, 5, 8
    published = overall_rows(render_html(standards))
    assert published == [("0–1", I), ("2–4", RI), ("5–7", G), ("8–9", O)]
    from compiler.rating.bands import overall_bands

    result = standards.result.model_copy(
        update={"max_score": 18, "score": 1, "overall_bands": overall_bands(18, standards.rules)})
    scaled = overall_rows(render_html(standards.model_copy(update={"result": result})))
    assert scaled == published + [("0–2", I), ("3–8", RI), ("9–14", G), ("15–18", O)]


def test_layout_and_labels_override_the_defaults(standards):
    labels = standards.inspection.labels.model_copy(update={"foreword": "Introduction", "annex": "Annex"})
    rated = fixture_rated("standards", layout=["cover", "ratings", "foreword", "annexes"], labels=labels)
    page = Page(render_html(rated))
    assert _h2s(page) == ["Ratings", "Introduction", "Annex 1: Methodology", "Annex 2: Inspection data",
                          "Annex 3: Rules applied"]


def test_draft_mark_only_on_drafts(standards):
    assert standards.inspection.status == "draft"
    assert 'class="draft-mark"' in render_html(standards)
    assert 'class="draft-mark"' in render_html(standards, media="print")
    final = render_html(fixture_rated("standards", status="final"))
    assert "draft-mark" not in final.split("<body", 1)[1]


def test_themes_layout_order_scores_and_stars():
    rated = fixture_rated("themes")
    html = render_html(rated)
    page = Page(html)
    assert _h2s(page) == [
        "Foreword", "Summary", "Recommendations", "Contents",
        "Theme 1: Reducing the likelihood of reoffending", "Theme 2: Governance",
        "Appendix 1 Glossary", "Appendix 2 Scoring approach",
    ]
    theme = rated.result.theme("reducing-reoffending")
    assert f"<strong>{theme.percent:.0f}%</strong>" in html
    # Stars fill five places, as the published table prints them, with their words for screen readers.
    star_rows = re.findall(
        r'<span class="star-glyphs" aria-hidden="true">([★☆]+)</span><span class="visually-hidden">(\d) stars? out of '
        r'(\d)</span>', html)
    theme_page = html[html.index('id="sec-theme-1"'):]
    [(glyphs, count, slots)] = [row for row in star_rows if row[0] in theme_page[:theme_page.index("</section>")]][:1]
    assert glyphs == "★" * theme.stars + "☆" * (5 - theme.stars) and (int(count), int(slots)) == (theme.stars, 5)
    # Summary parts come from each theme's summary when the source has no executive summary, under the
    # theme's descriptor and stars; a key to the stars opens the summary.
    summary = html[html.index('id="sec-executive-summary"'):html.index('id="sec-recommendations"')]
    assert "Overall, work to reduce reoffending was good." in summary
    assert f"<strong>{theme.descriptor.value}</strong> <span class=\"stars\">" in summary
    key = summary[summary.index('class="stars-key"'):summary.index("</aside>")]
    assert [(g.count("★"), int(n)) for g, n in re.findall(
        r'>([★☆]+)</span><span class="visually-hidden">(\d) stars?', key)] == [(4, 4), (3, 3), (2, 2), (1, 1)]
    assert "1 star out of 5" in key
    # The scoring appendix prints stars where the published table does, not digits.
    scoring = html[html.index("Case assessment score, descriptor and stars"):]
    assert re.search(r"<td>Very good</td><td><span class=\"stars\"><span class=\"star-glyphs\" "
                     r"aria-hidden=\"true\">★★★★☆</span>", scoring)
    # Numbered explanation paragraphs skip the boxed illustration.
    assert re.findall(r'<span class="para-number">([\d.]+)</span>', html) == ["1.1.", "1.2.", "2.1."]
    glossary = next(t for t in page.tables if t["caption"] == "Terms used in this report")
    term = rated.inspection.annexes[0].glossary[0]
    assert glossary["rows"][1][0][:3] == ("th", {"scope": "row"}, term.term)
    # FJI recommendations carry the owner in brackets before the full stop.
    assert "That the board sets local priorities (Chair of the Management Board)." in html


def test_unknown_media_is_refused(standards):
    with pytest.raises(ValueError):
        render_html(standards, media="paper")


def test_inspection_data_annex_lists_key_questions_when_no_prompt_results(standards):
    domains = []
    for domain in standards.inspection.domains:
        stds = [
            s.model_copy(update={"key_questions": [kq.model_copy(update={"prompts": []}) for kq in s.key_questions]})
            for s in domain.standards
        ]
        domains.append(domain.model_copy(update={"standards": stds}))
    html = render_html(standards.model_copy(update={
        "inspection": standards.inspection.model_copy(update={"domains": domains}),
    }))
    annex = html[html.index('id="sec-annex-2"'):html.index('id="sec-annex-3"')]
    page = Page(annex)
    # One table per domain, headed by the domain; each standard's row carries its rating.
    tables = [t for t in page.tables if "results-table" in t["class"]]
    headings = [h for tag, h in page.headings if tag == "h3"]
    domains = [d for d in standards.rules.domains if any(s.domain == d.id for s in standards.result.standards)]
    assert headings == [f"{d.id}. {d.name}" for d in domains] and len(tables) == len(domains)
    rows = [[c[2] for c in row] for t in tables for row in t["rows"]]
    for std in standards.result.standards:
        row = next(r for r in rows if r[0].startswith(f"{std.id}. {std.name} "))
        assert row[0].endswith(std.statement) and row[1].startswith(std.rating.value)  # a footnote call may follow
        for kq in std.key_questions:
            cells = next(r for r in rows if r[0] == f"{kq.id}. {kq.text}")
            if kq.percent is not None:
                assert cells[1].replace(" (lowest)", "") == f"{kq.percent:.0f}%"
                assert ("(lowest)" in cells[1]) == kq.lowest
    assert "Prompt" not in annex


def test_tables_without_a_caption_are_named_from_their_headings(standards):
    from compiler.sources.model import Section

    table = {"header": ["Gender[^pop]", "**Male**", "Female"], "rows": [["Service", "87%", "13%"]]}
    bare = {"rows": [["Lead inspector", "A. Name"]]}
    facts = Section.model_validate({"title": "Contextual facts", "body": [{"table": table}, {"table": bare}]})
    html = render_html(fixture_rated("standards", contextual_facts=facts))
    assert '<caption class="visually-hidden">Table: Gender, Male, Female</caption>' in html
    assert '<caption class="visually-hidden">Contextual facts</caption>' in html


def _with_standard(rated, standard_id: str, **update):
    """The rated fixture with one standard's source fields replaced."""
    domains = []
    for domain in rated.inspection.domains:
        standards = [s.model_copy(update=update) if s.id == standard_id else s for s in domain.standards]
        domains.append(domain.model_copy(update={"standards": standards}))
    return rated.model_copy(update={"inspection": rated.inspection.model_copy(update={"domains": domains})})


def _kq_table(page: Page, standard_heading: str) -> dict:
    return next(t for t in page.tables if "kq-table" in t["class"] and standard_heading in (t["caption"] or ""))


def test_split_stem_key_question_table_shows_the_stem_as_header_and_completions(standards):
    rated = _with_standard(standards, "2.2", kq_table_caption="Does planning focus on:", kq_table_style="split-stem")
    table = _kq_table(Page(render_html(rated)), "2.2")
    header, *rows = table["rows"]
    assert [cell[2] for cell in header] == ["Does planning focus on:", "% ‘Yes’"]
    assert [row[0][2] for row in rows] == [
        "supporting the child's desistance?", "keeping the child safe?", "keeping other people safe?",
    ]
    assert all(len(row) == 2 for row in rows)  # no count columns
    assert [row[1][2].replace(" (lowest)", "") for row in rows] == ["60%", "80%", "100%"]


def test_table_style_chooses_the_columns(standards):
    with_caption = _with_standard(standards, "2.1", kq_table_caption="Of the 5 cases inspected")
    counts = _kq_table(Page(render_html(with_caption)), "Of the 5 cases inspected")
    assert [c[2] for c in counts["rows"][0]] == ["Key question", "Relevant cases", "Number ‘Yes’", "% ‘Yes’"]
    percent_only = _with_standard(standards, "2.1", kq_table_caption="Of the 5 cases inspected", kq_table_style="percent")
    table = _kq_table(Page(render_html(percent_only)), "Of the 5 cases inspected")
    assert [c[2] for c in table["rows"][0]] == ["Key question", "% ‘Yes’"]


def test_domain_not_rated_as_a_whole_prints_heading_and_reason_only(standards):
    reason = "Too few cases qualified for this work to be rated."
    domains = [d.model_copy(update={"not_rated_reason": reason}) if d.id == "2" else d for d in standards.inspection.domains]
    result = standards.result.model_copy(update={"standards": [
        s.model_copy(update={"rating": Rating.NOT_RATED, "points": None, "discretion": None}) if s.domain == "2" else s
        for s in standards.result.standards
    ]})
    rated = standards.model_copy(update={
        "inspection": standards.inspection.model_copy(update={"domains": domains}), "result": result,
    })
    html = render_html(rated)
    domain = re.search(r'<section class="major domain[^"]*" id="sec-domain-2".*?</section>\n<section', html, flags=re.S)
    body = domain.group(0) if domain else html[html.index('id="sec-domain-2"'):]
    assert reason in body
    assert "sec-standard-2-1" not in html and 'class="statement"' not in body and 'class="rating ' not in body
    ratings = Page(html).tables[next(i for i, t in enumerate(Page(html).tables) if "ratings" in t["class"])]
    not_rated_rows = [row for row in ratings["rows"] if row[0][2].startswith("2.") and row[-1][2] == "Not rated"]
    assert len(not_rated_rows) == 2


def _section(html: str, anchor_id: str) -> str:
    start = html.index(f'id="{anchor_id}"')
    end = html.find('<section class="major', start)
    return html[start:end if end > 0 else len(html)]


def test_discretion_footnote_on_the_ratings_row(standards):
    html = render_html(standards)
    ratings = _section(html, "sec-ratings")
    decision = standards.result.standard("2.2").discretion
    row = re.search(r"<th scope=\"row\">2\.2 [^<]*</th><td[^>]*>([^<]*)<sup[^>]*><a href=\"#fn-(\d+)\"", ratings)
    assert row and row.group(1) == decision.to.value
    note = re.search(rf'<li id="fn-{row.group(2)}"[^>]*>(.*?)</li>', ratings, flags=re.S).group(1)
    assert "discretion" in note and decision.from_.value in note and decision.to.value in note
    # Standards rated from the data alone carry no such note.
    assert not re.search(r"<th scope=\"row\">2\.1 [^<]*</th><td[^>]*>[^<]*<sup", ratings)


def test_score_line_from_the_label_option(standards):
    score, top = standards.result.score, standards.result.max_score
    default = Page(render_html(standards))
    ratings = next(t for t in default.tables if "ratings" in t["class"])
    cells = [c[2] for row in ratings["rows"] for c in row]
    assert f"Score {score}/{top}" in cells
    labels = standards.inspection.labels.model_copy(update={"score": "{score}"})
    bare = Page(render_html(fixture_rated("standards", labels=labels)))
    ratings = next(t for t in bare.tables if "ratings" in t["class"])
    cells = [c[2] for row in ratings["rows"] for c in row]
    assert str(score) in cells and f"Score {score}/{top}" not in cells


def test_key_question_tables_can_stay_in_the_annex(standards):
    html = render_html(fixture_rated("standards", kq_tables="annex"))
    domain = _section(html, "sec-domain-2")
    assert "kq-table" not in domain and "<svg" not in domain and "rating-lead" not in domain
    annex = Page(html[html.index('id="sec-annex-2"'):])
    assert any("results-table" in t["class"] for t in annex.tables)
    assert any("prompt-table" in t["class"] for t in annex.tables)  # prompt results still follow
    body = render_html(standards)
    assert "kq-table" in _section(body, "sec-domain-2")


def test_annex_separator_option(standards):
    labels = standards.inspection.labels.model_copy(update={"annex": "Annex", "annex_separator": " – "})
    page = Page(render_html(fixture_rated("standards", labels=labels)))
    assert "Annex 1 – Methodology" in _h2s(page)


def test_after_table_text_follows_the_key_question_table(standards):
    summary = "The rating rests on keeping other people safe."
    rated = _with_standard(standards, "2.1", after_table=summary, narrative="Closing words for the standard.")
    html = render_html(rated)
    section = html[html.index('id="sec-standard-2-1"'):html.index('id="sec-standard-2-2"')]
    table_end = section.index("</table>")
    assert table_end < section.index(summary) < section.index('class="key-question"') < section.index("Closing words")


def test_key_question_and_prompt_captions_are_inline_markdown_with_footnotes(standards):
    rated = _with_standard(standards, "2.1", kq_table_caption="Of the *5* cases inspected[^scope]")
    kq = next(k for k in rated.inspection.domains[1].standards[0].key_questions if k.prompts)
    kqs = [k.model_copy(update={"prompts_caption": "Of the 5 cases[^pop]:"}) if k.id == kq.id else k
           for k in rated.inspection.domains[1].standards[0].key_questions]
    rated = _with_standard(rated, "2.1", key_questions=kqs)
    html = render_html(rated)
    caption = re.search(r'<table class="data kq-table[^"]*">\s*<caption>(.*?)</caption>', html, flags=re.S).group(1)
    assert "<em>5</em>" in caption and "[^scope]" not in caption
    number = re.search(r'<a href="#fn-(\d+)"', caption).group(1)
    assert re.search(rf'<li id="fn-{number}"[^>]*>The report covers work with children\.', html)
    prompt_caption = re.search(r'<table class="data prompt-table">\s*<caption>(.*?)</caption>', html, flags=re.S).group(1)
    number = re.search(r'<a href="#fn-(\d+)"', prompt_caption).group(1)
    assert re.search(rf'<li id="fn-{number}"[^>]*>Population estimate for the area\.', html)


def test_back_page_lines_print_above_the_address_with_their_language():
    rated = fixture_rated("themes")
    meta = type(rated.inspection.meta).model_validate({**rated.inspection.meta.model_dump(), "back_page_lines": [
        {"text": "Arolygiad ar y Cyd", "language": "cy"}, "A plain line",
    ]})
    html = render_html(fixture_rated("themes", meta=meta))
    back = html[html.index('id="sec-colophon"'):]
    welsh = back.index('<p class="back-page-line" lang="cy">Arolygiad ar y Cyd</p>')
    assert welsh < back.index('<p class="back-page-line">A plain line</p>') < back.index("<address>")


def test_theme_chart_follows_the_data_summary_lead_inside_one_block():
    rated = fixture_rated("themes")
    theme = rated.inspection.themes[0]
    blocks = [{"text": "Lead sentence about the chart."}, {"text": "A closing note."}]
    themes = [theme.model_copy(update={"data_summary": theme.model_validate(
        {**theme.model_dump(exclude_none=True), "data_summary": blocks}).data_summary})] + list(rated.inspection.themes[1:])
    html = render_html(fixture_rated("themes", themes=themes))
    summary = re.search(r'<div class="data-summary">(.*?)</div>\n', html, flags=re.S).group(1)
    assert summary.index("Data Summary") < summary.index("Lead sentence") < summary.index("<svg") < summary.index("A closing note")


def test_data_summary_chart_draws_each_selected_result_as_counts():
    rated = fixture_rated("themes")
    html = render_html(rated)
    [svg] = re.findall(r'<div class="data-summary">.*?(<svg.*?</svg>)', html, flags=re.S)
    results = rated.inspection.themes[0].data_chart
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg).group(1)
    for result in results:
        assert f"{result.question}: {result.yes} of {result.of}" in desc
        assert f">{result.yes} of {result.of}</text>" in svg
    # One outline per question; a fill only where some cases were done well enough, in proportion.
    assert svg.count('stroke="#595959"') == len(results)
    fills = [float(w) for w in re.findall(r'<rect x="2" y="[\d.]+" width="([\d.]+)" height="18" fill="#1f4e79"/>', svg)]
    assert fills == [pytest.approx(316 * 7 / 10, abs=0.1)]
    # Without selected results, or where the report asks for none, the theme has no chart.
    assert "<svg" not in render_html(fixture_rated("themes", charts=False))


def test_standards_reports_draw_no_charts_unless_they_ask(standards):
    assert "<svg" in render_html(standards)
    assert "<svg" not in render_html(fixture_rated("standards", charts=None))


def test_counts_only_key_question_table_has_counts_and_no_percentages(standards):
    rated = _with_standard(standards, "2.1", kq_table_caption="Of the 5 cases inspected", kq_table_style="counts-only")
    html = render_html(rated)
    table = _kq_table(Page(html), "2.1")
    header, *rows = table["rows"]
    assert [c[2] for c in header] == ["Of the 5 cases inspected", "Relevant cases", "Number ‘Yes’"]
    kqs = standards.result.standard("2.1").key_questions
    assert [[c[2].replace(" (lowest)", "") for c in row] for row in rows] == [
        [kq.text, str(kq.of), str(kq.yes)] for kq in kqs
    ]
    assert not any(c[3] for row in rows for c in row)  # nothing in bold
    # Its rating note does not point at a bold figure; a percentage table's note still does.
    section = _section(html, "sec-domain-2")
    notes = re.findall(r"lowest key-question result[^.<]*\.", section)
    assert "The standard's rating follows the band of its lowest key-question result." in html
    assert any("shown in bold" in n for n in notes)


def test_counts_only_prompt_tables_drop_letters_and_percentages(standards):
    standard = next(s for s in standards.inspection.domains[1].standards if s.id == "2.1")
    kqs = [kq.model_copy(update={"prompts_caption": f"Of the 5 cases for {kq.id}:"}) for kq in standard.key_questions]
    base = _with_standard(standards, "2.1", key_questions=kqs)
    lettered = Page(render_html(base))
    table = next(t for t in lettered.tables if t["caption"] == "Of the 5 cases for 2.1.3:")
    assert [c[2] for c in table["rows"][0]] == ["Prompt", "Relevant cases", "Number ‘Yes’", "% ‘Yes’"]
    assert table["rows"][1][0][2].startswith("a) Where applicable, ")
    rated = base.model_copy(update={"inspection": base.inspection.model_copy(update={"prompt_tables": "counts-only"})})
    page = Page(render_html(rated))
    table = next(t for t in page.tables if "prompt-table" in t["class"] and t["caption"] == "Of the 5 cases for 2.1.3:")
    header, row = table["rows"]
    assert [c[2] for c in header] == ["Of the 5 cases for 2.1.3:", "Relevant cases", "Number ‘Yes’"]
    text = standards.rules.standard("2.1").key_questions[2].prompts[0].text
    assert row[0][2] == "Where applicable, " + text[0].lower() + text[1:]
    assert [c[2] for c in row[1:]] == ["5", "4"]


def test_domain_heading_override_and_contents_listing(standards):
    domains = [
        d.model_copy(update={"in_contents": False}) if d.id == "1"
        else d.model_copy(update={"heading": "Court work"}) if d.id == "2" else d
        for d in standards.inspection.domains
    ]
    html = render_html(fixture_rated("standards", domains=domains))
    contents = html[html.index('id="sec-contents"'):html.index("</nav>")]
    assert 'href="#sec-domain-1"' not in contents and 'href="#sec-standard-1-1"' not in contents
    assert '<a href="#sec-domain-2">Court work</a>' in contents
    assert ("h2", "Court work") in Page(html).headings
    assert 'id="sec-domain-1"' in html  # the domain itself still prints


def test_standard_not_rated_reason_follows_its_intro(standards):
    rated = _with_standard(standards, "2.1", intro="Words that open the standard.", not_rated_reason="Why it has no rating.")
    html = render_html(rated)
    section = html[html.index('id="sec-standard-2-1"'):html.index('id="sec-standard-2-2"')]
    assert section.index('class="statement"') < section.index("Words that open") < section.index("Why it has no rating")


def test_discretion_notes_print_only_where_the_source_asks(standards):
    def parts(**update):
        html = render_html(fixture_rated("standards", kq_tables="annex", **update))
        annex = html[html.index('id="sec-annex-2"'):]
        badge = re.search(r'>2\.2\. Planning</span>.*?<td class="rating-cell [^"]*">(.*?)</td>', annex, flags=re.S).group(1)
        return (
            bool(re.search(r"<th scope=\"row\">2\.2 [^<]*</th><td[^>]*>[^<]*<sup", _section(html, "sec-ratings"))),
            'class="discretion"' in _section(html, "sec-domain-2"),
            "<sup" in badge,
        )
    assert parts() == (True, True, True)
    assert parts(discretion_notes=["ratings", "annex"]) == (True, False, True)
    assert parts(discretion_notes=[]) == (False, False, False)


def test_key_question_table_without_a_caption_is_named_for_screen_readers_only(standards):
    html = render_html(standards)
    section = _section(html, "sec-domain-2")
    assert '<caption class="visually-hidden">Key questions for 2.1. Assessment</caption>' in section
    captioned = render_html(_with_standard(standards, "2.1", kq_table_caption="Of the 5 cases inspected"))
    assert "<caption>Of the 5 cases inspected</caption>" in captioned
    # The table and its chart are kept in one block.
    block = re.search(r'<div class="kq-results">(.*?)</figure>\s*</div>', section, flags=re.S).group(1)
    assert "kq-table" in block and "<svg" in block


def test_theme_dividers_and_annexes_title_only_when_asked():
    plain = render_html(fixture_rated("themes"))
    assert 'class="theme-divider"' not in plain and 'class="annexes-title"' not in plain
    rated = fixture_rated("themes")
    labels = rated.inspection.labels.model_copy(update={"annexes_title": "Appendices"})
    html = render_html(fixture_rated("themes", theme_dividers=True, labels=labels))
    dividers = re.findall(r'<div class="theme-divider" aria-hidden="true"><p class="divider-name">(.*?)</p>'
                          r'<p class="divider-number">(\d+)</p></div>\s*<section class="major theme" id="sec-theme-(\d+)"', html)
    assert [(int(n), int(t)) for _, n, t in dividers] == [(i, i) for i in range(1, len(rated.inspection.themes) + 1)]
    assert html.count('class="annexes-title"') == 1
    assert html.index('class="annexes-title"') < html.index('id="sec-annex-1-h"')


def test_every_table_scrolls_in_a_named_region_the_keyboard_reaches(page):
    wrappers = [attrs for tag, attrs in page.elements if tag == "div" and "table-wrap" in attrs.get("class", "")]
    assert len(wrappers) == len(page.tables)
    for attrs in wrappers:
        assert (attrs.get("role"), attrs.get("tabindex")) == ("region", "0") and attrs.get("aria-label", "").strip()


def test_every_table_has_header_cells(page):
    for table in page.tables:
        assert any(cell[0] == "th" for row in table["rows"] for cell in row), table["caption"]


def test_a_figure_followed_by_what_it_counts_is_headed_by_its_last_cell():
    from compiler.render.html import environment
    from compiler.sources.model import Table

    blocks = environment().get_template("partials/blocks.html.j2").module
    rows = [["148", "First-time entrant rate"], ["167", "National rate"]]
    last = Page(str(blocks.table(Table(caption="Population information", rows=rows, row_headers="last"))))
    assert [[cell[0] for cell in row] for row in last.tables[0]["rows"]] == [["td", "th"], ["td", "th"]]
    assert last.tables[0]["rows"][0][1][1] == {"scope": "row"}
    first = Page(str(blocks.table(Table(rows=rows))))
    assert [[cell[0] for cell in row] for row in first.tables[0]["rows"]] == [["th", "td"], ["th", "td"]]
    neither = Page(str(blocks.table(Table(header=["Count", "What"], rows=rows, row_headers=False))))
    assert {cell[0] for row in neither.tables[0]["rows"][1:] for cell in row} == {"td"}


def _contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        colour = colour.lstrip("#")
        colour = "".join(c * 2 for c in colour) if len(colour) == 3 else colour
        channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_rating_fills_and_stars_have_text_contrast_in_html_and_pdf():
    from compiler.render.resources import TEMPLATES_DIR

    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6});", (TEMPLATES_DIR / "ratings.css").read_text()))
    light = {"good", "requires-improvement"}
    for rating in ("outstanding", "good", "requires-improvement", "inadequate", "not-rated"):
        text = colours["on-light-fill" if rating in light else "on-dark-fill"]
        assert _contrast(text, colours[rating]) >= 4.5, rating
    assert _contrast(colours["stars"], "#fff") >= 4.5
    # The light fills take the dark text, in the cells and badges and in the PDF's footnote calls.
    assert re.search(r"\.rating-cell\.rating-good, \.rating-cell\.rating-requires-improvement,\s*"
                     r"p\.rating\.rating-good, p\.rating\.rating-requires-improvement \{ color: var\(--on-light-fill\); \}", css)
    print_css = (TEMPLATES_DIR / "print.css").read_text(encoding="utf-8")
    assert (".rating-good .footnote::footnote-call, .rating-requires-improvement .footnote::footnote-call "
            "{ color: var(--on-light-fill); }") in print_css


def test_rating_key_follows_the_ratings_table(standards):
    html = render_html(standards)
    ratings = html[html.index('id="sec-ratings"'):html.index('id="sec-ratings"') + html[html.index('id="sec-ratings"'):].index("</section>")]
    key = ratings[ratings.index('class="rating-key"'):]
    assert ratings.index("</table>") < ratings.index('class="rating-key"')
    chips = re.findall(r'<li class="rating-chip rating-([a-z-]+)">([A-Za-z ]+)', key)
    expected = [band.rating for band in standards.rules.bands]
    assert [(c, name.strip()) for c, name in chips][:len(expected)] == [(RATING_CLASS[r], r.value) for r in expected]
    assert 'class="star-mark" aria-hidden="true"></span> The star marks an ‘Outstanding’ rating.' in key
    # 'Not rated' joins the key only where the table shows it.
    assert ("rating-chip rating-not-rated" in key) == any(
        row.rating is Rating.NOT_RATED for row in build_view(standards).ratings_rows)


def test_table_cells_may_break_after_a_slash_but_links_stay_whole():
    from compiler.render.html import _slash_breaks

    assert _slash_breaks(Markup("Race/ethnicity")) == "Race/<wbr>ethnicity"
    linked = Markup('<a href="https://example.org/a/b">parents/carers</a> 10/12')
    assert _slash_breaks(linked) == '<a href="https://example.org/a/b">parents/<wbr>carers</a> 10/12'
