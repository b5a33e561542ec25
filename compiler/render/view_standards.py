"""The standards reports' sections of the view: the ratings table, and each domain with its
standards, key questions, charts and generated notes."""
from __future__ import annotations

from typing import Optional

from markupsafe import Markup, escape

from ..rating.result import RatedInspection, RatedStandard
from ..sources.model import RATING_SCALE, Rating, Standard
from . import chart
from .footnotes import generated_citation
from .formatting import RATING_CLASS, anchor, format_percent, number_words
from .markdown import render_inline
from .view_types import DomainView, KQView, PlacedView, RatingsRow, StandardView


def ratings_rows(rated: RatedInspection) -> list[RatingsRow]:
    """The ratings table: each domain's row, then its standards' rows, in the rules' order."""
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


def rating_key(rated: RatedInspection) -> list[dict]:
    """The key beside the ratings table: each rating the rules give, best first, then 'Not rated' where the
    table shows it."""
    ratings = list(dict.fromkeys(band.rating for band in sorted(rated.rules.bands, key=lambda b: -b.min)))
    if any(row.rating is Rating.NOT_RATED for row in ratings_rows(rated)):
        ratings.append(Rating.NOT_RATED)
    return [{"rating": r.value, "class": RATING_CLASS[r], "star": r is Rating.OUTSTANDING} for r in ratings]


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
        if chart.drawn(rated):
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


def domain_views(rated: RatedInspection) -> list[DomainView]:
    """Each domain of the report with its standards and the sections placed among them."""
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
        for number, section in enumerate(domain.sections, start=1):
            # The section's place keeps its id unique (two ids or titles may slug alike: 'Dup!'
            # and 'dup', or titles in Greek script); its slug keeps it readable.
            placed = PlacedView(anchor("placed", domain.id, str(number), section.id or section.title), section)
            target = next((s for s in standards if s.source.id == section.after), None)
            (target.placed_after if target else trailing).append(placed)
        views.append(DomainView(
            anchor("domain", domain.id), domain.heading or _domain_heading(domain.id, name, insp.labels.domain_prefix),
            domain, standards, trailing, not_rated,
        ))
    return views
