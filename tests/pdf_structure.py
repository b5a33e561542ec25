"""A tagged PDF read back with pikepdf: its structure tree with each element's text, and the
accessibility problems found in it (what a PDF/UA checker and a screen reader would trip on).

`TaggedPdf(data).problems()` lists, in words, each failure of: tagged and marked, document
language, title shown, fonts embedded, figures with alternative text, tables with header cells,
each with a scope, and no cell headed by a row below it, page furniture (running heads, page numbers, leader dots)
as artifacts rather than content, link descriptions that say what the link says, links not nested
in links, headings that never skip a level, and symbols (stars) that would be read by their
Unicode names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import pikepdf

# Characters a screen reader reads by their Unicode names ("black star", "white star").
SYMBOLS = set("★☆✓✗●○■□◆◇")
LEADER = re.compile(r"\.{4,}|(?:\. ){4,}")
HEADING = re.compile(r"^/H([1-6])$")


@dataclass
class Element:
    """One structure element: its type, attributes, page and text (its own and its descendants')."""

    obj: pikepdf.Dictionary
    tag: str
    parent: Optional["Element"]
    children: list["Element"] = field(default_factory=list)
    mcids: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID) in reading order
    text: str = ""

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def attribute(self, name: str):
        """An attribute from the element's /A (a dictionary or an array of them)."""
        owners = self.obj.get("/A")
        if owners is None:
            return None
        for owner in owners if isinstance(owners, pikepdf.Array) else [owners]:
            if isinstance(owner, pikepdf.Dictionary) and name in owner:
                return owner[name]
        return None


def _to_unicode(font) -> dict[bytes, str]:
    """A font's ToUnicode CMap (bfchar and bfrange entries) as code bytes -> text."""
    table: dict[bytes, str] = {}
    stream = font.get("/ToUnicode")
    if stream is None:
        return table
    cmap = stream.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, flags=re.S):
        for src, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            table[bytes.fromhex(src)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, flags=re.S):
        for lo, hi, dst in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            width, start = len(lo) // 2, int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code.to_bytes(width, "big")] = chr(start + offset)
    return table


def _decode(data: bytes, font) -> str:
    table = font["table"]
    width = font["width"]
    return "".join(table.get(data[i:i + width], "\ufffd") for i in range(0, len(data), width))


class TaggedPdf:
    """The structure tree and the marked content of one PDF."""

    def __init__(self, data: bytes):
        import io

        self.pdf = pikepdf.open(io.BytesIO(data))
        self.page_index = {page.obj.objgen: n for n, page in enumerate(self.pdf.pages)}
        self.mcid_text: dict[tuple[int, int], str] = {}
        self.artifact_text: list[tuple[int, str]] = []
        self.untagged_text: list[tuple[int, str]] = []
        for n, page in enumerate(self.pdf.pages):
            self._read_content(n, page)
        self.elements: list[Element] = []
        root = self.pdf.Root.get("/StructTreeRoot")
        self.root = root
        self.reachable: set[tuple[int, int]] = set()
        if root is not None:
            for kid in self._kids(root):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    self._walk(kid, None, None)

    # ------------------------------------------------------------------ reading
    def _fonts(self, page) -> dict[str, dict]:
        fonts = {}
        for name, font in (page.Resources.get("/Font") or {}).items():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            width = 2 if font.get("/Subtype") == "/Type0" else 1
            fonts[name] = {"table": _to_unicode(font), "width": width, "font": font, "descendant": descendant}
        return fonts

    def _read_content(self, n: int, page) -> None:
        fonts = self._fonts(page)
        stack: list[tuple[str, Optional[int]]] = []
        font = None
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "BMC":
                stack.append((str(operands[0]), None))
            elif op == "BDC":
                props = operands[1]
                mcid = int(props["/MCID"]) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
                stack.append((str(operands[0]), mcid))
            elif op == "EMC":
                stack.pop()
            elif op == "Tf":
                font = fonts.get(str(operands[0]))
            elif op in ("Tj", "TJ", "'", '"'):
                strings = operands[-1] if op != "TJ" else [s for s in operands[0] if isinstance(s, pikepdf.String)]
                if op != "TJ":
                    strings = [strings]
                text = "".join(_decode(bytes(s), font) for s in strings) if font else ""
                if any(tag == "/Artifact" for tag, _ in stack):
                    self.artifact_text.append((n, text))
                else:
                    mcid = next((m for _, m in reversed(stack) if m is not None), None)
                    if mcid is None:
                        self.untagged_text.append((n, text))
                    else:
                        self.mcid_text[(n, mcid)] = self.mcid_text.get((n, mcid), "") + text

    def _kids(self, obj):
        kids = obj.get("/K")
        if kids is None:
            return []
        return list(kids) if isinstance(kids, pikepdf.Array) else [kids]

    def _walk(self, obj, parent: Optional[Element], page: Optional[int]) -> Element:
        if "/Pg" in obj:
            page = self.page_index.get(obj.Pg.objgen, page)
        element = Element(obj, str(obj.S), parent)
        self.reachable.add(obj.objgen)
        self.elements.append(element)
        parts = []
        for kid in self._kids(obj):
            if isinstance(kid, int):
                element.mcids.append((page, int(kid)))
                parts.append(self.mcid_text.get((page, int(kid)), ""))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                kid_page = self.page_index.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                element.mcids.append((kid_page, int(kid.MCID)))
                parts.append(self.mcid_text.get((kid_page, int(kid.MCID)), ""))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                child = self._walk(kid, element, page)
                element.children.append(child)
                parts.append(child.text)
        element.text = "".join(parts)
        return element

    def _parent_tree(self) -> dict[tuple[int, int], pikepdf.Object]:
        """(page index, MCID) -> the element the ParentTree names for it; StructParent n -> (-1, n)."""
        mapping = {}
        nums = []

        def collect(node):
            if "/Nums" in node:
                nums.extend(node.Nums)
            for kid in node.get("/Kids", []):
                collect(kid)

        collect(self.root.ParentTree)
        by_key = dict(zip(nums[::2], nums[1::2]))
        for n, page in enumerate(self.pdf.pages):
            key = page.obj.get("/StructParents")
            if key is not None and int(key) in by_key:
                for mcid, target in enumerate(by_key[int(key)]):
                    mapping[(n, mcid)] = target
        for key, target in by_key.items():
            mapping[(-1, int(key))] = target
        return mapping

    # ------------------------------------------------------------------ checks
    def problems(self) -> list[str]:
        found: list[str] = []
        for check in (self._document, self._fonts_embedded, self._figures, self._tables, self._artifacts,
                      self._links, self._headings, self._symbols):
            found.extend(check())
        return found

    def _document(self):
        root = self.pdf.Root
        if not (root.get("/MarkInfo") and bool(root.MarkInfo.get("/Marked"))) or self.root is None:
            yield "not tagged: no MarkInfo /Marked true or no structure tree"
        if not str(root.get("/Lang", "")).strip():
            yield "no document language (/Lang)"
        prefs = root.get("/ViewerPreferences")
        if not (prefs and bool(prefs.get("/DisplayDocTitle"))):
            yield "the viewer shows the file name, not the title (DisplayDocTitle)"
        if not str(self.pdf.docinfo.get("/Title", "")).strip():
            yield "no document title"

    def _fonts_embedded(self):
        seen = set()
        for n, page in enumerate(self.pdf.pages):
            for name, font in self._fonts(page).items():
                descriptor = font["descendant"].get("/FontDescriptor")
                key = font["font"].objgen
                if key in seen or font["font"].get("/Subtype") == "/Type3":
                    continue
                seen.add(key)
                if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    yield f"page {n + 1}: font {font['font'].get('/BaseFont')} is not embedded"

    def _figures(self):
        for element in self.elements:
            if element.tag == "/Figure" and not str(element.obj.get("/Alt", "")).strip():
                yield f"figure without alternative text: {element.text[:60]!r}"

    def _tables(self):
        ids = {}
        for element in self.elements:
            if element.tag == "/TH":
                scope = element.attribute("/Scope")
                if scope is None or str(scope) not in ("/Row", "/Column", "/Both"):
                    yield f"table header without a Scope: {element.text[:60]!r}"
                if "/ID" in element.obj:
                    ids[bytes(element.obj.ID)] = element
        for table in (e for e in self.elements if e.tag == "/Table"):
            tags = {e.tag for e in self._descendants(table)}
            if "/TD" in tags and "/TH" not in tags:
                yield f"table without header cells: {table.text[:60]!r}"
            # A cell's headers are in its own row or in rows above it, never in a row below.
            rows = {e.obj.objgen: i for i, e in enumerate(e for e in self._descendants(table) if e.tag == "/TR")}

            def row_of(element):
                return next((rows[a.obj.objgen] for a in element.ancestors() if a.obj.objgen in rows), None)

            for cell in self._descendants(table):
                if cell.tag != "/TD":
                    continue
                for header_id in cell.attribute("/Headers") or []:
                    header = ids.get(bytes(header_id))
                    if header is None or row_of(header) is None:
                        yield f"cell {cell.text[:40]!r} names a header outside its table"
                    elif row_of(header) > row_of(cell):
                        yield f"cell {cell.text[:40]!r} takes {header.text[:40]!r}, a row below it, as its header"

    @staticmethod
    def _descendants(element: Element):
        for child in element.children:
            yield child
            yield from TaggedPdf._descendants(child)

    def _artifacts(self):
        for n, text in self.untagged_text:
            if text.strip():
                yield f"page {n + 1}: text neither tagged nor an artifact: {text[:40]!r}"
        parents = self._parent_tree()
        orphans: dict[int, str] = {}
        for (n, mcid), text in self.mcid_text.items():
            target = parents.get((n, mcid))
            if target is None or target.objgen not in self.reachable:
                orphans[n] = orphans.get(n, "") + text
        for n, text in sorted(orphans.items()):
            yield (f"page {n + 1}: content tagged outside the structure tree, not an artifact "
                   f"(running head or page number?): {text.strip()[:40]!r}")
        for element in self.elements:
            # Read where the text is: in an element holding only text (its Spans, or none).
            if all(child.tag == "/Span" for child in element.children) and LEADER.search(element.text):
                yield f"leader dots tagged as text: {element.text.strip()[:50]!r}"

    def _links(self):
        parents = self._parent_tree()
        for n, page in enumerate(self.pdf.pages):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                contents = " ".join(str(annot.get("/Contents", "")).split())
                dest = str(annot.get("/Dest", ""))
                target = parents.get((-1, int(annot.StructParent))) if "/StructParent" in annot else None
                element = next((e for e in self.elements if target is not None and e.obj.objgen == target.objgen), None)
                text = " ".join(element.text.split()) if element else ""
                if not contents or contents == dest:
                    yield f"page {n + 1}: link described by {contents or 'nothing'!r}, not its text {text[:50]!r}"
                elif text and contents != text:
                    yield f"page {n + 1}: link described as {contents[:50]!r} but reads {text[:50]!r}"
        for element in self.elements:
            if element.tag == "/Link" and any(a.tag == "/Link" for a in element.ancestors()):
                yield f"link nested in a link: {element.text.strip()[:50]!r}"

    def _headings(self):
        previous = 0
        for element in self.elements:
            match = HEADING.match(element.tag)
            if match:
                level = int(match.group(1))
                if level > previous + 1:
                    yield f"heading level skipped: H{level} {element.text.strip()[:50]!r} after H{previous}"
                previous = level

    def _symbols(self):
        for element in self.elements:
            if any("/Alt" in e.obj or "/ActualText" in e.obj for e in (element, *element.ancestors())):
                continue
            own = "".join(self.mcid_text.get(key, "") for key in element.mcids)
            symbols = sorted(set(own) & SYMBOLS)
            if symbols:
                yield (f"symbols read by name ({''.join(symbols)}) without replacement text: "
                       f"{element.text.strip()[:50]!r}")

    # ------------------------------------------------------------------ for tests
    def with_lang(self) -> list[tuple[str, str]]:
        """(Lang, text) of every element that sets its own language."""
        return [(str(e.obj.Lang), " ".join(e.text.split())) for e in self.elements if "/Lang" in e.obj]
