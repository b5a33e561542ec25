"""URL -> resource for the PDF renderer: project templates, fonts and data: URIs only."""
from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .resources import FONTS_DIR, TEMPLATES_DIR

ALLOWED_ROOTS = (TEMPLATES_DIR, FONTS_DIR)


class FetchRefused(ValueError):
    """A URL outside the allowed roots (or of another scheme) was requested."""


def resolve_allowed(url: str) -> Path:
    """Map a file: URL to a path under an allowed root, or raise FetchRefused."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"refused to fetch {url!r} (only project templates and fonts may be read)")
    path = Path(unquote(parts.path)).resolve()
    if not any(path.is_relative_to(root) for root in ALLOWED_ROOTS):
        raise FetchRefused(f"refused to fetch {url!r} (outside the project's templates and fonts)")
    if not path.is_file():
        raise FetchRefused(f"refused to fetch {url!r} (no such file)")
    return path


@dataclass(frozen=True)
class Resource:
    """What the renderer receives for an allowed URL."""

    url: str
    data: bytes
    mime_type: str


def _data_uri(url: str) -> Resource:
    header, _, payload = url[5:].partition(",")
    mime, *params = header.split(";")
    raw = base64.b64decode(payload) if "base64" in params else unquote(payload).encode("utf-8")
    return Resource(url, raw, mime or "text/plain")


def fetch(url: str) -> Resource:
    """Serve allowed local files and data: URIs; refuse everything else with FetchRefused."""
    if url.startswith("data:"):
        return _data_uri(url)
    path = resolve_allowed(url)
    mime, _ = mimetypes.guess_type(path.name)
    if path.suffix in (".ttf", ".otf"):
        mime = f"font/{path.suffix[1:]}"
    return Resource(path.as_uri(), path.read_bytes(), mime or "application/octet-stream")
