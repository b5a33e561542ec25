"""Fuzz the compiler with mutated copies of the example inspections.

    python3 -m tests.fuzz --count 10000 --seed 1 --pdf-every 200 --jobs 2 --findings build/fuzz-findings

Case i of seed s copies one example inspection and mutates it (`fuzz_mutate.py`), then builds
it in-process as `inspection build` does (load, validate, rate, HTML; the PDF too for every
K-th case). Each outcome must be clean diagnostics or a valid, safe build (`fuzz_classify.py`);
anything else is a failure: an exception, a diagnostic without a position, unsafe or invalid
HTML, or a case over its time limit. Failures are counted by class, a few of each are saved
(the mutated folder, what went wrong, how to run it again), and the exit status is 1.

Cases run in worker processes: a case over its time limit is stopped in the worker (a signal,
giving the trace of where it was) or, if that does not work, the worker is killed and replaced.
"""
from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing
import multiprocessing.connection
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):  # this checkout's compiler and the test helpers, however started
    if _path in sys.path:
        sys.path.remove(_path)
    sys.path.insert(0, _path)

from compiler.builds.inspection import build_inspection  # noqa: E402
from fuzz_classify import check_diagnostics, check_html, check_pdf  # noqa: E402
from fuzz_mutate import OPERATORS, make_case, plan  # noqa: E402

PDF_TIME_FACTOR = 4  # a PDF case may take this many times the time limit of an HTML one


class CaseTimeout(Exception):
    pass


@dataclass(frozen=True)
class Options:
    seed: int = 0
    pdf_every: int = 0
    timeout: float = 30.0
    exclude: tuple[str, ...] = ()

    def pdf(self, index: int) -> bool:
        return self.pdf_every > 0 and index % self.pdf_every == 0

    def limit(self, index: int) -> float:
        return self.timeout * (PDF_TIME_FACTOR if self.pdf(index) else 1)


@contextmanager
def _deadline(seconds: float):
    """CaseTimeout raised in this (main) thread after `seconds`, where the case is at that moment."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise CaseTimeout(f"over the time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _where(exc: BaseException) -> str:
    """The innermost frame of the compiler an exception passed through (else its innermost frame)."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if f"{os.sep}compiler{os.sep}" in f.filename] or frames[-1:]
    if not ours:
        return "?"
    frame = ours[-1]
    return f"{os.path.relpath(frame.filename, ROOT)}:{frame.lineno} ({frame.name})"


def run_case(options: Options, index: int, workdir: Path, *, verbose: bool = False) -> dict:
    """Build case `index` in `workdir` and classify the outcome: a record with `outcome` and `failures`."""
    started = time.perf_counter()
    case_dir = workdir / f"case-{index}"
    shutil.rmtree(case_dir, ignore_errors=True)
    example, _, _ = plan(options.seed, index, options.exclude)
    folder = case_dir / example.name
    pdf = options.pdf(index)
    record: dict = {"index": index, "example": example.name, "pdf": pdf, "failures": []}
    try:
        record["mutations"] = make_case(options.seed, index, folder, options.exclude)
        with _deadline(options.limit(index)):
            result = build_inspection(folder, case_dir / "out", ("html", "pdf") if pdf else ("html",),
                                      force=True, record_ratings=False)
            findings = check_diagnostics(result.diagnostics)
            if verbose:
                record["diagnostics"] = [d.format() for d in result.diagnostics.sorted()]
            if result.ok:
                record["outcome"] = "build with PDF" if pdf else "build"
                findings += _check_outputs(result.outputs, pdf)
            else:
                record["outcome"] = "diagnostics"
    except CaseTimeout as exc:
        record["outcome"] = "failure"
        findings = [("timeout (PDF)" if pdf else "timeout", f"{exc} at {_where(exc)}\n{traceback.format_exc()}")]
    except Exception as exc:  # anything escaping the compiler is what the harness looks for
        record["outcome"] = "failure"
        findings = [(f"exception {type(exc).__name__} at {_where(exc)}", _trace(exc))]
    finally:
        shutil.rmtree(case_dir, ignore_errors=True)
    record["failures"] = [list(f) for f in findings]
    record["seconds"] = round(time.perf_counter() - started, 3)
    return record


def _trace(exc: BaseException) -> str:
    lines = traceback.format_exception(exc)
    return "".join(lines if len(lines) < 80 else lines[:30] + ["...\n"] + lines[-30:])


def _check_outputs(outputs: list[Path], pdf: bool) -> list:
    html = [p for p in outputs if p.suffix == ".html"]
    if not html:
        return [("build without its HTML", ", ".join(p.name for p in outputs))]
    findings = check_html(html[0].read_text(encoding="utf-8"))
    if pdf:
        documents = [p for p in outputs if p.suffix == ".pdf"]
        findings += check_pdf(documents[0].read_bytes()) if documents else [("build without its PDF", "")]
    return findings


# --------------------------------------------------------------------------- workers


def _serve(conn, options: Options, workdir: str) -> None:
    """A worker: case numbers in, records out, until None."""
    workdir_path = Path(workdir)
    workdir_path.mkdir(parents=True, exist_ok=True)
    while (index := conn.recv()) is not None:
        conn.send(run_case(options, index, workdir_path))


class _Worker:
    def __init__(self, context, options: Options, workdir: Path):
        self.options, self.workdir, self.context = options, workdir, context
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, options, str(workdir)), daemon=True)
        self.process.start()
        child.close()
        self.index: int | None = None
        self.started = 0.0

    def give(self, index: int) -> None:
        self.index, self.started = index, time.monotonic()
        self.conn.send(index)

    def overdue(self) -> bool:  # the worker's own deadline did not stop the case: it is stuck outside Python
        return self.index is not None and time.monotonic() - self.started > self.options.limit(self.index) * 1.5 + 15

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    failures: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    slowest: tuple[float, int] = (0.0, -1)

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def add(self, record: dict) -> None:
        self.counts[record["outcome"]] += 1
        if record["failures"]:
            self.failures.append(record)
        self.slowest = max(self.slowest, (record["seconds"], record["index"]))

    def classes(self) -> Counter:
        """Failing cases by failure class (a case with several classes counts once in each)."""
        return Counter(cls for record in self.failures for cls in dict.fromkeys(f[0] for f in record["failures"]))


def run(count: int, options: Options, *, start: int = 0, jobs: int = 1, findings: Path | None = None,
        keep: int = 3, progress=None) -> Summary:
    """Run cases start..start+count-1 over `jobs` worker processes; failures saved under `findings`."""
    summary, began = Summary(), time.perf_counter()
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    saved: Counter = Counter()
    todo = iter(range(start, start + count))
    with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
        workers = [_Worker(context, options, Path(scratch) / f"w{n}") for n in range(max(1, jobs))]
        try:
            busy = _feed(workers, todo)
            while busy:
                ready = multiprocessing.connection.wait([w.conn for w in workers if w.index is not None], timeout=1.0)
                for n, worker in enumerate(workers):
                    if worker.index is None:
                        continue
                    record = None
                    if worker.conn in ready:
                        try:
                            record = worker.conn.recv()
                        except (EOFError, OSError):
                            record = _lost(worker, f"worker exited with status {worker.process.exitcode}", "worker died")
                    elif worker.overdue():
                        record = _lost(worker, "stuck past the time limit; worker killed", "timeout (worker killed)")
                    if record is None:
                        continue
                    if record["outcome"] == "failure" or record["failures"]:
                        _save(record, options, findings, saved, keep)
                    summary.add(record)
                    if not worker.process.is_alive():  # died or killed: a fresh one takes its place
                        workers[n] = worker = _Worker(context, options, Path(scratch) / f"w{n}")
                    worker.index = None
                    done = sum(summary.counts.values())
                    if progress and done % 500 == 0:
                        progress(f"{done}/{count} cases, {len(summary.failures)} failing, "
                                 f"{time.perf_counter() - began:.0f} s")
                busy = _feed(workers, todo)
        finally:
            for worker in workers:
                worker.stop(kill=worker.index is not None)
    summary.seconds = time.perf_counter() - began
    return summary


def _feed(workers: list[_Worker], todo) -> bool:
    """Give an idle worker the next case; whether any worker is busy."""
    for worker in workers:
        if worker.index is None:
            index = next(todo, None)
            if index is not None:
                worker.give(index)
    return any(w.index is not None for w in workers)


def _lost(worker: _Worker, why: str, cls: str) -> dict:
    worker.process.kill()
    worker.process.join()
    example, _, _ = plan(worker.options.seed, worker.index, worker.options.exclude)
    return {"index": worker.index, "example": example.name, "pdf": worker.options.pdf(worker.index),
            "outcome": "failure", "failures": [[cls, why]], "seconds": round(time.monotonic() - worker.started, 3),
            "mutations": []}


# --------------------------------------------------------------------------- findings and summary


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def _save(record: dict, options: Options, findings: Path | None, saved: Counter, keep: int) -> None:
    """Keep the first `keep` cases of each failure class: the mutated folder and a note of what happened."""
    if findings is None:
        return
    findings.mkdir(parents=True, exist_ok=True)
    with open(findings / "failures.jsonl", "a", encoding="utf-8") as log:
        log.write(json.dumps({k: record[k] for k in ("index", "example", "mutations", "failures")},
                             ensure_ascii=True) + "\n")
    cls = record["failures"][0][0]
    saved[cls] += 1
    if saved[cls] > keep:
        return
    dest = findings / _slug(cls) / f"case-{options.seed}-{record['index']}"
    shutil.rmtree(dest, ignore_errors=True)
    mutations = make_case(options.seed, record["index"], dest / record["example"], options.exclude)
    exclude = "".join(f" --exclude {e}" for e in options.exclude)
    note = [f"class: {cls}", f"example: {record['example']}", "mutations:", *(f"  {m}" for m in mutations),
            f"again: python3 -m tests.fuzz --seed {options.seed} --case {record['index']}{exclude}"
            + (f" --pdf-every {options.pdf_every}" if record["pdf"] else ""),
            f"or: python3 -m compiler build {dest / record['example']} --out /tmp/fuzz-out", "",
            *(f"{c}\n{detail}\n" for c, detail in record["failures"]), "changes:", _diff(dest / record["example"])]
    (dest / "case.txt").write_text("\n".join(note), encoding="utf-8", errors="backslashreplace")


def _diff(folder: Path) -> str:
    """What the mutations changed in the example, as a unified diff (long lines cut)."""
    original = ROOT / "inspections" / folder.name
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        before_path = original / path.relative_to(folder)
        before = before_path.read_bytes() if before_path.exists() else b""
        after = path.read_bytes()
        if before == after:
            continue
        text = [repr(line)[1:-1][:300] for line in before.decode("utf-8", "replace").splitlines()]
        changed = [repr(line)[1:-1][:300] for line in after.decode("utf-8", "replace").splitlines()]
        name = str(path.relative_to(folder))
        out += difflib.unified_diff(text, changed, name, name, n=1, lineterm="")
    return "\n".join(out[:200])


def report(summary: Summary, count: int) -> str:
    lines = [f"{count} cases in {summary.seconds:.1f} s ({count / max(summary.seconds, 1e-9):.1f} a second)"]
    lines += [f"  {n:6d}  {outcome}" for outcome, n in sorted(summary.counts.items())]
    if summary.slowest[1] >= 0:
        lines.append(f"  slowest case: {summary.slowest[1]} ({summary.slowest[0]:.1f} s)")
    classes = summary.classes()
    lines.append(f"failing cases: {len(summary.failures)}" + (" by class:" if classes else ""))
    for cls, n in classes.most_common():
        first = next(r["index"] for r in summary.failures if any(f[0] == cls for f in r["failures"]))
        lines.append(f"  {n:6d}  {cls}  (first: case {first})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.fuzz", description=__doc__.split("\n\n")[0],
                                     epilog="Operators: " + ", ".join(OPERATORS))
    parser.add_argument("--count", type=int, default=1000, help="how many cases (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="the run's seed: same seed, same cases (default 0)")
    parser.add_argument("--start", type=int, default=0, help="number of the first case (default 0)")
    parser.add_argument("--pdf-every", type=int, default=100, metavar="K",
                        help="render the PDF too for every K-th case (default 100; 0: never)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help=f"seconds a case may take (default 30; {PDF_TIME_FACTOR} times that with the PDF)")
    parser.add_argument("--exclude", action="append", default=[], metavar="PREFIX",
                        help="leave out the operators whose names start with PREFIX (repeatable)")
    parser.add_argument("--findings", type=Path, default=ROOT / "build" / "fuzz-findings",
                        help="where failing cases are saved (default build/fuzz-findings)")
    parser.add_argument("--keep", type=int, default=3, help="failing cases saved per class (default 3)")
    parser.add_argument("--case", type=int, metavar="I", help="run case I alone and show its diagnostics")
    args = parser.parse_args(argv)
    options = Options(args.seed, args.pdf_every, args.timeout, tuple(args.exclude))
    if args.case is not None:
        with tempfile.TemporaryDirectory(prefix="fuzz-") as scratch:
            record = run_case(options, args.case, Path(scratch), verbose=True)
        print(json.dumps(record, indent=2, ensure_ascii=True))
        return 1 if record["failures"] else 0
    summary = run(args.count, options, start=args.start, jobs=args.jobs, findings=args.findings, keep=args.keep,
                  progress=lambda line: print(line, file=sys.stderr, flush=True))
    print(report(summary, args.count))
    if summary.failed:
        print(f"failing cases saved in {args.findings}")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
