"""Time each build stage of every inspection and measure its memory; print figures and ratios.

Stages, each timed separately as the best of N runs in this one process:

  load    read and validate the sources (`validate.load_inspection`)
  rules   load the framework's rules file (`ruleset.load_ruleset`)
  rate    compute the ratings (`scoring.rate`)
  html    the screen HTML (`build.render_outputs(..., ["html"])`)
  pdf     the print HTML and its PDF (`build.render_outputs(..., ["pdf"])`)

`first` is the sum of each stage's first run (what a one-off build pays, less imports). Memory
comes from a separate, untimed pass: `py peak` is the most Python memory held during any stage
(tracemalloc), `max rss` the process's high-water mark after the inspection (getrusage; it only
grows). Ratios come from the same run as the figures; nothing here passes or fails.

    python benchmarks/build_speed.py [--repeat N] [--no-memory] [PATH ...]
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # measure the checkout this script sits in

from compiler.builds.inspection import render_outputs  # noqa: E402
from compiler.rating.result import RatedInspection  # noqa: E402
from compiler.sources.paths import inspection_slug  # noqa: E402
from compiler.rating.ruleset import load_ruleset  # noqa: E402
from compiler.rating.scoring import rate  # noqa: E402
from compiler.sources.validate import load_inspection  # noqa: E402

STAGES = ("load", "rules", "rate", "html", "pdf")


def _load(path: Path) -> Any:
    inspection, diagnostics, _ = load_inspection(path)
    if inspection is None:
        raise SystemExit(f"{path}: has errors; run `inspection validate {path}`")
    return inspection


def _rate(state: dict) -> Any:
    result, problems = rate(state["load"], state["rules"])
    if any(p.severity == "error" for p in problems):
        raise SystemExit(f"{state['path']}: rating problems; run `inspection validate {state['path']}`")
    return RatedInspection(slug=state["slug"], inspection=state["load"], rules=state["rules"], result=result)


STEPS: dict[str, Callable[[dict], Any]] = {
    "load": lambda s: _load(s["path"]),
    "rules": lambda s: load_ruleset(s["load"].framework),
    "rate": _rate,
    "html": lambda s: render_outputs(s["rate"], ["html"]),
    "pdf": lambda s: render_outputs(s["rate"], ["pdf"]),
}


def time_stages(path: Path, repeat: int) -> tuple[dict[str, float], dict[str, float]]:
    """Best and first wall time (seconds) of each stage."""
    state: dict[str, Any] = {"path": path, "slug": inspection_slug(path)}
    best, first = {}, {}
    for stage in STAGES:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            state[stage] = STEPS[stage](state)
            times.append(time.perf_counter() - start)
        best[stage], first[stage] = min(times), times[0]
    return best, first


def peak_memory(path: Path) -> float:
    """The most Python memory (bytes) traced during any stage of one run."""
    state: dict[str, Any] = {"path": path, "slug": inspection_slug(path)}
    tracemalloc.start()
    peak = 0
    try:
        for stage in STAGES:
            tracemalloc.reset_peak()
            state[stage] = STEPS[stage](state)
            peak = max(peak, tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()
    return peak


def max_rss() -> float:
    """The process's peak resident memory in bytes (ru_maxrss is KiB on Linux, bytes on macOS)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024


def inspections(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for given in paths or [str(ROOT / "inspections")]:
        path = Path(given)
        if (path / "inspection.yaml").is_file() or path.is_file():
            found.append(path)
        else:
            found.extend(sorted(p.parent for p in path.glob("*/inspection.yaml")))
    return found


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = lambda row: "  ".join(  # noqa: E731
        cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))
    )
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", help="inspection folders, or a folder of them (default: inspections/)")
    parser.add_argument("--repeat", "-n", type=int, default=3, help="runs per stage; the best counts (default 3)")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory pass")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    targets = inspections(args.paths)
    if not targets:
        parser.error("no inspections found")

    start = time.perf_counter()
    import weasyprint  # noqa: F401  (a one-off cost, kept out of the first PDF's figure)

    import_time = time.perf_counter() - start
    results = []
    for path in targets:
        best, first = time_stages(path, args.repeat)
        peak = None if args.no_memory else peak_memory(path)
        results.append((inspection_slug(path), best, first, peak, max_rss()))
    wall = time.perf_counter() - start

    ms = lambda seconds: f"{seconds * 1000:.1f}"  # noqa: E731
    mib = lambda size: "-" if size is None else f"{size / 2**20:.1f}"  # noqa: E731
    totals = {stage: sum(r[1][stage] for r in results) for stage in STAGES}
    rows = []
    for slug, best, first, peak, rss in results:
        rows.append([slug, *(ms(best[s]) for s in STAGES), ms(sum(best.values())), ms(sum(first.values())), mib(peak), mib(rss)])
    rows.append(["all", *(ms(totals[s]) for s in STAGES), ms(sum(totals.values())),
                 ms(sum(sum(r[2].values()) for r in results)), "", ""])
    print(f"best of {args.repeat} runs, milliseconds; memory in MiB")
    print(_table(["inspection", *STAGES, "total", "first", "py peak", "max rss"], rows))

    ratio_rows = []
    for slug, best, *_ in [*results, ("all", totals)]:
        total = sum(best.values())
        shares = [f"{100 * best[s] / total:.1f}%" for s in STAGES]
        ratio_rows.append([slug, f"{best['pdf'] / best['html']:.1f}x", *shares])
    print()
    print("ratios (same run): PDF time over HTML time, and each stage's share of the total")
    print(_table(["inspection", "pdf/html", *(f"{s} %" for s in STAGES)], ratio_rows))
    print()
    print(f"WeasyPrint import {ms(import_time)} ms; whole run {wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
