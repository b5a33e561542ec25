"""A laid-out document -> the sections whose last page carries only a few lines, and the print
rules that set such a section a little closer so those lines join the page before.

Every major section starts on a new page, so each can be fitted on its own. `pdf.py` lays the
document out, asks `short_tails`, lays it out again with `closer_css` for those sections (one step
closer, then a second for those still long), and keeps a closer setting only where it saves the page. It reads WeasyPrint's layout (the
page boxes) but never imports WeasyPrint.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

SHORT = 0.25            # a last page filled less than this is a short tail
_MEASURED = ("LineBox", "TableRowBox", "BlockReplacedBox", "InlineReplacedBox")
_PLAIN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")  # usable as a CSS id selector as it stands


def _major_id(element: Any) -> str | None:
    """The id naming a major section: its own, else that of the first element inside it with one."""
    name = element.get("id") or next((e.get("id") for e in element.iter() if e.get("id")), None)
    return name if name and _PLAIN_ID.fullmatch(name) else None


def _page_sections_and_fill(page: Any) -> tuple[list[str], float]:
    """The major sections a page holds (in order) and how far down its body text reaches (0-1).
    Running heads, page numbers and the footnote area are not counted."""
    box = getattr(page, "_page_box", None)
    if box is None:  # a WeasyPrint without this layout: nothing is fitted
        return [], 1.0
    top, height = box.content_box_y(), box.height
    sections: list[str] = []
    bottom = top
    for child in box.children:
        if type(child).__name__ in ("MarginBox", "FootnoteAreaBox"):
            continue
        for inner in child.descendants():
            element = getattr(inner, "element", None)
            if element is not None and "major" in (element.get("class") or "").split():
                name = _major_id(element)
                if name and name not in sections:
                    sections.append(name)
            if type(inner).__name__ in _MEASURED:
                bottom = max(bottom, inner.position_y + inner.margin_height())
    return sections, (bottom - top) / height if height else 1.0


def section_pages(pages: Iterable[Any]) -> tuple[dict[str, int], dict[str, float]]:
    """Pages a major section spans, and how full its last page is."""
    spans: dict[str, int] = {}
    last_fill: dict[str, float] = {}
    for page in pages:
        sections, fill = _page_sections_and_fill(page)
        for name in sections:
            spans[name] = spans.get(name, 0) + 1
        if sections:
            last_fill[sections[-1]] = fill
    return spans, last_fill


def short_tails(pages: Iterable[Any]) -> list[str]:
    """Sections of more than one page whose last page is filled less than SHORT."""
    spans, last_fill = section_pages(pages)
    return [name for name, count in spans.items() if count > 1 and last_fill.get(name, 1.0) < SHORT]


def first_steps(pages: Iterable[Any]) -> dict[str, int]:
    """Each short-tailed section with the first step worth trying: the smallest whose rough saving
    (`GAIN`: a share of each page the section fills) would take in its last page; none where no step
    could, so that hopeless sections cost no layout."""
    spans, last_fill = section_pages(pages)
    steps = {}
    for name in short_tails(pages):
        length = spans[name] - 1 + last_fill[name]
        step = next((s for s in sorted(STEPS) if GAIN[s] * length + GAP_GAIN >= last_fill[name]), None)
        if step is not None:
            steps[name] = step
    return steps


# How much closer each step sets a section: line spacing, paragraph gaps, the gap above sub-headings;
# and, roughly, the share of each page it saves (measured on the example reports), with what the
# smaller gaps of a page or two save besides.
STEPS = {1: (1.33, ".7em", "1.5rem"), 2: (1.27, ".5em", "1.1rem")}
GAIN = {1: 0.05, 2: 0.15}
GAP_GAIN = 0.04


def closer_css(steps: Mapping[str, int]) -> str:
    """Print rules that set each section a little closer, by its step (1 or 2): lines 1.33 or 1.27
    apart (from 1.4), with smaller gaps between paragraphs and above sub-headings."""
    rules = []
    for name, step in steps.items():
        line, gap, above = STEPS[step]
        s = f"#{name}"
        rules.append(
            f"{s} p, {s} li, {s} blockquote, {s} td, {s} th {{ line-height: {line}; }}\n"
            f"{s} p {{ margin-top: {gap}; margin-bottom: {gap}; }}\n"
            f"{s} h3, {s} h4 {{ margin-top: {above}; }}\n"
        )
    return "".join(rules)
