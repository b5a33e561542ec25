"""RatedInspection -> ReportView: every value the templates show, prepared in one pure pass.

Templates only format: section order, contents entries, recommendation numbers, prompt
percentages, charts and footnote citations all come from here and the view_* section modules.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any, Optional

from markupsafe import Markup

from ..rating.result import RatedInspection
from ..sources.model import Inspection, Recommendation
from .formatting import anchor, month_year, number_words
from .markdown import render_block, render_inline
from .view_annexes import annex_views
from .view_standards import domain_views, rating_key, ratings_rows
from .view_themes import star_slots, stars_key, summary_parts as theme_summary_parts, theme_views
from .view_types import ContentsEntry, Media, RecommendationGroupView, RecommendationItem, ReportView

STANDARDS_LAYOUT = [
    "cover", "contents", "front_matter", "foreword", "ratings", "executive_summary", "recommendations",
    "background", "role", "standards_note", "contextual_facts", "domains", "further_information", "annexes",
]
# Full Joint Inspection reports print the contents after the recommendations.
THEMES_LAYOUT = ["cover", "foreword", "executive_summary", "recommendations", "contents", "themes", "annexes"]


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


def _contents(rated: RatedInspection, sections: list[str], view: ReportView) -> list[ContentsEntry]:
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


def _alternative_formats_place(sections: list[str], colophon: bool) -> Optional[str]:
    """Where the offer of other formats is printed: in Further information, as published, else with the
    publisher's address (front matter or back page); None where the report prints neither."""
    for key in ("further_information", "front_matter"):
        if key in sections:
            return key
    return "colophon" if colophon else None


def build_view(rated: RatedInspection, media: Media = "screen") -> ReportView:
    """Everything the templates show for one report and medium."""
    insp = rated.inspection
    meta = insp.meta
    groups, intro = _recommendations(insp)
    summary_parts: list[Any] = list(insp.executive_summary.parts) if insp.executive_summary else []
    themed = rated.rules.family == "themes"
    if not summary_parts and themed:
        summary_parts = theme_summary_parts(rated)
    domains = domain_views(rated)
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
        ratings_rows=ratings_rows(rated),
        rating_key=rating_key(rated),
        recommendations=groups,
        recommendations_intro=intro,
        summary_parts=summary_parts,
        domains=domains,
        themes=theme_views(rated),
        star_slots=star_slots(rated.rules) if themed else 0,
        stars_key=stars_key(rated.rules) if themed else [],
        annexes=annex_views(rated, domains),
        copyright_year=meta.copyright_year or int(meta.published[:4]),
        created=_created(insp),
        colophon=bool(meta.back_page_lines) or (
            "front_matter" not in sections and (meta.isbn is not None or bool(meta.publisher.address))
        ),
    )
    view.contents = _contents(rated, sections, view)
    view.alternative_formats = _alternative_formats_place(sections, view.colophon)
    return view
