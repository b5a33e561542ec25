"""Rerating a corpus on several processes: the comparisons in the order of the paths given.

Loading and checking a source costs far more than rating it twice, and each inspection is
independent, so a corpus is split into chunks among worker processes. Where the system can fork,
a worker starts as a copy of this process with the compiler already imported (a few
milliseconds); elsewhere it starts afresh. A handful of inspections is rated here, in turn:
starting workers would cost more than it saves.
"""
from __future__ import annotations

import gc
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator

from ..sources.diagnostics import Diagnostics
from .compile import rerate_inspection
from .rerate import Comparison
from .ruleset import RuleSet

# Fewer inspections than this are rated in this process.
PARALLEL_FROM = 16
# Chunks per worker: enough to even out slow and fast inspections, few enough to keep
# the cost of passing results back small.
_CHUNKS_PER_JOB = 8

Rerated = tuple["Comparison | None", Diagnostics]


def rerate_all(paths: Iterable[Path], rules: RuleSet, jobs: int) -> Iterator[Rerated]:
    """(comparison or None, diagnostics) for each inspection, in order, on up to `jobs` processes."""
    paths = list(paths)
    if jobs <= 1 or len(paths) < PARALLEL_FROM:
        _start(rules, worker=False)
        yield from map(_rerate, paths)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunk = max(1, len(paths) // (jobs * _CHUNKS_PER_JOB))
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start, initargs=(rules,)) as pool:
        yield from pool.map(_rerate, paths, chunksize=chunk)


_rules: RuleSet | None = None
_own_rules: dict[str, RuleSet] = {}


def _start(rules: RuleSet, worker: bool = True) -> None:
    """A process's setup: the rules to rate under and, in a worker, no garbage-collector passes
    over the objects it started with (rating makes many short-lived ones; about 10% faster). Not
    here: frozen objects are never collected, and this process may live on."""
    global _rules
    _rules = rules
    _own_rules.clear()
    if worker:
        gc.freeze()


def _rerate(path: Path) -> Rerated:
    assert _rules is not None, "_start runs first"
    return rerate_inspection(path, _rules, _own_rules)
