"""Rated figures -> small inline SVG bar charts with a text alternative (no scripts, no fonts).

Each row prints its label in full above its bar, so the chart stays legible when it is drawn
narrow: at a phone's 390 px the labels are about 13 px high.
"""
from __future__ import annotations

import textwrap
from html import escape
from typing import Any, Mapping, Optional, Sequence

from .formatting import format_percent

WIDTH = 400
BAR_LEFT = 2
BAR_RIGHT = 318          # room on the right for the figure printed after each bar
LABEL_SIZE = 15
LABEL_LINE = 18
LABEL_CHARS = 50         # characters of a label line at LABEL_SIZE within WIDTH (DejaVu Sans)
BAR_H = 18
ROW_GAP = 14
TOP = 24                 # room for the band thresholds' labels
BOTTOM = 22              # room for the axis labels
FILL = "#1f4e79"         # the report's accent: 8.6:1 against white
OUTLINE = "#595959"      # the extent of the relevant cases: 7:1 against white

_BAND_COLOURS = {
    "Outstanding": "#1d6b3a",
    "Good": "#4f9a3c",
    "Requires improvement": "#c47a00",
    "Inadequate": "#b3261e",
    "Not rated": "#6b6b6b",
    "Very good": "#1d6b3a",
    "Unsatisfactory": "#c47a00",
    "Poor": "#b3261e",
}


def _x(share: float) -> float:
    """A share of the whole (0-1) -> x of the bar's end."""
    return BAR_LEFT + (BAR_RIGHT - BAR_LEFT) * max(0.0, min(1.0, share))


def _label(text: str, y: float) -> tuple[str, float]:
    """The label's lines from `y` down -> (SVG text, y below it)."""
    lines = textwrap.wrap(text, LABEL_CHARS) or [""]
    spans = "".join(
        f'<tspan x="{BAR_LEFT}" y="{y + LABEL_SIZE + n * LABEL_LINE:.1f}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text font-size="{LABEL_SIZE}" fill="#111">{spans}</text>', y + len(lines) * LABEL_LINE + 4


def _open(chart_id: str, title: str, desc: str, height: float) -> list[str]:
    return [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" font-family="DejaVu Sans, Arial, sans-serif" role="img" '
        f'aria-labelledby="{chart_id}-t" aria-describedby="{chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def _row_heights(labels: Sequence[str]) -> list[float]:
    return [len(textwrap.wrap(label, LABEL_CHARS) or [""]) * LABEL_LINE + 4 + BAR_H + ROW_GAP for label in labels]


def _svg(chart_id: str, title: str, desc: str, rows: list[tuple[str, float, Optional[str]]],
         thresholds: list[tuple[float, str]]) -> str:
    """Percentage bars. Rows are (label, percent, band name as the scorer decided it)."""
    height = TOP + sum(_row_heights([label for label, _, _ in rows])) + BOTTOM
    parts = _open(chart_id, title, desc, height)
    axis_bottom = height - BOTTOM + 2
    for minimum, _name in thresholds:
        if minimum <= 0:
            continue
        x = _x(minimum / 100)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{axis_bottom:.1f}" stroke="#444" '
            f'stroke-dasharray="4 3" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{TOP - 10}" font-size="12" text-anchor="middle" fill="#222">{minimum:g}%</text>'
        )
    y = float(TOP)
    for label, percent, band in rows:
        text, y = _label(label, y)
        end = _x(percent / 100)
        value = format_percent(percent)
        parts.append(
            text
            + f'<rect x="{BAR_LEFT}" y="{y:.1f}" width="{max(1.0, end - BAR_LEFT):.1f}" height="{BAR_H}" '
            f'fill="{_BAND_COLOURS.get(band or "", FILL)}"/>'
            # A white backing keeps the value readable where a dashed band line crosses it.
            f'<rect x="{end + 2:.1f}" y="{y + 1:.1f}" width="{len(value) * 9 + 4}" height="{BAR_H - 2}" fill="#fff"/>'
            f'<text x="{end + 4:.1f}" y="{y + BAR_H - 4:.1f}" font-size="{LABEL_SIZE}" fill="#111">{value}</text>'
        )
        y += BAR_H + ROW_GAP
    parts.append(
        f'<line x1="{BAR_LEFT}" y1="{TOP - 2}" x2="{BAR_LEFT}" y2="{axis_bottom:.1f}" stroke="#111" stroke-width="1"/>'
        f'<text x="{BAR_LEFT}" y="{height - 6:.0f}" font-size="12" fill="#222">0%</text>'
        f'<text x="{_x(1):.1f}" y="{height - 6:.0f}" font-size="12" text-anchor="end" fill="#222">100%</text>'
        "</svg>"
    )
    return "".join(parts)


def drawn(rated: Any) -> bool:
    """Whether a report draws its charts: as its source says, else as its generation was published
    (the Full Joint Inspection reports had data summary charts; the standards reports have none)."""
    chosen = rated.inspection.charts
    return chosen if chosen is not None else rated.rules.family == "themes"


def kq_chart(standard_id: str, standard_name: str, key_questions: Sequence[Any], rules: Any) -> str:
    """Key-question percentages of one case-based standard against the rules' band thresholds."""
    kq_rules = {}
    rule_std = rules.standard(standard_id)
    if rule_std is not None:
        kq_rules = {kq.id: kq for kq in rule_std.key_questions}
    rows = []
    for kq in key_questions:
        if kq.percent is None:
            continue
        rule = kq_rules.get(kq.id)
        label = rule.short if rule is not None and rule.short else kq.text
        label = label[:1].upper() + label[1:]
        rows.append((label, float(kq.percent), kq.band.value if kq.band else None))
    thresholds = [(band.min, band.rating.value) for band in rules.bands]
    described = "; ".join(f"{label}: {format_percent(percent)}" for label, percent, _ in rows)
    lines = ", ".join(f"{name} from {minimum:g}%" for minimum, name in sorted(thresholds) if minimum > 0)
    # The title is what a PDF reader gets as the figure's alternative text, so it carries the figures.
    title = f"Key-question results for standard {standard_id} {standard_name}: {described}"
    desc = f"Bars show the percentage of relevant cases judged sufficient; dashed lines mark the bands: {lines}."
    return _svg(f"chart-{standard_id.replace('.', '-')}", title, desc, rows, thresholds)


def results_chart(chart_id: str, results: Sequence[Any], ph: Mapping[str, str], theme_name: str) -> str:
    """Selected questions' results as counts: each bar's outline is its relevant cases, its fill those done
    well enough, and the figures ('7 of 18') follow it. `ph` holds the phrases of the chart's words."""
    labels = [r.question for r in results]
    height = 8 + sum(_row_heights(labels))
    figures = "; ".join(ph["data_chart_row"].format(label=r.question, yes=r.yes, of=r.of) for r in results)
    parts = _open(chart_id, ph["data_chart_title"].format(theme=theme_name),
                  ph["data_chart_desc"].format(figures=figures), height)
    y = 4.0
    for result in results:
        text, y = _label(result.question, y)
        share = result.yes / result.of if result.of else 0.0
        parts.append(
            text
            + f'<rect x="{BAR_LEFT + .5}" y="{y + .5:.1f}" width="{BAR_RIGHT - BAR_LEFT - 1}" height="{BAR_H - 1}" '
            f'fill="#fff" stroke="{OUTLINE}" stroke-width="1"/>'
            + (f'<rect x="{BAR_LEFT}" y="{y:.1f}" width="{_x(share) - BAR_LEFT:.1f}" height="{BAR_H}" fill="{FILL}"/>'
               if result.yes else "")
            + f'<text x="{BAR_RIGHT + 6}" y="{y + BAR_H - 4:.1f}" font-size="{LABEL_SIZE}" fill="#111">'
            f'{escape(ph["data_chart_value"].format(yes=result.yes, of=result.of))}</text>'
        )
        y += BAR_H + ROW_GAP
    parts.append("</svg>")
    return "".join(parts)
