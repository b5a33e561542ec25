"""The annexes of the view: the inspection-data tables and the rules the ratings followed."""
from __future__ import annotations

from ..rating.result import RatedInspection
from .formatting import anchor
from .view_themes import star_slots
from .view_types import AnnexView, DomainView


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


def _percent_ranges(minimums: list[float]) -> list[str]:
    """Band minimums, highest first -> '80%+', '65–79%', ..., 'below 50%'."""
    ranges = []
    for index, minimum in enumerate(minimums):
        upper = minimums[index - 1] if index > 0 else None
        ranges.append(f"{minimum:g}%+" if upper is None else
                      f"below {upper:g}%" if minimum == 0 else f"{minimum:g}–{upper - 1:g}%")
    return ranges


def _rules_annex(rated: RatedInspection) -> dict:
    rules, result = rated.rules, rated.result
    known = {a.id: a.text for a in rules.assumptions}
    for holder in (rules.overall, rules.discretion, rules.min_cases):
        if holder is not None and holder.assumption is not None:
            known[holder.assumption.id] = holder.assumption.text
    bands = [{"label": band.label or "", "range": span, "rating": band.rating.value}
             for band, span in zip(rules.bands, _percent_ranges([b.min for b in rules.bands]))]
    overall, overall_scaled = [], []
    if rules.overall is not None:
        ordered = sorted(rules.overall.bands, key=lambda b: b.min)
        for index, band in enumerate(ordered):
            top = ordered[index + 1].min - 1 if index + 1 < len(ordered) else rules.overall.max
            overall.append({"range": f"{band.min}–{top}", "rating": band.rating.value})
        if result.max_score and result.max_score != rules.overall.max:
            overall_scaled = [{"range": f"{r.low}–{r.high}" if r.low != r.high else f"{r.low}", "rating": r.rating.value}
                              for r in result.overall_bands]
    theme_bands = [{"range": span, "descriptor": band.descriptor.value, "stars": band.stars, "slots": star_slots(rules)}
                   for band, span in zip(rules.theme_bands, _percent_ranges([b.min for b in rules.theme_bands]))]
    discretion = None
    if rules.discretion is not None:
        d = rules.discretion
        discretion = [
            f"the lowest key-question result is within {d.boundary_margin:g} percentage points of the band "
            "boundary the rating would cross",
            *(["judging one case differently would put it in the band the panel chose"] if d.one_case_change else []),
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


def annex_views(rated: RatedInspection, domains: list[DomainView]) -> list[AnnexView]:
    """Each annex with its numbered heading; the inspection-data and rules annexes with their tables."""
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
