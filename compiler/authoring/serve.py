"""Inspection folder -> live HTML preview on 127.0.0.1: build to a temp dir, watch, reload over SSE.

The server only ever answers with a finished build (each build's page is held in memory and
swapped in whole). An edit that breaks the build shows its diagnostics instead of the report and
the server carries on; the next good build brings the report back. The reload script and the
toolbar are injected into the served page only; built reports carry no JavaScript.

The parts: `preview_builds` (building and publishing snapshots), `preview_watch` (what to watch
and when to rebuild), `preview_http` (the requests), `preview_pages` (the pages' HTML) and
`preview_pool` (the fixed set of threads that answers, whatever the number of connections).
"""
from __future__ import annotations

import signal
import threading
import webbrowser
from pathlib import Path
from typing import Callable

from ..builds.output import remove_scratch_folder
from ..sources.diagnostics import Diagnostic
from .preview_builds import PreviewBuilds, Snapshot
from .preview_http import handler_for
from .preview_pool import PooledHTTPServer
from .preview_watch import STEP_MS, SourceWatcher

HOST = "127.0.0.1"


class ServeError(Exception):
    """The preview cannot start (e.g. the port is taken)."""


class PreviewServer:
    """Build, serve, watch and reload one inspection; start() / stop(), or run() until Ctrl-C."""

    def __init__(
        self,
        path: Path | str,
        *,
        port: int = 8000,
        log: Callable[[str], None] | None = None,
        describe: Callable[[Diagnostic], str] = Diagnostic.format,
        step_ms: int = STEP_MS,
    ):
        self._stop = threading.Event()
        self.builds = PreviewBuilds(path, self._stop, log, describe)
        self.watcher = SourceWatcher(self.builds, self._stop, step_ms)
        try:
            self._httpd = PooledHTTPServer((HOST, port), handler_for(self.builds))
        except OSError as exc:
            remove_scratch_folder(self.builds.workdir)
            raise ServeError(f"cannot listen on {HOST}:{port} ({exc.strerror}); choose another --port") from exc
        self._threads: list[threading.Thread] = []

    @property
    def folder(self) -> Path:
        return self.builds.folder

    @property
    def snapshot(self) -> Snapshot | None:
        return self.builds.snapshot

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def start(self) -> None:
        """Build once, then answer requests and watch for changes in background threads."""
        self.builds.rebuild()
        for target, name in ((self._httpd.serve_forever, "preview-http"), (self.watcher.run, "preview-watch")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        # A save made before the watcher is registered would be missed, so wait for it.
        self.watcher.watching.wait(timeout=5)

    def stop(self) -> None:
        """Stop watching and serving, end open event streams, remove the temporary build."""
        if self._stop.is_set():
            return
        self._stop.set()
        self.builds.close_waiters()
        if self._threads:  # shutdown() waits for serve_forever, so only once it has started
            self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        remove_scratch_folder(self.builds.workdir)

    def run(self, *, open_browser: bool = False) -> None:
        """Serve until Ctrl-C, SIGTERM or SIGHUP; each stops the server and removes its temporary folder."""
        previous = _catch_stop_signals()
        try:
            self.start()
            self.builds.log(f"Serving {self.folder.name} on {self.url} (Ctrl-C to stop)")
            if open_browser:
                webbrowser.open(self.url)
            while not self._stop.is_set():
                self._stop.wait(0.5)
        except KeyboardInterrupt:
            self.builds.log("Stopping.")
        finally:
            _ignore(previous)  # a second signal must not cut the clean-up short
            try:
                self.stop()
            finally:
                _restore(previous)


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _catch_stop_signals() -> dict:
    """Make every stop signal stop the server as Ctrl-C does, and return the handlers they had.
    Off the main thread, where signals cannot be caught, nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {signum: signal.signal(signum, _interrupt) for signum in STOP_SIGNALS}


def _ignore(previous: dict) -> None:
    for signum in previous:
        signal.signal(signum, signal.SIG_IGN)


def _restore(previous: dict) -> None:
    for signum, handler in previous.items():
        if handler is not None:  # None: set outside Python, so it cannot be put back
            signal.signal(signum, handler)
