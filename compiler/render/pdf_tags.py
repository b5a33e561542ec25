"""WeasyPrint's PDF tags -> the tags a screen reader needs: a hook on each structure element, a finisher on the file.

WeasyPrint tags the PDF from the HTML boxes (`pdf_variant="pdf/ua-1"`) but leaves out what this
module adds, all taken from the HTML:

- an element's `lang` (a Welsh line in an English report), a header cell's `scope`, and the
  `aria-label` of a `role="img"` element (the theme stars) as its alternative text;
- the headers of each data cell by scope, where WeasyPrint gives a cell every heading above it
  (a full-width cell of a ratings table took each domain heading below it);
- one Link element per link, its annotations described by the link's text, where WeasyPrint nests
  a Link for each inline box of the link and describes each by its target ("sec-foreword");
- page furniture as artifacts, not content: the page margins (running heads, page numbers),
  leaders (contents dots) and `aria-hidden="true"` elements (the draft mark, theme dividers).

WeasyPrint has no public hook per element: `install()` wraps its `_build_box_tree` (the function
that makes the element of each box) once; the wrapper only adds to what it yields. `finish` is
WeasyPrint's public `finisher` hook; it turns the content no element holds into artifacts.
"""
from __future__ import annotations

import inspect
from typing import Any, Iterator

# The signature the hook is written for (WeasyPrint 70: weasyprint.pdf.tags._build_box_tree).
_PARAMETERS = ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"]
_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def install() -> bool:
    """Wrap WeasyPrint's element builder once; False (nothing changed) if its signature differs."""
    from weasyprint.pdf import tags

    current = getattr(tags, "_build_box_tree", None)
    if current is None:
        return False
    if getattr(current, "_adds_accessibility", False):
        return True
    if list(inspect.signature(current).parameters) != _PARAMETERS:
        return False
    tags._build_box_tree = _wrap(current)
    return True


def _wrap(original):
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.absolute import AbsolutePlaceholder

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, tags) -> Iterator[Any]:
        source = box._box if isinstance(box, AbsolutePlaceholder) else box
        elements = original(box, parent, pdf, page_number, nums, annotations, tags)
        if getattr(source, "element_tag", None) in ("html", "body") or isinstance(source, boxes.PageBox):
            yield from elements  # these pass their children's elements through
            return
        if _decoration(source):
            # Built (its content is mapped, as WeasyPrint requires) but left out of the tree:
            # `finish` then marks that content as an artifact.
            for _ in elements:
                pass
            return
        for element in elements:
            _describe(source, element)
            if element["S"] == "/Link" and parent["S"] != "/Link":
                _one_link(element, _text(source), pdf, nums, annotations)
            elif element["S"] == "/Table":
                _table_headers(source)
            yield element

    build_box_tree._adds_accessibility = True
    build_box_tree.original = original
    return build_box_tree


def _html(box):
    """The box's own HTML element (None for anonymous boxes and pseudo-elements)."""
    tag = getattr(box, "element_tag", None) or ""
    return None if box.element is None or "::" in tag else box.element


def _decoration(box) -> bool:
    element = _html(box)
    return bool(getattr(box, "is_leader", False)) or (element is not None and element.get("aria-hidden") == "true")


def _text(box) -> str:
    """The text a box shows, without its decoration."""
    from weasyprint.formatting_structure import boxes

    if _decoration(box):
        return ""
    if isinstance(box, boxes.TextBox):
        return box.text
    return "".join(_text(child) for child in getattr(box, "children", ()))


def _describe(box, element) -> None:
    import pydyf

    html = _html(box)
    if html is None:
        return
    if html.get("lang"):
        element["Lang"] = pydyf.String(html.get("lang"))
    if html.get("role") == "img" and html.get("aria-label"):
        element["Alt"] = pydyf.String(html.get("aria-label"))


def _scope(cell, in_head: bool) -> str:
    """A header cell's scope as HTML gives it; without one, a heading of its column in a table
    head and of its row elsewhere."""
    scope = (cell.element.get("scope") or "").lower()
    if scope in _SCOPES:
        return scope
    return "col" if in_head else "row"


def _object(pdf, reference):
    return pdf.objects[int(reference.split()[0])]


def _one_link(link, text: str, pdf, nums: dict, annotations: list) -> None:
    """Fold the Link elements nested in `link` into it, move every annotation of its boxes into
    it (a link annotation belongs directly to a Link element) and describe them by `text`."""
    import pydyf

    moved = set()  # elements whose annotations now belong to `link`
    annotation_kids = []

    def gather(element, into_link: bool) -> list:
        kids = []
        for kid in element["K"]:
            if isinstance(kid, int):
                if into_link:
                    nums[kid] = link.reference
                kids.append(kid)
                continue
            child = _object(pdf, kid)
            if child.get("Type") == "/OBJR":
                annotation_kids.append(kid)
                moved.add(element.reference)
            elif child.get("S") == "/Link":
                moved.add(child.reference)
                kids.extend(gather(child, True))
            else:
                if child.get("Type") == "/StructElem":
                    child["K"] = pydyf.Array(gather(child, False))
                    if into_link:
                        child["P"] = link.reference
                kids.append(kid)
        return kids

    link["K"] = pydyf.Array(gather(link, True) + annotation_kids)
    for index, (reference, annotation) in enumerate(annotations):
        if reference in moved:
            annotations[index] = (link.reference, annotation)
    description = " ".join(text.split())
    if description:
        for kid in annotation_kids:
            _object(pdf, _object(pdf, kid)["Obj"])["Contents"] = pydyf.String(description)


def _table_headers(box) -> None:
    """Each header cell's Scope, and each data cell's Headers: the header cells of its row, of its
    row group above it, and of its columns above it."""
    import pydyf

    table = box.get_wrapped_table() if getattr(box, "is_table_wrapper", False) else box
    if table is None:
        return
    cells = []  # (row, group, cell)
    headers = []  # (row, group, cell, scope)
    row_index = 0
    for group_index, group in enumerate(table.children):
        for row in getattr(group, "children", ()):
            for cell in getattr(row, "children", ()):
                if getattr(cell, "mark", None) is None or cell.element is None:
                    continue
                cells.append((row_index, group_index, cell))
                if cell.element.tag == "th":
                    scope = _scope(cell, group.element_tag == "thead")
                    cell.mark["A"]["Scope"] = _SCOPES[scope]
                    if "ID" in cell.mark:
                        headers.append((row_index, group_index, cell, scope))
            row_index += 1
    for r, g, cell in cells:
        if cell.element.tag != "td":
            continue
        rows = range(r, r + cell.rowspan)
        columns = range(cell.grid_x, cell.grid_x + cell.colspan)
        ids = []
        for hr, hg, header, scope in headers:
            header_rows = range(hr, hr + header.rowspan)
            header_columns = range(header.grid_x, header.grid_x + header.colspan)
            if scope == "row":
                applies = bool(set(rows) & set(header_rows))
            elif scope == "rowgroup":
                applies = hg == g and hr <= r
            else:  # col, colgroup
                applies = hr < r and bool(set(columns) & set(header_columns))
            if applies:
                ids.append(header.mark["ID"])
        cell.mark["A"]["Headers"] = pydyf.Array(ids)


def finish(document, pdf) -> None:
    """WeasyPrint finisher: content that no element of the structure tree holds (page margins,
    decoration) becomes an artifact, and its orphaned elements are emptied."""
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    document_element = _object(pdf, root["K"][0])
    reachable = set()

    def walk(element) -> None:
        reachable.add(element.number)
        for kid in element.get("K", ()):
            if not isinstance(kid, int):
                child = _object(pdf, kid)
                if child.get("Type") == "/StructElem":
                    walk(child)

    walk(document_element)
    nums = _object(pdf, root["ParentTree"])["Nums"]
    pages = [pdf.objects[number] for number in pdf.pages["Kids"][::3]]
    orphans = {}
    for page_index, page in enumerate(pages):
        mapping = nums[2 * page_index + 1]
        kinds = {}
        for mcid, reference in enumerate(mapping):
            element = _object(pdf, reference)
            if element.number in reachable:
                continue
            kinds[mcid] = _artifact_kind(pdf, element, reachable, document_element, orphans)
            mapping[mcid] = "null"
        if kinds:
            _mark_artifacts(_object(pdf, page["Contents"]), kinds)
    for element in orphans.values():
        element.clear()


def _artifact_kind(pdf, element, reachable, document_element, orphans) -> str:
    """/Pagination for content outside the page body (margins, a fixed mark), /Layout otherwise."""
    while True:
        orphans[element.number] = element
        parent = _object(pdf, element["P"])
        if parent.number in reachable or parent.get("Type") != "/StructElem":
            return "/Pagination" if parent is document_element else "/Layout"
        element = parent


def _mark_artifacts(stream, kinds: dict) -> None:
    import pydyf

    items = stream.stream
    for index, item in enumerate(items):
        if (isinstance(item, pydyf.Dictionary) and item.get("MCID") in kinds and index > 0
                and index + 1 < len(items) and items[index + 1] == b"BDC"):
            items[index - 1] = "/Artifact"
            items[index] = pydyf.Dictionary({"Type": kinds[item["MCID"]]})
