"""Build tasks -> their results, from worker processes that each load the renderer once and are reused.

A report whose build raises (a renderer crash such as a RecursionError) comes back as a failed
result with that diagnostic; one whose worker process dies (killed, out of memory, a crash in a
native library) fails alone, and a fresh worker takes the reports still to build.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable

from ..sources.diagnostics import Diagnostics, Span
from ..sources.paths import inspection_entry, inspection_slug
from .result import BuildResult


@dataclass(frozen=True)
class Task:
    path: str
    out_dir: str
    formats: tuple[str, ...]
    rules_file: str | None = None
    force: bool = False
    accept_ratings: bool = False


@dataclass
class Outcome:
    task: Task
    result: BuildResult
    seconds: float


def run_tasks(tasks: Iterable[Task], jobs: int, on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Build every task on at most `jobs` worker processes, in the order given; `on_done` hears each."""
    pending = deque(tasks)
    if not pending:
        return []
    preload = any("pdf" in t.formats for t in pending)
    context = _start_method(preload)
    idle: list[_Worker] = []
    busy: dict[_Worker, tuple[Task, float]] = {}
    done: list[Outcome] = []

    def finish(outcome: Outcome) -> None:
        done.append(outcome)
        if on_done is not None:
            on_done(outcome)

    try:
        while pending or busy:
            while pending and (idle or len(busy) < jobs):
                worker = idle.pop() if idle else _Worker(context, preload)
                task = pending.popleft()
                worker.conn.send(task)
                busy[worker] = (task, time.perf_counter())
            handles = {h: w for w in busy for h in (w.conn, w.process.sentinel)}
            for worker in {handles[h] for h in wait(list(handles))}:
                task, started = busy.pop(worker)
                outcome = worker.receive(task, started)
                if worker.process.is_alive():
                    idle.append(worker)
                else:
                    worker.close()
                finish(outcome)
    finally:
        for worker in [*idle, *busy]:
            worker.stop()
    return done


def _start_method(preload: bool):
    """How workers start: on Linux, from a process with no other thread, as copies of it with the
    compiler (and for PDFs, WeasyPrint) imported here first, which is milliseconds; otherwise each
    in a fresh interpreter (nothing inherited: no lock held by another thread, no macOS framework
    state), which imports everything again."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        _load(preload)
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _load(preload: bool) -> None:
    """Import what a build needs (and the PDF renderer's fonts and styles when `preload`)."""
    from .inspection import build_inspection  # noqa: F401

    if preload:
        from ..render.pdf import load_renderer

        load_renderer()


class _Worker:
    def __init__(self, context, preload: bool):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, preload, os.getpid()), daemon=True)
        self.process.start()
        child.close()

    def receive(self, task: Task, started: float) -> Outcome:
        try:
            if self.conn.poll():
                return self.conn.recv()
        except (EOFError, OSError):
            pass
        self.process.join(5)
        return Outcome(task, _failed(task, _death(self.process.exitcode)), time.perf_counter() - started)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.close()

    def close(self) -> None:
        self.conn.close()


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the build process stopped unexpectedly (killed by {name})"
    return f"the build process stopped unexpectedly (exit code {exitcode})"


def _failed(task: Task, message: str):
    diagnostics = Diagnostics()
    diagnostics.error("build-crashed", f"{message}; nothing was written and any earlier outputs are kept",
                      Span(str(inspection_entry(task.path))), "this is a bug in the compiler: please report it")
    return BuildResult(inspection_slug(task.path), [], diagnostics)


def _serve(conn, preload: bool, parent: int) -> None:
    """A worker's loop: build each task it is sent until told to stop (None) or its parent is gone."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the workers
    _load(preload)  # a copy of its parent has it all already
    # A layout makes millions of short-lived boxes: the cycle collector's youngest generation at 5,000
    # (from 700) runs it a seventh as often, which cuts a PDF's time by about 8% with the same peak
    # memory (measured on a 55-page and a 300-page report; larger settings cost memory).
    gc.set_threshold(5000, 10, 10)
    from .inspection import build_inspection
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None or os.getppid() != parent:
            return
        started = time.perf_counter()
        try:
            result = build_inspection(task.path, task.out_dir, task.formats, task.rules_file, force=task.force,
                                      accept_ratings=task.accept_ratings)
        except Exception as exc:  # a crash in one report's build is that report's failure
            result = _failed(task, _crash_message(exc))
        conn.send(Outcome(task, result, time.perf_counter() - started))


def _crash_message(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    text = str(exc).splitlines()[0] if str(exc) else ""
    message = f"the build failed with an internal error: {type(exc).__name__}: {text}{where}"
    if os.environ.get("INSPECTION_DEBUG") == "1":
        message += "\n" + "".join(traceback.format_exception(exc)[-20:])
    return message


def _die_with_parent() -> None:
    """On Linux, end this worker if the build that started it is killed, so it never writes unlocked."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
