"""A laid-out document -> the sections whose last page carries only a few lines, and the print
rules that set such a section a little closer so those lines join the page before.

Every major section starts on a new page, so each can be fitted on its own. `fit` takes the
document as first laid out, finds the short tails, and tries closer settings (one step, then a
second for those still long) on trial layouts that hold only the cover and the sections being
tried, which costs a fraction of a whole report's layout. It keeps a setting only where it saves
the page, lays the whole report out once more with those, and checks each saving held. It reads
WeasyPrint's layout (the page boxes) but never imports WeasyPrint: `pdf.py` passes the layout in.
"""
from __future__ import annotations

import copy
import re
from typing import Any, Callable, Iterable, Mapping

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


# A layout of the report: the document laid out with these closer steps, holding only the children
# of <main> at these places (every child when None; see `shown_only`).
Layout = Callable[[Mapping[str, int], "set[int] | None"], Any]


def fit(layout: Layout, root: Any) -> Any:
    """The report laid out as set, with its short tails taken in where a closer step saves a page:
    trial layouts of the sections alone choose the steps, one more whole layout applies them.
    `root` is the element tree of the HTML that `layout` lays out."""
    document = layout({}, None)
    trying = first_steps(document.pages)
    if not trying:
        return document
    before, _ = section_pages(document.pages)
    on_pages = _main_children_by_page(document.pages, root)
    on_pages_of = _pages_by_section(document.pages)
    chosen: dict[str, int] = {}
    while trying:  # the cover stays: the first page is set as a cover page
        shown = set(on_pages[0]).union(*(on_pages[n] for name in trying for n in on_pages_of[name]))
        after, _ = section_pages(layout(trying, shown).pages)
        following = {}
        for name, step in trying.items():
            if after.get(name, 0) < before[name]:
                chosen[name] = step
            elif step + 1 in STEPS:
                following[name] = step + 1
        trying = following
    if not chosen:
        return document
    document = None  # one whole layout held at a time (a long report's is hundreds of MB)
    fitted = layout(chosen, None)
    after, _ = section_pages(fitted.pages)
    held = {name: step for name, step in chosen.items() if after.get(name, 0) < before[name]}
    if held != chosen:  # a section set apart broke differently from the same section in the report
        fitted = None
        fitted = layout(held, None)
    return fitted


def shown_only(root: Any, shown: set[int]) -> Any:
    """A copy of the element tree `root` whose <main> holds only its children at the places (from 0)
    in `shown`. Only the elements on the way down to <main> are copied; the rest are shared, so the
    boxes of a layout of the copy point at the same elements as those of the whole report."""
    path = _path_to(root, lambda e: e.tag == "main" and e.get("id") == "main")
    if not path:
        return root
    copies = [copy.copy(element) for element in path]
    for parent, original, replacement in zip(copies, path[1:], copies[1:]):
        parent[list(parent).index(original)] = replacement
    copies[-1][:] = [child for n, child in enumerate(main_children(root)) if n in shown]
    return copies[0]


def _path_to(element: Any, wanted: Callable[[Any], bool]) -> list[Any]:
    """The elements from `element` down to the first (depth first) that is `wanted`, or []."""
    if wanted(element):
        return [element]
    for child in element:
        if isinstance(child.tag, str):
            found = _path_to(child, wanted)
            if found:
                return [element, *found]
    return []


def main_children(root: Any) -> list[Any]:
    """The elements directly inside <main id="main"> (comments left out), in order."""
    main = next((e for e in root.iter() if e.tag == "main" and e.get("id") == "main"), None)
    return [] if main is None else [child for child in main if isinstance(child.tag, str)]


def _main_children_by_page(pages: Iterable[Any], root: Any) -> list[set[int]]:
    """For each page, the places (from 0) of the children of <main> that show something on it."""
    owner = {id(e): n for n, child in enumerate(main_children(root)) for e in child.iter()}
    found = []
    for page in pages:
        box = getattr(page, "_page_box", None)
        inner = box.descendants() if box is not None else ()
        found.append({owner[id(b.element)] for b in inner if id(getattr(b, "element", None)) in owner})
    return found


def _pages_by_section(pages: Iterable[Any]) -> dict[str, list[int]]:
    """The pages (from 0) each major section shows on."""
    found: dict[str, list[int]] = {}
    for n, page in enumerate(pages):
        for name in _page_sections_and_fill(page)[0]:
            found.setdefault(name, []).append(n)
    return found
