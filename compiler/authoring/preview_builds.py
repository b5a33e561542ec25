"""Inspection folder -> preview builds: the HTML built into a scratch folder, each finished build published
whole as a `Snapshot` with an epoch, and the PDF built on demand."""
from __future__ import annotations

import html
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..builds.inspection import build_inspection
from ..builds.output import make_scratch_folder
from ..sources.diagnostics import Diagnostic, Diagnostics
from ..sources.validate import inspection_entry
from .preview_pages import diagnostics_page, inject_preview, simple_page

LOGGED = 5  # the terminal shows the first few errors, and of the warnings the first few new ones


def _said(diagnostic: Diagnostic) -> tuple[str, str, str]:
    """A warning as already told: by file and words, so one that only moves with an edit is not told again."""
    return diagnostic.span.path, diagnostic.code, diagnostic.message


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


class PreviewBuilds:
    """The builds of one inspection: rebuild() publishes a new snapshot and wakes whoever waits for it."""

    def __init__(self, path: Path | str, stop: threading.Event, log: Callable[[str], None] | None = None,
                 describe: Callable[[Diagnostic], str] = Diagnostic.format):
        self.path = Path(path)
        self.folder = inspection_entry(self.path).resolve().parent
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.describe = describe  # a diagnostic as the terminal shows it (the command line colours it)
        self.workdir = make_scratch_folder("inspection-preview-")
        self.snapshot: Snapshot | None = None
        self._epoch = 0
        self._changed = threading.Condition()
        self._stop = stop  # set by the server when it stops
        self._pdf_lock = threading.Lock()
        self._pdf: tuple[int, Path] | None = None
        self._notes_said: set[str] = set()  # notes about the machine are said once a run
        self._warnings_said: set[tuple[str, str, str]] = set()  # the last build's, so each save logs what is new

    def rebuild(self) -> Snapshot:
        """Build the HTML into the scratch folder and publish the result (report or diagnostics)."""
        started = time.perf_counter()
        epoch = self._epoch + 1
        try:
            # Files are replaced atomically, so one output folder serves every build.
            result = build_inspection(self.path, self.workdir / "html", {"html"}, record_ratings=False)
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
        page = simple_page("Internal error", body, epoch)
        previous = self.snapshot.files if self.snapshot else frozenset()
        return Snapshot(epoch, False, page.encode("utf-8"), Diagnostics(), previous, None,
                        time.perf_counter() - started)

    def _publish(self, snapshot: Snapshot) -> None:
        """Tell the terminal, then the browsers: whoever sees the new epoch finds its lines logged."""
        errors, warnings = len(snapshot.diagnostics.errors), len(snapshot.diagnostics.warnings)
        state = "built" if snapshot.ok else "build failed"
        self.log(f"[{snapshot.epoch}] {state} in {snapshot.seconds * 1000:.0f} ms "
                 f"({errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)})")
        self._log_some(snapshot.diagnostics.errors, "errors")
        self._log_some([d for d in snapshot.diagnostics.warnings if _said(d) not in self._warnings_said], "new warnings")
        current = {_said(d) for d in snapshot.diagnostics.warnings}
        # A failed build may stop before the checks that warn: what was said stays said until the fix.
        self._warnings_said = current if snapshot.ok else self._warnings_said | current
        with self._changed:
            self._epoch = snapshot.epoch
            self.snapshot = snapshot
            self._changed.notify_all()

    def _log_some(self, diagnostics: list[Diagnostic], what: str) -> None:
        ordered = sorted(diagnostics, key=lambda d: (d.span.path, d.span.line, d.span.column))
        for diagnostic in ordered[:LOGGED]:
            self.log("  " + self.describe(diagnostic).replace("\n", "\n  "))
        if len(ordered) > LOGGED:
            self.log(f"  ... and {len(ordered) - LOGGED} more {what} (all are listed at /diagnostics)")

    def build_pdf(self) -> tuple[Path | None, Diagnostics | None]:
        """Build the PDF for the current sources (reused while nothing changed)."""
        with self._pdf_lock:
            epoch = self._epoch
            if self._pdf and self._pdf[0] == epoch and self._pdf[1].exists():
                return self._pdf[1], None
            result = build_inspection(self.path, self.workdir / "pdf", {"pdf"}, record_ratings=False)
            for note in result.machine_notes:
                if note not in self._notes_said:
                    self._notes_said.add(note)
                    self.log(f"note: {note}")
            pdf = next((Path(p) for p in result.outputs if str(p).endswith(".pdf")), None)
            if result.diagnostics.has_errors() or pdf is None:
                return None, result.diagnostics
            self._pdf = (epoch, pdf)
            return pdf, None

    def wait_for_epoch(self, seen: int | None, timeout: float) -> int:
        """Block until the epoch differs from `seen` (or timeout / stop); return the epoch."""
        with self._changed:
            self._changed.wait_for(lambda: self._epoch != seen or self._stop.is_set(), timeout=timeout)
            return self._epoch

    def close_waiters(self) -> None:
        """Wake every waiter once the server has set `stop`, so open event streams end."""
        with self._changed:
            self._changed.notify_all()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()
