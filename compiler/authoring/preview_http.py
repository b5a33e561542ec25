"""HTTP requests -> the preview's answers: the current page, its assets, diagnostics, the PDF, reload events."""
from __future__ import annotations

import html
import mimetypes
import re
import select
import threading
import time
import traceback
from http import HTTPStatus
from urllib.parse import unquote, urlsplit

from .preview_builds import PreviewBuilds, Snapshot
from .preview_pages import diagnostics_page, simple_page
from .preview_pool import WORKERS, HeadReadHandler

KEEPALIVE_SECONDS = 10.0
REQUEST_TIMEOUT_SECONDS = 10.0  # a client silent this long, while sending or receiving, is disconnected
EVENT_STREAMS = WORKERS // 2  # open pages with live reload; the other workers stay free for requests
SLOT_WAIT_SECONDS = 1.0  # how long a new event stream waits for a free one
GONE_CHECK_SECONDS = 0.5  # how often an event stream checks that its page is still there
MAX_PATH_CHARS = 2048  # longer request paths are refused; no file of a build has a name near this
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def handler_for(preview_builds: PreviewBuilds) -> type[HeadReadHandler]:
    """A handler class bound to one inspection's builds (http.server makes a handler per request)."""

    class Handler(PreviewHandler):
        builds = preview_builds
        timeout = REQUEST_TIMEOUT_SECONDS
        event_slots = threading.BoundedSemaphore(EVENT_STREAMS)

    return Handler


def request_route(raw: str) -> str | None:
    """The decoded path of a request, or None if it is malformed: too long, a bad %-escape, not UTF-8,
    a control character (NUL included) or a backslash. Paths with `..` are left to the asset check."""
    if len(raw) > MAX_PATH_CHARS:
        return None
    path = urlsplit(raw).path
    if _BAD_ESCAPE.search(path):
        return None
    try:
        route = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(route) or "\\" in route:
        return None
    return route


class PreviewHandler(HeadReadHandler):
    builds: PreviewBuilds
    event_slots: threading.BoundedSemaphore
    server_version = "inspection-preview"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        """Quiet: the preview logs builds, not requests."""

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._dispatch(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch(head=False)

    def _dispatch(self, *, head: bool) -> None:
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, b"forbidden host\n", "text/plain; charset=utf-8", head)
            return
        route = request_route(self.path)
        if route is None:
            self._send(HTTPStatus.BAD_REQUEST, b"bad request path\n", "text/plain; charset=utf-8", head)
            return
        builds = self.builds
        snapshot = builds.snapshot
        if route == "/events" and not head:
            self._events()
        elif route in ("/", "/index.html"):
            self._send(HTTPStatus.OK, snapshot.page, "text/html; charset=utf-8", head)
        elif route == "/diagnostics":
            page = diagnostics_page(builds.folder.name, snapshot.diagnostics, snapshot.epoch)
            self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8", head)
        elif route == "/pdf":
            self._pdf(head)
        else:
            self._asset(route, snapshot, head)

    def _host_allowed(self) -> bool:
        """Refuse other host names, so a web page cannot reach the preview by DNS rebinding."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        return host in ("127.0.0.1", "localhost", "")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, head: bool, extra: dict | None = None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _asset(self, route: str, snapshot: Snapshot, head: bool) -> None:
        """A file of the last good build (CSS, images, fonts), never outside its folder."""
        if snapshot.site is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", head)
            return
        root = snapshot.site.resolve()
        if ".." in route.split("/"):  # never a file of the build, so not looked up at all
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", head)
            return
        try:
            target = (root / route.lstrip("/")).resolve()
            found = target.is_relative_to(root) and target.is_file()
        except (OSError, ValueError):  # a name the file system cannot hold
            found = False
        if not found:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", head)
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, target.read_bytes(), content_type, head)

    def _pdf(self, head: bool) -> None:
        builds = self.builds
        try:
            pdf, diagnostics = builds.build_pdf()
        except Exception:
            trace = f"<pre>{html.escape(traceback.format_exc())}</pre>"
            page = simple_page("PDF build failed", trace, builds.snapshot.epoch)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, page.encode("utf-8"), "text/html; charset=utf-8", head)
            return
        if pdf is None:
            title = f"{builds.folder.name}: the PDF cannot be built"
            page = diagnostics_page(builds.folder.name, diagnostics, builds.snapshot.epoch, title=title)
            self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8", head)
            return
        disposition = {"Content-Disposition": f'inline; filename="{pdf.name}"'}
        self._send(HTTPStatus.OK, pdf.read_bytes(), "application/pdf", head, disposition)

    def _events(self) -> None:
        """Server-sent events, while fewer than EVENT_STREAMS are open; otherwise 503."""
        if not self.event_slots.acquire(timeout=SLOT_WAIT_SECONDS):  # a reloading page frees its old slot
            body = b"too many pages open on the preview: close some tabs and reload\n"
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, body, "text/plain; charset=utf-8", False)
            return
        try:
            self._stream_epochs()
        finally:
            self.event_slots.release()

    def _stream_epochs(self) -> None:
        """The current build epoch now and after every rebuild, until the page goes away."""
        builds = self.builds
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = None
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            written = time.monotonic()
            while not builds.stopping and not self._client_gone():
                epoch = builds.wait_for_epoch(seen, GONE_CHECK_SECONDS)
                if builds.stopping:
                    break
                if epoch != seen:
                    self.wfile.write(f"event: epoch\ndata: {epoch}\n\n".encode())
                    seen = epoch
                elif time.monotonic() - written >= KEEPALIVE_SECONDS:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    continue
                self.wfile.flush()
                written = time.monotonic()
        except (ConnectionError, TimeoutError):  # the page was closed, or its reader stalled
            return

    def _client_gone(self) -> bool:
        """An event stream's reader sends nothing after its request: readable means it has closed."""
        return bool(select.select([self.connection], [], [], 0)[0])
