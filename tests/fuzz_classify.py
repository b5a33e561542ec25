"""What the fuzz harness accepts of one build: clean diagnostics, or an HTML document that is valid and safe.

Each check returns a list of (failure class, detail): empty when the outcome is acceptable. A
class names the kind of failure without the case's particulars, so a run can count them.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import tinyhtml5.parser

Finding = tuple[str, str]

# Elements that run, embed or redirect: none belongs in a report.
UNSAFE_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
# Elements whose URL the reader's browser fetches on its own when the page opens.
RESOURCE_ELEMENTS = {"img", "link", "iframe", "script", "source", "video", "audio", "embed", "object", "input",
                     "track", "image", "use", "picture", "frame"}
URL_ATTRIBUTES = {"src", "href", "srcset", "data", "poster", "action", "formaction", "xlink:href", "background",
                  "cite", "ping", "manifest"}
_SCRIPT_URL = re.compile(r"^(javascript|vbscript|livescript|data:text/html)", re.I)
_REMOTE = re.compile(r"^(https?:|//|\\\\)", re.I)
_CSS_REMOTE = re.compile(r"url\(\s*['\"]?\s*(https?:|//|file:)|@import|expression\(", re.I)


def unprintable(text: str) -> list[str]:
    """Control characters (C0, DEL, C1), lone surrogates and line/paragraph separators in `text`."""
    return sorted({c for c in text if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")})


def invisible(text: str) -> list[str]:
    """Format characters (zero-width, direction marks and overrides, byte order mark) in `text`."""
    return sorted({c for c in text if unicodedata.category(c) == "Cf"})


def _named(chars: list[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in chars)


def _line_count(path: Path) -> int | None:
    try:
        return len(path.read_bytes().decode("utf-8", "replace").splitlines()) + 1
    except OSError:
        return None


def check_diagnostics(diagnostics) -> list[Finding]:
    """Every diagnostic at a real file, line >= 1 and column >= 1 (within the file), its words printable."""
    findings: list[Finding] = []
    for d in diagnostics:
        span, code = d.span, d.code
        where = f"{span.path}:{span.line}:{span.column} [{code}] {d.message[:200]!r}"
        lines = _line_count(Path(span.path)) if span.path and Path(span.path).is_file() else None
        if lines is None:
            findings.append((f"diagnostic without a real file [{code}]", where))
        elif not (isinstance(span.line, int) and isinstance(span.column, int) and span.line >= 1 and span.column >= 1):
            findings.append((f"unpositioned diagnostic [{code}]", where))
        elif span.line > lines:
            findings.append((f"diagnostic past the end of its file [{code}]", where))
        words = "\n".join([d.message, *d.hints])
        if unprintable(d.message) or unprintable("".join(d.hints)):
            findings.append((f"control character in a diagnostic [{code}]", f"{_named(unprintable(words))}: {where}"))
        elif invisible(words):
            findings.append((f"invisible character in a diagnostic [{code}]", f"{_named(invisible(words))}: {where}"))
        try:
            d.format().encode("utf-8")
        except UnicodeError as exc:
            findings.append((f"unprintable diagnostic [{code}]", f"{exc}: {where}"))
    return findings


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def check_html(html: str) -> list[Finding]:
    """The document parses as HTML without errors and holds nothing that runs, fetches or reads local files."""
    findings: list[Finding] = []
    bad = [c for c in unprintable(html) if c not in "\t\n\r"]
    if bad:
        at = min(html.index(c) for c in bad)
        findings.append(("control character in HTML", f"{_named(bad)} near {html[max(0, at - 60):at + 20]!r}"))
    parser = tinyhtml5.parser.HTMLParser(namespace_html_elements=False)
    tree = parser.parse(html)
    errors = [e for e in parser.errors if e[1] != "invalid-codepoint"]
    if errors:
        (line, col), code, data = errors[0]
        findings.append(("HTML does not parse", f"{code} {data} at {line}:{col}"))
    ids: dict[str, int] = {}
    for element in tree.iter():
        tag = _local(element.tag)
        if tag in UNSAFE_ELEMENTS:
            findings.append((f"<{tag}> element in HTML", _snippet(element)))
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            findings.append(("<meta refresh> in HTML", _snippet(element)))
        if tag == "style" and _CSS_REMOTE.search(element.text or ""):
            findings.append(("remote or scripted CSS in HTML", (element.text or "")[:200]))
        for name, value in element.attrib.items():
            findings += _check_attribute(tag, _local(name), value, element)
            if _local(name) == "id":
                ids[value] = ids.get(value, 0) + 1
    twice = sorted(i for i, n in ids.items() if n > 1)
    if twice:
        findings.append(("duplicate element id in HTML", ", ".join(map(repr, twice[:5]))))
    return findings


def _check_attribute(tag: str, name: str, value: str, element) -> list[Finding]:
    found = []
    url = "".join(c for c in value if c > " ").lower()  # browsers skip whitespace and controls in URLs
    if name.startswith("on"):
        found.append(("event handler attribute in HTML", _snippet(element)))
    if name == "style" and _CSS_REMOTE.search(value):
        found.append(("remote or scripted CSS in HTML", _snippet(element)))
    if name in URL_ATTRIBUTES or name.endswith("href"):
        if _SCRIPT_URL.match(url):
            found.append(("script URL in HTML", _snippet(element)))
        if "file:" in url:
            found.append(("file:// reference in HTML", _snippet(element)))
        if tag in RESOURCE_ELEMENTS and (_REMOTE.match(url) or (name == "srcset" and re.search(r"https?:|//", url))):
            found.append((f"remote resource <{tag} {name}> in HTML", _snippet(element)))
    return found


def _snippet(element) -> str:
    attrs = " ".join(f'{k}="{v[:80]}"' for k, v in element.attrib.items())
    return f"<{_local(element.tag)} {attrs}>"[:300]


def check_pdf(data: bytes) -> list[Finding]:
    """A PDF file, whole: its header and its end-of-file marker."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return [("PDF is not a PDF file", repr(data[:40]))]
    return []
