"""Saved files -> rebuilds: watch the inspection, the templates, the rules and whatever the last build read."""
from __future__ import annotations

import threading
from pathlib import Path

import watchfiles

from ..rating.ruleset import RULES_DIR
from ..render.resources import TEMPLATES_DIR
from .preview_builds import PreviewBuilds

WATCH_TIMEOUT_MS = 200  # the watcher reports in this often, which tells the server it is up
# A save is reported once no other change has come for this long: an editor's save (a write, or a
# temporary file renamed into place) takes a millisecond or two; a slower one only builds twice.
STEP_MS = 10


class SourceWatcher:
    """Rebuilds `builds` after every save of a file that can change the report, until `stop` is set."""

    def __init__(self, builds: PreviewBuilds, stop: threading.Event, step_ms: int = STEP_MS):
        self.builds = builds
        self.stop = stop
        self.step_ms = step_ms
        self.watching = threading.Event()  # set once the first watch is registered

    def roots(self) -> set[Path]:
        """Folders to watch: the inspection, templates, rules and wherever the last build read."""
        snapshot = self.builds.snapshot
        files = snapshot.files if snapshot else frozenset()
        candidates = {self.builds.folder, TEMPLATES_DIR, RULES_DIR.resolve(), *(f.parent for f in files)}
        existing = {c for c in candidates if c.is_dir()}
        return {c for c in existing if not any(c != o and c.is_relative_to(o) for o in existing)}

    def is_relevant(self, path: Path) -> bool:
        """Whether a changed path can change the report."""
        path = path.resolve() if path.exists() else path
        snapshot = self.builds.snapshot
        if snapshot and path in snapshot.files:
            return True
        return any(path.is_relative_to(root) for root in (self.builds.folder, TEMPLATES_DIR, RULES_DIR.resolve()))

    def run(self) -> None:
        default = watchfiles.DefaultFilter()
        relevant = lambda change, name: default(change, name) and self.is_relevant(Path(name))  # noqa: E731
        log = self.builds.log
        while not self.stop.is_set():
            roots = self.roots()
            try:
                for changes in watchfiles.watch(
                    *roots, watch_filter=relevant, step=self.step_ms, stop_event=self.stop,
                    rust_timeout=WATCH_TIMEOUT_MS, yield_on_timeout=True, raise_interrupt=False,
                ):
                    self.watching.set()
                    if not changes:
                        continue
                    # Editors' temporary files come and go within a save; name only what is left.
                    names = sorted({Path(name).name for _, name in changes if Path(name).exists()})
                    log(f"changed: {', '.join(names) or 'a file was removed'}")
                    self.builds.rebuild()
                    if self.roots() != roots:
                        break  # the build now reads files elsewhere: watch those too
            except (FileNotFoundError, RuntimeError) as exc:  # a watched folder went away
                log(f"watching paused ({exc}); retrying")
                self.stop.wait(0.5)
