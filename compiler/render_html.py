"""RatedInspection -> one HTML document (screen or print) through the Jinja templates.

Templates only format: every derived value they show (section order, contents entries,
recommendation numbers, footnote numbers, prompt percentages, charts) is prepared here.
"""
from __future__ import annotations

import datetime as dt
import html as html_lib
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from . import chart
from .footnotes import SECTION_END, generated_citation, number_footnotes
from .formatting import RATING_CLASS, anchor, format_percent, month_year, number_words
from .markdown import FOOTNOTE_REF, footnote_placeholder, render_block, render_inline
from .model import (
    RATING_SCALE,
    Inspection,
    RatedInspection,
    RatedStandard,
    Rating,
    Recommendation,
    Standard,
    Theme,
)
from .view_types import (
    AnnexView,
    ContentsEntry,
    DomainView,
    KQView,
    Media,
    PlacedView,
    RatingsRow,
    RecommendationGroupView,
    RecommendationItem,
    ReportView,
    StandardView,
    ThemeView,
)

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

STANDARDS_LAYOUT = [
    "cover", "contents", "front_matter", "foreword", "ratings", "executive_summary", "recommendations",
    "background", "role", "standards_note", "contextual_facts", "domains", "further_information", "annexes",
]
# Full Joint Inspection reports print the contents after the recommendations.
THEMES_LAYOUT = ["cover", "foreword", "executive_summary", "recommendations", "contents", "themes", "annexes"]


# --------------------------------------------------------------------------- building the view


def _section_present(key: str, insp: Inspection, rated: RatedInspection) -> bool:
    present = {
        "cover": True,
        "contents": True,
        "front_matter": any(
            getattr(insp.front_matter, f) for f in ("acknowledgements", "role", "names_note", "licence")
        ) or insp.meta.isbn is not None,
        "foreword": insp.foreword is not None,
        "ratings": bool(rated.result.standards),
        "executive_summary": insp.executive_summary is not None or bool(
            insp.themes and any(t.summary for t in insp.themes)
        ),
        "recommendations": insp.recommendations is not None,
        "background": insp.background is not None,
        "role": insp.role is not None,
        "standards_note": insp.standards_note is not None,
        "contextual_facts": insp.contextual_facts is not None,
        "domains": bool(insp.domains),
        "themes": bool(insp.themes),
        "further_information": insp.further_information is not None,
        "annexes": bool(insp.annexes),
    }
    return present[key]


def _layout(rated: RatedInspection) -> list[str]:
    insp = rated.inspection
    default = THEMES_LAYOUT if rated.rules.family == "themes" else STANDARDS_LAYOUT
    order = list(insp.layout) if insp.layout else default
    return [key for key in order if _section_present(key, insp, rated)]


def _recommendations(insp: Inspection) -> tuple[list[RecommendationGroupView], Optional[Markup]]:
    recs = insp.recommendations
    if recs is None:
        return [], None
    groups, number = [], 0
    for group in recs.groups:
        items = []
        for item in group.items:
            number += 1
            if isinstance(item, Recommendation):
                text = item.text
                if item.owner:
                    body = text.rstrip()
                    stop = body.endswith(".")
                    text = f"{body[:-1] if stop else body} ({item.owner}){'.' if stop else ''}"
            else:
                text = item
            items.append(RecommendationItem(number, Markup(render_inline(text))))
        groups.append(RecommendationGroupView(group.addressee, items))
    if recs.intro:
        words = number_words(number)
        # A sentence may open with the number: 'Five recommendations ...'.
        intro = re.sub(r"(^|[.!?:]\s+)\{count_words\}", lambda m: m.group(1) + words.capitalize(), recs.intro)
        intro = intro.replace("{count_words}", words).replace("{count}", str(number))
    else:
        noun = "recommendation" if number == 1 else "recommendations"
        intro = f"This report makes {number_words(number)} {noun}."
    return groups, Markup(render_block(intro))


def _ratings_rows(rated: RatedInspection) -> list[RatingsRow]:
    rules, result = rated.rules, rated.result
    rows: list[RatingsRow] = []
    for domain in rules.domains:
        shown = []
        for std_rule in domain.standards:
            std = result.standard(std_rule.id)
            if std is None:
                continue
            if domain.optional and std.rating is Rating.NOT_RATED and not rules.show_unrated_in_table:
                continue
            # A rating reached through professional discretion says so in a footnote.
            rating_note = None
            if std.discretion and "ratings" in rated.inspection.discretion_notes:
                rating_note = generated_citation("discretion", std.id)
            shown.append(RatingsRow(
                "standard", f"{std.id} {std.name}", std.rating, RATING_CLASS[std.rating], rating_note=rating_note,
            ))
        if shown:
            note = None
            if not domain.counts_to_score:
                note = generated_citation("separate", domain.id)
            rows.append(RatingsRow("domain", f"{domain.id}. {domain.name}", note=note))
            rows.extend(shown)
    return rows


def _kq_views(source: Standard, rated_std: Optional[RatedStandard], rules_std) -> list[KQView]:
    by_id = {kq.id: kq for kq in source.key_questions}
    views = []
    if rated_std is not None and rated_std.key_questions:
        items = [(kq.id, kq.text, kq.percent, kq.yes, kq.of, kq.lowest) for kq in rated_std.key_questions]
    elif rules_std is not None:
        items = [(kq.id, kq.text, None, None, None, False) for kq in rules_std.key_questions]
    else:
        items = [(kq.id, kq.text or kq.id, kq.percent, kq.yes, kq.of, False) for kq in source.key_questions]
    bands = {kq.id: kq.band for kq in (rated_std.key_questions if rated_std else [])}
    rules_kqs = {kq.id: kq for kq in rules_std.key_questions} if rules_std else {}
    rated_prompts = {(kq.id, p.id): p for kq in (rated_std.key_questions if rated_std else []) for p in kq.prompts}
    for kq_id, text, percent, yes, of, lowest in items:
        src = by_id.get(kq_id)
        if src is not None and src.text:
            text = src.text
        prompts = []
        if src is not None:
            rule_prompts = {p.id: p.text for p in rules_kqs[kq_id].prompts} if kq_id in rules_kqs else {}
            for p in src.prompts:
                rated_prompt = rated_prompts.get((kq_id, p.id))
                pct = rated_prompt.percent if rated_prompt else None
                wording = p.text or rule_prompts.get(p.id, "")
                prompts.append({
                    "id": p.id,
                    "text": _after_where_applicable(wording) if p.where_applicable else wording,
                    "yes": p.yes,
                    "of": p.of,
                    "percent_text": format_percent(pct),
                    "where_applicable": p.where_applicable,
                })
        views.append(KQView(
            kq_id, text, percent, format_percent(percent), yes, of, lowest,
            src.footnote if src else None, src, prompts, band=bands.get(kq_id),
        ))
    return views


def _after_where_applicable(text: str) -> str:
    """A prompt's wording as it reads after 'Where applicable, ': 'Does ...' -> 'does ...'."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _table_style(source: Standard, kqs: list[KQView]) -> str:
    """The key-question table's columns: the author's choice, else what the data can fill."""
    if source.kq_table_style:
        return source.kq_table_style
    has_counts = bool(kqs) and kqs[0].of is not None
    return "counts" if source.kq_table_caption and has_counts else "percent"


def _completion(text: str, stem: str) -> str:
    """'Does planning focus on keeping the child safe?' under the stem 'Does planning focus on:'
    -> 'keeping the child safe?'; a text that does not start with the stem stays whole."""
    head = stem.rstrip().rstrip(":").rstrip()
    if head and text.lower().startswith(head.lower()):
        rest = text[len(head):].lstrip(" :,")
        if rest:
            return rest
    return text


def _discretion_text(rated_std: RatedStandard) -> Optional[Markup]:
    """The generated statement of a discretion decision, then the panel's reason (inline Markdown)."""
    decision = rated_std.discretion
    if decision is None:
        return None
    moved = "raised" if RATING_SCALE.index(decision.to) > RATING_SCALE.index(decision.from_) else "lowered"
    statement = (
        f"Professional discretion: the key-question results alone would rate this standard "
        f"‘{decision.from_.value}’. The inspection panel {moved} the rating to ‘{decision.to.value}’. "
    )
    return escape(statement) + Markup(render_inline(decision.reason.strip()))


def _standard_view(source: Standard, rated: RatedInspection) -> StandardView:
    rules_std = rated.rules.standard(source.id)
    rated_std = rated.result.standard(source.id)
    name = rated_std.name if rated_std else (rules_std.name if rules_std else source.id)
    statement = rated_std.statement if rated_std else (rules_std.statement if rules_std else "")
    case_based = bool(rated_std and rated_std.method == "case-based")
    rating = rated_std.rating if rated_std else source.rating
    notes = rated.inspection.discretion_notes
    kqs = _kq_views(source, rated_std, rules_std)
    has_figures = case_based and any(kq.percent is not None for kq in kqs)
    style = _table_style(source, kqs)
    stem = source.kq_table_caption if style == "split-stem" else None
    for kq in kqs:
        kq.row_text = _completion(kq.text, stem) if stem else kq.text
    chart_svg = None
    lowest_note = None
    if has_figures:
        chart_svg = Markup(chart.kq_chart(source.id, name, kqs, rated.rules))
        # A table without percentages marks no lowest figure in bold, so its note says less.
        kind = "lowest-unmarked" if style == "counts-only" else "lowest"
        lowest_note = generated_citation(kind, source.id)
    return StandardView(
        anchor=anchor("standard", source.id),
        heading=f"{source.id}. {name}",
        source=source,
        rated=rated_std,
        rating=rating,
        rating_class=RATING_CLASS.get(rating, "") if rating else "",
        statement=statement,
        case_based=has_figures,
        key_questions=kqs,
        chart=chart_svg,
        lowest_note=lowest_note,
        discretion_text=_discretion_text(rated_std) if rated_std and "standard" in notes else None,
        discretion_note=(
            generated_citation("discretion", source.id)
            if rated_std and rated_std.discretion and "annex" in notes else None
        ),
        table_style=style,
        table_stem=stem,
    )


def _domain_heading(domain_id: str, name: str, prefix: str) -> str:
    if not prefix:
        return f"{domain_id}. {name}"
    n = int(domain_id) if domain_id.isdigit() else 0
    return prefix.replace("{n_words}", number_words(n)).replace("{n}", domain_id) + name


def _domain_views(rated: RatedInspection) -> list[DomainView]:
    insp = rated.inspection
    views = []
    for domain in insp.domains:
        rule = next((d for d in rated.rules.domains if d.id == domain.id), None)
        name = rule.name if rule else domain.id
        # A domain not rated as a whole prints its heading and reason only, as published; the
        # ratings table still lists its standards.
        not_rated = bool(domain.not_rated_reason) and all(
            (rated.result.standard(s.id).rating if rated.result.standard(s.id) else s.rating) in (None, Rating.NOT_RATED)
            for s in domain.standards
        )
        standards = [] if not_rated else [_standard_view(s, rated) for s in domain.standards]
        trailing = []
        for section in domain.sections:
            placed = PlacedView(anchor("placed", domain.id, section.id or section.title), section)
            target = next((s for s in standards if s.source.id == section.after), None)
            (target.placed_after if target else trailing).append(placed)
        views.append(DomainView(
            anchor("domain", domain.id), domain.heading or _domain_heading(domain.id, name, insp.labels.domain_prefix),
            domain, standards, trailing, not_rated,
        ))
    return views


def _explanation(theme: Theme) -> list[dict]:
    parts = []
    for p_index, part in enumerate(theme.explanation, start=1):
        blocks, para = [], 0
        for block in part.paragraphs:
            number = None
            if hasattr(block, "text") or hasattr(block, "file"):
                para += 1
                number = f"{p_index}.{para}."
            blocks.append({"number": number, "block": block})
        parts.append({"heading": f"{p_index}. {part.title}", "blocks": blocks})
    return parts


def _theme_views(rated: RatedInspection) -> list[ThemeView]:
    rules, result = rated.rules, rated.result
    max_stars = max((b.stars for b in rules.theme_bands), default=4)
    views = []
    for number, theme in enumerate(rated.inspection.themes, start=1):
        rule = next((t for t in rules.themes if t.id == theme.id), None)
        rated_theme = result.theme(theme.id)
        name = theme.title or (rated_theme.name if rated_theme else (rule.name if rule else theme.id))
        percent = rated_theme.percent if rated_theme else None
        descriptor = rated_theme.descriptor if rated_theme else theme.descriptor
        views.append(ThemeView(
            anchor=anchor("theme", number),
            number=number,
            heading=f"Theme {number}: {name}",
            source=theme,
            percent_text=format_percent(percent) if percent is not None else None,
            descriptor=descriptor.value if descriptor else None,
            stars=rated_theme.stars if rated_theme else None,
            max_stars=max_stars,
            explanation=_explanation(theme),
            chart=(Markup(chart.theme_chart(name, percent, descriptor.value if descriptor else None, rules))
                   if percent is not None else None),
            name=name,
        ))
    return views


def _inspection_data(rated: RatedInspection, domains: list[DomainView]) -> list[dict]:
    """Blocks of the inspection-data annex, in domain order.

    'results': one table per domain, each standard with its statement and rating followed by its
    key questions and their % 'Yes' (2019 style); printed when the report keeps its key-question
    tables out of the body, or has no prompt results to show. 'prompts': a standard's prompt-level
    tables, one per key question (2022 style), wherever prompt results exist.
    """
    with_prompts = any(kq.prompts for d in domains for s in d.standards for kq in s.key_questions)
    kq_in_annex = rated.inspection.kq_tables == "annex"
    blocks = []
    for domain in domains:
        rule = next((d for d in rated.rules.domains if d.id == domain.source.id), None)
        name = rule.name if rule else domain.heading
        listed = [s for s in domain.standards if s.key_questions]
        if listed and (kq_in_annex or not with_prompts):
            blocks.append({
                "kind": "results", "heading": f"{domain.source.id}. {name}", "standards": listed,
                "case_based": any(s.case_based for s in listed),
            })
        for std in domain.standards:
            kqs = [kq for kq in std.key_questions if kq.prompts]
            if kqs:
                suffix = f" ({name.lower()})" if rule else ""
                blocks.append({"kind": "prompts", "heading": f"{std.heading}{suffix}", "key_questions": kqs})
    return blocks


def _rules_annex(rated: RatedInspection) -> dict:
    rules, result = rated.rules, rated.result
    known = {a.id: a.text for a in rules.assumptions}
    for holder in (rules.overall, rules.discretion, rules.min_cases):
        if holder is not None and holder.assumption is not None:
            known[holder.assumption.id] = holder.assumption.text
    bands = []
    for index, band in enumerate(rules.bands):
        upper = rules.bands[index - 1].min if index > 0 else None
        span = f"{band.min:g}%+" if upper is None else (
            f"below {upper:g}%" if band.min == 0 else f"{band.min:g}–{upper - 1:g}%"
        )
        bands.append({"label": band.label or "", "range": span, "rating": band.rating.value})
    overall, overall_scaled = [], []
    if rules.overall is not None:
        ordered = sorted(rules.overall.bands, key=lambda b: b.min)
        for index, band in enumerate(ordered):
            top = ordered[index + 1].min - 1 if index + 1 < len(ordered) else rules.overall.max
            overall.append({"range": f"{band.min}–{top}", "rating": band.rating.value})
        if result.max_score and result.max_score != rules.overall.max:
            overall_scaled = [{"range": f"{r.low}–{r.high}" if r.low != r.high else f"{r.low}", "rating": r.rating.value}
                              for r in result.overall_bands]
    theme_bands = []
    for index, band in enumerate(rules.theme_bands):
        upper = rules.theme_bands[index - 1].min if index > 0 else None
        span = f"{band.min:g}%+" if upper is None else (
            f"below {upper:g}%" if band.min == 0 else f"{band.min:g}–{upper - 1:g}%"
        )
        theme_bands.append({"range": span, "descriptor": band.descriptor.value, "stars": band.stars})
    discretion = None
    if rules.discretion is not None:
        d = rules.discretion
        discretion = [
            f"the lowest key-question result is within {d.boundary_margin:g} percentage points of a band boundary",
            *(["judging one case differently would change the band"] if d.one_case_change else []),
            f"the sample or sub-sample has {d.small_sample} cases or fewer",
        ]
    return {
        "name": rules.name,
        "bands": bands,
        "points": [{"rating": r.value, "points": p} for r, p in rules.points.items()],
        "overall": overall,
        "overall_max": rules.overall.max if rules.overall else None,
        "overall_scaled": overall_scaled,
        "score": result.score,
        "max_score": result.max_score,
        "theme_bands": theme_bands,
        "discretion": discretion,
        "discretion_max_bands": rules.discretion.max_bands if rules.discretion else None,
        "limits": [
            f"A ‘{lj.when.value}’ rating for standard {lj.standard} rules out an overall ‘{lj.blocks.value}’; "
            f"the overall rating is then ‘{lj.cap.value}’."
            for lj in rules.limiting_judgements
        ],
        "limits_applied": list(result.limits_applied),
        "min_cases": rules.min_cases.value if rules.min_cases else None,
        "assumptions": [known.get(a, a) for a in result.assumptions],
    }


def _annex_views(rated: RatedInspection, domains: list[DomainView]) -> list[AnnexView]:
    insp = rated.inspection
    themes = rated.rules.family == "themes"
    views = []
    for number, annex in enumerate(insp.annexes, start=1):
        sep = insp.labels.annex_separator if insp.labels.annex_separator is not None else (" " if themes else ": ")
        view = AnnexView(anchor("annex", number), f"{insp.labels.annex} {number}{sep}{annex.title}", annex)
        if annex.kind == "inspection-data":
            view.data = _inspection_data(rated, domains)
        elif annex.kind == "rules":
            view.rules = _rules_annex(rated)
        views.append(view)
    return views


def _contents(rated: RatedInspection, sections: list[str], view: "ReportView") -> list[ContentsEntry]:
    insp, labels = rated.inspection, rated.inspection.labels
    fixed = {
        "foreword": labels.foreword,
        "ratings": "Ratings",
        "executive_summary": labels.executive_summary,
        "recommendations": "Recommendations",
    }
    entries: list[ContentsEntry] = []
    for key in sections:
        if key in fixed:
            entries.append(ContentsEntry(anchor(key), fixed[key], 1))
        elif key in ("background", "role", "standards_note", "contextual_facts", "further_information"):
            section = getattr(insp, key)
            if section.in_contents:
                entries.append(ContentsEntry(anchor(key), section.title, 1))
        elif key == "domains":
            for domain in view.domains:
                if not domain.source.in_contents:
                    continue
                entries.append(ContentsEntry(domain.anchor, domain.heading, 1))
                for std in domain.standards:
                    entries.append(ContentsEntry(std.anchor, std.heading, 2))
                    entries.extend(
                        ContentsEntry(p.anchor, p.section.title, 2) for p in std.placed_after if p.section.in_contents
                    )
                entries.extend(
                    ContentsEntry(p.anchor, p.section.title, 2) for p in domain.trailing_sections if p.section.in_contents
                )
        elif key == "themes":
            entries.extend(ContentsEntry(t.anchor, t.heading, 1) for t in view.themes)
        elif key == "annexes":
            entries.extend(ContentsEntry(a.anchor, a.heading, 1) for a in view.annexes if a.source.in_contents)
    return entries


def _created(insp: Inspection) -> str:
    """Creation date for the PDF metadata: SOURCE_DATE_EPOCH if set, else the publication month.

    Never the wall clock, so the same sources always give the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{insp.meta.published}-01"


def _score_line(rated: RatedInspection) -> Optional[str]:
    result = rated.result
    if result.score is None:
        return None
    return rated.inspection.labels.score.replace("{score}", str(result.score)).replace(
        "{max_score}", str(result.max_score) if result.max_score is not None else ""
    )


def build_view(rated: RatedInspection, media: Media = "screen") -> ReportView:
    insp = rated.inspection
    meta = insp.meta
    groups, intro = _recommendations(insp)
    summary_parts: list[Any] = list(insp.executive_summary.parts) if insp.executive_summary else []
    if not summary_parts and rated.rules.family == "themes":
        summary_parts = [
            {"title": t.title or (rated.result.theme(t.id).name if rated.result.theme(t.id) else t.id), "body": t.summary}
            for t in insp.themes if t.summary
        ]
    domains = _domain_views(rated)
    sections = _layout(rated)
    view = ReportView(
        media=media,
        title=meta.report_title or f"{meta.title} {meta.area}",
        family=rated.rules.family,
        sections=sections,
        published=month_year(meta.published),
        fieldwork_started=month_year(meta.fieldwork.start),
        score_line=_score_line(rated),
        contents=[],
        ratings_rows=_ratings_rows(rated),
        recommendations=groups,
        recommendations_intro=intro,
        summary_parts=summary_parts,
        domains=domains,
        themes=_theme_views(rated),
        annexes=_annex_views(rated, domains),
        copyright_year=meta.copyright_year or int(meta.published[:4]),
        created=_created(insp),
        colophon=bool(meta.back_page_lines) or (
            "front_matter" not in sections and (meta.isbn is not None or bool(meta.publisher.address))
        ),
    )
    view.contents = _contents(rated, sections, view)
    return view


# --------------------------------------------------------------------------- Jinja


def _md(text: Optional[str]) -> Markup:
    return Markup(render_block(text)) if text else Markup("")


def _mdi(text: Optional[str]) -> Markup:
    return Markup(render_inline(text)) if text else Markup("")


_TAGS = re.compile(r"<[^>]+>")


def _plain(text: Optional[str]) -> str:
    """Inline Markdown as plain text (no tags, no footnote citations), e.g. for a hidden caption."""
    if not text:
        return ""
    return html_lib.unescape(_TAGS.sub("", FOOTNOTE_REF.sub("", render_inline(text))))


def _fn(key: Optional[str]) -> Markup:
    return Markup(footnote_placeholder(key)) if key else Markup("")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html", "j2", "svg"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=_md, mdi=_mdi, fn=_fn, plain=_plain, percent=format_percent, words=number_words)
    env.globals.update(SECTION_END=Markup(SECTION_END), rating_class=lambda r: RATING_CLASS.get(r, ""))
    return env


def render_html(rated: RatedInspection, *, media: Media = "screen") -> str:
    """The whole report as one HTML document; `media='print'` is the input for the PDF."""
    if media not in ("screen", "print"):
        raise ValueError(f"unknown media {media!r} (use 'screen' or 'print')")
    view = build_view(rated, media)
    template = _environment().get_template("report.html.j2")
    document = template.render(r=rated, i=rated.inspection, v=view, media=media)
    return number_footnotes(document, rated, media)
