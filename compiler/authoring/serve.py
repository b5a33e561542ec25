"""Inspection folder -> live HTML preview on 127.0.0.1: build to a temp dir, watch, reload over SSE.

The server only ever answers with a finished build (each build's page is held in memory and
swapped in whole). An edit that breaks the build shows its diagnostics instead of the report and
the server carries on; the next good build brings the report back. The reload script and the
toolbar are injected into the served page only; built reports carry no JavaScript.
"""
from __future__ import annotations

import html
import mimetypes
import sys
import threading
import time
import traceback
import webbrowser
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

import watchfiles

from ..build.inspection import build_inspection
from ..build.output import make_scratch_folder, remove_scratch_folder
from ..rating.ruleset import RULES_DIR
from ..render.resources import TEMPLATES_DIR
from ..sources.diagnostics import Diagnostics
from ..sources.validate import inspection_entry

HOST = "127.0.0.1"
KEEPALIVE_SECONDS = 10.0
LOGGED_ERRORS = 5  # the terminal shows the first few; the page lists them all
WATCH_TIMEOUT_MS = 200  # the watcher reports in this often, which tells start() it is up


class ServeError(Exception):
    """The preview cannot start (e.g. the port is taken)."""


@dataclass(frozen=True)
class Snapshot:
    """One finished build as the server shows it."""

    epoch: int
    ok: bool
    page: bytes  # the report with the preview script, or the diagnostics page
    diagnostics: Diagnostics
    files: frozenset[Path] = field(default_factory=frozenset)
    site: Path | None = None  # folder of the built HTML and its assets
    seconds: float = 0.0


class PreviewServer:
    """Build, serve, watch and reload one inspection; start() / stop(), or run() until Ctrl-C."""

    def __init__(
        self,
        path: Path | str,
        *,
        port: int = 8000,
        log: Callable[[str], None] | None = None,
        step_ms: int = 30,
    ):
        self.path = Path(path)
        self.folder = inspection_entry(self.path).resolve().parent
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.step_ms = step_ms
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._changed = threading.Condition()
        self._pdf_lock = threading.Lock()
        self._pdf: tuple[int, Path] | None = None
        self._workdir = make_scratch_folder("inspection-preview-")
        self._epoch = 0
        self.snapshot: Snapshot | None = None
        try:
            self._httpd = ThreadingHTTPServer((HOST, port), _handler_for(self))
        except OSError as exc:
            remove_scratch_folder(self._workdir)
            raise ServeError(f"cannot listen on {HOST}:{port} ({exc.strerror}); choose another --port") from exc
        self._httpd.daemon_threads = True
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    # ----------------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Build once, then answer requests and watch for changes in background threads."""
        self.rebuild()
        for target, name in ((self._httpd.serve_forever, "preview-http"), (self._watch, "preview-watch")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        # A save made before the watcher is registered would be missed, so wait for it.
        self._watching.wait(timeout=5)

    def stop(self) -> None:
        """Stop watching and serving, end open event streams, remove the temporary build."""
        if self._stop.is_set():
            return
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        if self._threads:  # shutdown() waits for serve_forever, so only once it has started
            self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        remove_scratch_folder(self._workdir)

    def run(self, *, open_browser: bool = False) -> None:
        """Serve until Ctrl-C."""
        try:
            self.start()
            self.log(f"Serving {self.folder.name} on {self.url} (Ctrl-C to stop)")
            if open_browser:
                webbrowser.open(self.url)
            while not self._stop.is_set():
                self._stop.wait(0.5)
        except KeyboardInterrupt:
            self.log("Stopping.")
        finally:
            self.stop()

    # ----------------------------------------------------------------------- building

    def rebuild(self) -> Snapshot:
        """Build the HTML into the temp dir and publish the result (report or diagnostics)."""
        started = time.perf_counter()
        epoch = self._epoch + 1
        try:
            # Files are replaced atomically, so one output folder serves every build.
            result = build_inspection(self.path, self._workdir / "html", {"html"})
        except Exception:  # a bug in a stage must not end the preview
            snapshot = self._crashed(epoch, traceback.format_exc(), started)
        else:
            snapshot = self._snapshot(epoch, result, started)
        self._publish(snapshot)
        return snapshot

    def _snapshot(self, epoch: int, result, started: float) -> Snapshot:
        files = frozenset(Path(f).resolve() for f in result.files)
        page_file = next((Path(p) for p in result.outputs if str(p).endswith(".html")), None)
        ok = not result.diagnostics.has_errors() and page_file is not None and page_file.exists()
        seconds = time.perf_counter() - started
        if ok:
            page = inject_preview(page_file.read_text(encoding="utf-8"), epoch, result.diagnostics)
            return Snapshot(epoch, True, page.encode("utf-8"), result.diagnostics, files, page_file.parent, seconds)
        page = diagnostics_page(self.folder.name, result.diagnostics, epoch)
        return Snapshot(epoch, False, page.encode("utf-8"), result.diagnostics, files, None, seconds)

    def _crashed(self, epoch: int, trace: str, started: float) -> Snapshot:
        body = (
            "<p>The compiler failed with an internal error (please report it). "
            "The preview keeps watching: save again after a fix.</p>"
            f"<pre>{html.escape(trace)}</pre>"
        )
        page = _page("Internal error", body, epoch)
        previous = self.snapshot.files if self.snapshot else frozenset()
        return Snapshot(epoch, False, page.encode("utf-8"), Diagnostics(), previous, None,
                        time.perf_counter() - started)

    def _publish(self, snapshot: Snapshot) -> None:
        with self._changed:
            self._epoch = snapshot.epoch
            self.snapshot = snapshot
            self._changed.notify_all()
        errors, warnings = len(snapshot.diagnostics.errors), len(snapshot.diagnostics.warnings)
        state = "built" if snapshot.ok else "build failed"
        self.log(f"[{snapshot.epoch}] {state} in {snapshot.seconds * 1000:.0f} ms "
                 f"({errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)})")
        errors_found = snapshot.diagnostics.sorted() if not snapshot.ok else []
        errors_found = [d for d in errors_found if d.severity.value == "error"]
        for diagnostic in errors_found[:LOGGED_ERRORS]:
            self.log("  " + diagnostic.format().replace("\n", "\n  "))
        if len(errors_found) > LOGGED_ERRORS:
            self.log(f"  ... and {len(errors_found) - LOGGED_ERRORS} more (all are listed in the page)")

    def build_pdf(self) -> tuple[Path | None, Diagnostics | None]:
        """Build the PDF for the current sources (reused while nothing changed)."""
        with self._pdf_lock:
            epoch = self._epoch
            if self._pdf and self._pdf[0] == epoch and self._pdf[1].exists():
                return self._pdf[1], None
            result = build_inspection(self.path, self._workdir / "pdf", {"pdf"})
            pdf = next((Path(p) for p in result.outputs if str(p).endswith(".pdf")), None)
            if result.diagnostics.has_errors() or pdf is None:
                return None, result.diagnostics
            self._pdf = (epoch, pdf)
            return pdf, None

    # ----------------------------------------------------------------------- watching

    def watch_roots(self) -> set[Path]:
        """Folders to watch: the inspection, templates, rules and wherever the last build read."""
        files = self.snapshot.files if self.snapshot else frozenset()
        candidates = {self.folder, TEMPLATES_DIR, RULES_DIR.resolve(), *(f.parent for f in files)}
        existing = {c for c in candidates if c.is_dir()}
        return {c for c in existing if not any(c != o and c.is_relative_to(o) for o in existing)}

    def is_relevant(self, path: Path) -> bool:
        """Whether a changed path can change the report."""
        path = path.resolve() if path.exists() else path
        if self.snapshot and path in self.snapshot.files:
            return True
        return any(path.is_relative_to(root) for root in (self.folder, TEMPLATES_DIR, RULES_DIR.resolve()))

    def _watch(self) -> None:
        default = watchfiles.DefaultFilter()
        relevant = lambda change, name: default(change, name) and self.is_relevant(Path(name))  # noqa: E731
        while not self._stop.is_set():
            roots = self.watch_roots()
            try:
                for changes in watchfiles.watch(
                    *roots, watch_filter=relevant, step=self.step_ms, stop_event=self._stop,
                    rust_timeout=WATCH_TIMEOUT_MS, yield_on_timeout=True, raise_interrupt=False,
                ):
                    self._watching.set()
                    if not changes:
                        continue
                    # Editors' temporary files come and go within a save; name only what is left.
                    names = sorted({Path(name).name for _, name in changes if Path(name).exists()})
                    self.log(f"changed: {', '.join(names) or 'a file was removed'}")
                    self.rebuild()
                    if self.watch_roots() != roots:
                        break  # the build now reads files elsewhere: watch those too
            except (FileNotFoundError, RuntimeError) as exc:  # a watched folder went away
                self.log(f"watching paused ({exc}); retrying")
                self._stop.wait(0.5)

    def wait_for_epoch(self, seen: int | None, timeout: float) -> int:
        """Block until the epoch differs from `seen` (or timeout / stop); return the epoch."""
        with self._changed:
            self._changed.wait_for(lambda: self._epoch != seen or self._stop.is_set(), timeout=timeout)
            return self._epoch

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()


# --------------------------------------------------------------------------- pages


_RELOAD_SCRIPT = """<script>
(function () {
  var shown = %d;
  var events = new EventSource("/events");
  events.addEventListener("epoch", function (e) { if (Number(e.data) !== shown) { location.reload(); } });
})();
</script>"""

_TOOLBAR = (
    '<div id="inspection-preview-bar" style="position:fixed;right:12px;bottom:12px;z-index:2147483647;'
    "font:13px/1.4 system-ui,sans-serif;background:#1d1d1b;color:#fff;padding:6px 10px;border-radius:6px;"
    'box-shadow:0 1px 4px rgba(0,0,0,.3)">Preview {state} &middot; '
    '<a href="/diagnostics" style="color:#ffdd00">{warnings}</a> &middot; '
    '<a href="/pdf" target="_blank" rel="noopener" style="color:#ffdd00">Open PDF</a></div>'
)


def inject_preview(report_html: str, epoch: int, diagnostics: Diagnostics) -> str:
    """The report with the preview toolbar and reload script added before </body>."""
    count = len(diagnostics.warnings)
    addition = _TOOLBAR.format(state="live", warnings=f"{count} warning{'s' * (count != 1)}")
    addition += _RELOAD_SCRIPT % epoch
    at = report_html.lower().rfind("</body>")
    if at < 0:
        return report_html + addition
    return report_html[:at] + addition + report_html[at:]


def diagnostics_page(slug: str, diagnostics: Diagnostics, epoch: int, *, title: str | None = None) -> str:
    """A page listing diagnostics as path:line:col: severity: message, errors first."""
    ordered = sorted(diagnostics.sorted(), key=lambda d: d.severity.value != "error")
    items = []
    for d in ordered:
        where = f"{d.span.display_path()}:{d.span.line}:{d.span.column}"
        hints = "".join(f'<div class="hint">hint: {html.escape(h)}</div>' for h in d.hints)
        excerpt = _excerpt(d.span.path, d.span.line, d.span.column) if d.severity.value == "error" else ""
        items.append(
            f'<li class="{d.severity.value}"><code>{html.escape(where)}</code>: '
            f'<strong>{d.severity.value}</strong>: {html.escape(d.message)}{excerpt}{hints}</li>'
        )
    errors = len(diagnostics.errors)
    if title is None:
        title = f"{slug}: {errors} error{'s' * (errors != 1)}" if errors else f"{slug}: diagnostics"
    lead = (
        "<p>The report cannot be built until these are fixed. Save the file and this page updates.</p>"
        if errors else '<p><a href="/">Back to the report</a></p>'
    )
    listing = f"<ol>{''.join(items)}</ol>" if items else "<p>No problems found.</p>"
    return _page(title, lead + listing, epoch)


def _excerpt(path: str, line: int, column: int) -> str:
    """The source line a diagnostic points at, with a caret under its column."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1].rstrip()
    caret = " " * (min(max(column, 1), len(text) + 1) - 1) + "^"
    return f'<pre class="excerpt">{line:>4} | {html.escape(text)}\n     | {caret}</pre>'


def _page(title: str, body: str, epoch: int) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#1d1d1b}"
        "h1{font-size:1.4rem}li{margin:.4rem 0}li.error strong{color:#b00020}li.warning strong{color:#8a6100}"
        "code{background:#f3f2f1;padding:0 .2rem}.hint{color:#505a5f;margin-left:1.5rem}"
        "pre{white-space:pre-wrap;background:#f3f2f1;padding:1rem}"
        "pre.excerpt{white-space:pre;overflow-x:auto;padding:.3rem .6rem;margin:.3rem 0 .6rem}"
        f"</style></head><body><h1>{html.escape(title)}</h1>{body}"
        f"{_RELOAD_SCRIPT % epoch}</body></html>"
    )


# --------------------------------------------------------------------------- HTTP


def _handler_for(preview: PreviewServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_PreviewHandler):
        server_preview = preview

    return Handler


class _PreviewHandler(BaseHTTPRequestHandler):
    server_preview: PreviewServer
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
        preview = self.server_preview
        route = unquote(urlsplit(self.path).path)
        snapshot = preview.snapshot
        if route == "/events" and not head:
            self._events()
        elif route in ("/", "/index.html"):
            self._send(HTTPStatus.OK, snapshot.page, "text/html; charset=utf-8", head)
        elif route == "/diagnostics":
            page = diagnostics_page(preview.folder.name, snapshot.diagnostics, snapshot.epoch)
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
        target = (root / route.lstrip("/")).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", head)
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, target.read_bytes(), content_type, head)

    def _pdf(self, head: bool) -> None:
        preview = self.server_preview
        try:
            pdf, diagnostics = preview.build_pdf()
        except Exception:
            page = _page("PDF build failed", f"<pre>{html.escape(traceback.format_exc())}</pre>", preview.snapshot.epoch)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, page.encode("utf-8"), "text/html; charset=utf-8", head)
            return
        if pdf is None:
            title = f"{preview.folder.name}: the PDF cannot be built"
            page = diagnostics_page(preview.folder.name, diagnostics, preview.snapshot.epoch, title=title)
            self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8", head)
            return
        disposition = {"Content-Disposition": f'inline; filename="{pdf.name}"'}
        self._send(HTTPStatus.OK, pdf.read_bytes(), "application/pdf", head, disposition)

    def _events(self) -> None:
        """Server-sent events: the current build epoch now and after every rebuild."""
        preview = self.server_preview
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while not preview.stopping:
                epoch = preview.wait_for_epoch(seen, KEEPALIVE_SECONDS)
                if preview.stopping:
                    break
                if epoch != seen:
                    self.wfile.write(f"event: epoch\ndata: {epoch}\n\n".encode())
                    seen = epoch
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return
