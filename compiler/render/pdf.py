"""Print HTML -> PDF bytes (WeasyPrint, imported only here and only when a PDF is asked for)."""
from __future__ import annotations

import logging
from typing import Optional

from .fetch import fetch

PDF_VARIANT = "pdf/ua-1"


class _Collector(logging.Handler):
    """Keeps WeasyPrint's log records so they can be reported as build warnings."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _project_fetcher():
    """A WeasyPrint URL fetcher that reads only what `fetch.fetch` allows."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            resource = fetch(url)
            return URLFetcherResponse(resource.url, resource.data, {"Content-Type": resource.mime_type})

    return ProjectFetcher(allowed_protocols=("file", "data"))


def render_pdf(html: str, base_url: str, *, warnings: Optional[list[str]] = None) -> bytes:
    """Lay out `html` (rendered with media='print') as a tagged A4 PDF.

    `base_url` is where relative URLs in the HTML resolve (the templates directory); only
    project templates, fonts and data: URIs can be read. WeasyPrint's warnings (unsupported
    CSS, refused fetches) are appended to `warnings` when a list is given.
    """
    import weasyprint  # heavy: HTML-only builds never pay for it

    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    previous_propagate = logger.propagate
    logger.addHandler(collector)
    logger.propagate = False
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=_project_fetcher())
        pdf = document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False, custom_metadata=True)
    finally:
        logger.removeHandler(collector)
        logger.propagate = previous_propagate
    if warnings is not None:
        warnings.extend(collector.messages)
    return pdf
