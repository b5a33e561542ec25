"""Print HTML -> PDF bytes (WeasyPrint, imported only when a PDF is asked for)."""
from __future__ import annotations

import copy
import logging
from typing import Optional

from . import page_fit, pdf_tags
from .fetch import fetch
from .font_subsetting import same_subsets_everywhere
from .machine_notes import kind_of, machine_note

PDF_VARIANT = "pdf/ua-1"


class _Collector(logging.Handler):
    """Keeps WeasyPrint's log records: warnings about the report, and notes about the machine (one of a kind)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []
        self.notes: dict[str, str] = {}  # by WeasyPrint's message template, so once a kind (not a font)

    def emit(self, record: logging.LogRecord) -> None:
        kind = kind_of(record)
        if kind == "warning":
            self.messages.append(record.getMessage())
        elif kind == "note":
            self.notes.setdefault(str(record.msg), machine_note(record))


def _project_fetcher():
    """A WeasyPrint URL fetcher that reads only what `fetch.fetch` allows."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            resource = fetch(url)
            return URLFetcherResponse(resource.url, resource.data, {"Content-Type": resource.mime_type})

    return ProjectFetcher(allowed_protocols=("file", "data"))


def _fitted(source, options: dict, css):
    """The laid-out document, with each section whose last page would carry a few lines set a step or
    two closer where that saves the page (`page_fit`); every other section as the stylesheets set it."""
    def layout(steps, shown):
        closer = [css(string=page_fit.closer_css(steps))] if steps else []
        return _part(source, shown).render(**dict(options, stylesheets=closer))

    return page_fit.fit(layout, source.etree_element)


def _part(source, shown):
    """`source` holding only the children of <main> at the places in `shown` (all when None): a
    trial layout of a few sections then styles and lays out those alone."""
    if shown is None:
        return source
    part = copy.copy(source)
    part.etree_element = page_fit.shown_only(source.etree_element, shown)
    part.wrapper_element = type(source.wrapper_element).from_html_root(part.etree_element, content_language=None)
    return part


def render_pdf(html: str, base_url: str, *, warnings: Optional[list[str]] = None,
               notes: Optional[list[str]] = None) -> bytes:
    """Lay out `html` (rendered with media='print') as a tagged A4 PDF.

    `base_url` is where relative URLs in the HTML resolve (the templates directory); only
    project templates, fonts and data: URIs can be read. WeasyPrint's warnings (unsupported
    CSS, refused fetches) are appended to `warnings` when a list is given; its notes about the
    machine (a library to install) to `notes`. The fonts are subset the same way on every machine
    (see font_subsetting), so the bytes depend on the inputs only.
    """
    import weasyprint  # heavy: HTML-only builds never pay for it

    tagged = pdf_tags.install()
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    with same_subsets_everywhere():  # one render at a time: the logger is the whole process's too
        previous_propagate = logger.propagate
        logger.addHandler(collector)
        logger.propagate = False
        try:
            source = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_project_fetcher())
            # custom_metadata: the rules' framework, version and fingerprint (meta tags) go into the PDF's metadata
            options = dict(weasyprint.DEFAULT_OPTIONS, pdf_variant=PDF_VARIANT, uncompressed_pdf=False,
                           custom_metadata=True)
            document = _fitted(source, options, weasyprint.CSS)
            pdf = document.write_pdf(finisher=pdf_tags.finish if tagged else None, **options)
        finally:
            logger.removeHandler(collector)
            logger.propagate = previous_propagate
    if warnings is not None:
        warnings.extend(collector.messages)
        if not tagged:
            warnings.append(f"this WeasyPrint ({weasyprint.__version__}) is not the version the PDF tagging was "
                            "written for: the PDF lacks languages, table scopes, link descriptions and artifacts")
    if notes is not None:
        notes.extend(collector.notes.values())
    return pdf


def load_renderer() -> None:
    """Import WeasyPrint now (a build worker does it once, before its first report)."""
    import weasyprint  # noqa: F401
