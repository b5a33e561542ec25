"""Rated figures -> small inline SVG bar charts with a text alternative (no scripts, no fonts)."""
from __future__ import annotations

from html import escape
from typing import Any, Optional, Sequence

from .formatting import format_percent

WIDTH = 520
LABEL_W = 180
BAR_H = 22
GAP = 12
TOP = 28
BOTTOM = 26

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


def _x(percent: float) -> float:
    return LABEL_W + (WIDTH - LABEL_W - 50) * max(0.0, min(100.0, percent)) / 100


def _svg(chart_id: str, title: str, desc: str, rows: list[tuple[str, float, Optional[str]]],
         thresholds: list[tuple[float, str]]) -> str:
    """Rows are (label, percent, band name as the scorer decided it)."""
    height = TOP + len(rows) * (BAR_H + GAP) + BOTTOM
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" font-family="DejaVu Sans, Arial, sans-serif" role="img" '
        f'aria-labelledby="{chart_id}-t" aria-describedby="{chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    axis_bottom = height - BOTTOM + 4
    for minimum, _name in thresholds:
        if minimum <= 0:
            continue
        x = _x(minimum)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP - 8}" x2="{x:.1f}" y2="{axis_bottom}" stroke="#444" '
            f'stroke-dasharray="4 3" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{TOP - 12}" font-size="11" text-anchor="middle" fill="#222">{minimum:g}%</text>'
        )
    for index, (label, percent, band) in enumerate(rows):
        y = TOP + index * (BAR_H + GAP)
        colour = _BAND_COLOURS.get(band or "", "#1f4e79")
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + BAR_H * 0.7:.1f}" font-size="13" text-anchor="end" fill="#111">'
            f"{escape(short)}</text>"
            f'<rect x="{LABEL_W}" y="{y}" width="{max(1.0, _x(percent) - LABEL_W):.1f}" height="{BAR_H}" fill="{colour}"/>'
            # A white backing keeps the value readable where a dashed band line crosses it.
            f'<rect x="{_x(percent) + 2:.1f}" y="{y + 3}" width="{len(format_percent(percent)) * 8 + 4}" '
            f'height="{BAR_H - 6}" fill="#fff"/>'
            f'<text x="{_x(percent) + 4:.1f}" y="{y + BAR_H * 0.7:.1f}" font-size="13" fill="#111">'
            f"{format_percent(percent)}</text>"
        )
    parts.append(
        f'<line x1="{LABEL_W}" y1="{TOP - 4}" x2="{LABEL_W}" y2="{axis_bottom}" stroke="#111" stroke-width="1"/>'
        f'<text x="{LABEL_W}" y="{height - 6}" font-size="11" fill="#222">0%</text>'
        f'<text x="{_x(100):.1f}" y="{height - 6}" font-size="11" text-anchor="end" fill="#222">100%</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


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


def theme_chart(theme_name: str, percent: float, descriptor: Optional[str], rules: Any) -> str:
    """One theme's case assessment score (and the scorer's descriptor) against the descriptor thresholds."""
    thresholds = [(band.min, band.descriptor.value) for band in rules.theme_bands]
    rows = [("Case assessment score", float(percent), descriptor)]
    lines = ", ".join(f"{name} from {minimum:g}%" for minimum, name in sorted(thresholds) if minimum > 0)
    slug = "".join(ch if ch.isalnum() else "-" for ch in theme_name.lower())
    title = f"Case assessment score for {theme_name}: {format_percent(percent)}"
    desc = f"{format_percent(percent)} of the work assessed was done well enough. Descriptor thresholds: {lines}."
    return _svg(f"chart-{slug}", title, desc, rows, thresholds)
