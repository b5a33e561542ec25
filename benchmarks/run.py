"""The performance goals in one command: figures and ratios measured in one run, each beside its goal.

    python3 benchmarks/run.py [--quick] [--only NAME ...] [--markdown] [--list]

Every figure is of whole processes: wall time by time.perf_counter around the process, CPU time
(user + system) and peak resident memory from the kernel's account of that process (os.wait4,
in a small launcher process so that the runner's own memory is never counted). Commands
compared are run alternately, the order rotated each round (A B, B A, ...), after one untimed
warm-up run of each; each figure is the median of its rounds and each ratio is of two medians
from the same run. Goals are judged on wall time; the CPU-time ratio beside it is steadier on a
busy machine.
Nothing passes or fails: a goal missed is printed as such, and the exit code is 0 unless a
command itself failed (1). A measurement whose tool is missing (pandoc, or pypdf to count
pages) is skipped with its reason.

Measurements (--only picks some):

  pdf-full    cold PDF build of Blaenau Gwent & Caerphilly 2022 / bare WeasyPrint on the same
              print HTML (same PDF variant)
  html-full   HTML-only build of the same report / `pandoc -s` on a Markdown file of its text
              (made at run time from the report's own HTML by pandoc)
  pdf-300     a 300-page synthetic report (benchmarks/synth.py) / bare WeasyPrint on its print
              HTML, time and memory; its time and memory per page against a 20-page one; and
              what a page added costs from 100 to 300 pages against from 20 to 100
  preview     `inspection serve`: a save of a Markdown file -> the reload event received

`--quick` runs fewer rounds (for trying the command, not for figures to record).
"""
from __future__ import annotations

import argparse
import http.client
import importlib.util
import os
import platform
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # measure the checkout this script sits in

import synth  # noqa: E402  (benchmarks/synth.py, beside this file)

FULL_REPORT = ROOT / "inspections" / "blaenau-gwent-caerphilly-2022"
SYNTH_FRAMEWORK = "standards-2021"
MIB = 2**20


# --------------------------------------------------------------------------- running processes


@dataclass(frozen=True)
class Sample:
    """One run of one command: wall seconds, CPU seconds (user + system) and the peak resident
    memory of its process."""

    seconds: float
    cpu: float
    peak: int  # bytes


class CommandFailed(RuntimeError):
    pass


# Runs a command and reports its wall time, CPU time, peak memory and exit code on the file
# descriptor given first. The
# command is forked from this small process, not from the runner: on exec a process keeps the
# memory high-water mark of the process it replaced, so a command started by the (large) runner
# would report at least the runner's peak as its own.
_LAUNCHER = """
import os, sys, time
report, command = int(sys.argv[1]), sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.close(report)
        os.execvp(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
os.write(report, f"{seconds} {cpu} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""


def run_once(command: list[str], cwd: Path = ROOT) -> Sample:
    """Run `command` to its end; its wall time, CPU time and peak memory. Raises CommandFailed on a
    non-zero exit."""
    read, write = os.pipe()
    with tempfile.TemporaryFile() as errors:
        try:
            subprocess.run([sys.executable, "-I", "-S", "-c", _LAUNCHER, str(write), *command], cwd=cwd,
                           check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
                           pass_fds=(write,))
        finally:
            os.close(write)
        with os.fdopen(read, "rb") as report:
            figures = report.read().decode().split()
        if len(figures) != 4:
            raise CommandFailed(f"{' '.join(command)}: the launcher reported nothing")
        seconds, cpu, peak, code = figures
        if int(code) != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise CommandFailed(f"{' '.join(command)} exited {code}: " + " / ".join(tail))
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Sample(float(seconds), float(cpu), int(peak) * scale)


def alternate(commands: dict[str, list[str]], rounds: int) -> dict[str, list[Sample]]:
    """Each command once untimed, then `rounds` rounds of all of them, the order rotated each round."""
    names = list(commands)
    for name in names:
        run_once(commands[name])
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    for round_index in range(rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(run_once(commands[name]))
    return samples


def median_time(samples: list[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def median_cpu(samples: list[Sample]) -> float:
    return statistics.median(s.cpu for s in samples)


def median_peak(samples: list[Sample]) -> float:
    return statistics.median(s.peak for s in samples)


def compiler(*args: str) -> list[str]:
    """The `inspection` command of this checkout, in a fresh interpreter."""
    return [sys.executable, "-m", "compiler", *args]


def cold_build(inspection: Path, out: Path, fmt: str) -> list[str]:
    """A build of one report that does not take its outputs from the cache (`--force`)."""
    return compiler("build", str(inspection), "--out", str(out), "--format", fmt, "--force")


def weasyprint(html: Path, pdf: Path) -> list[str]:
    """Bare WeasyPrint on an HTML file, with the compiler's PDF variant and base URL."""
    from compiler.render.pdf import PDF_VARIANT
    from compiler.render.resources import TEMPLATES_DIR

    return [sys.executable, "-m", "weasyprint", "--pdf-variant", PDF_VARIANT, "--base-url",
            TEMPLATES_DIR.as_uri() + "/", str(html), str(pdf)]


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


# --------------------------------------------------------------------------- results


@dataclass
class Row:
    """One figure beside its goal: A's median, what it is compared with (B's median), the ratio."""

    name: str
    a: str
    b: str = ""
    ratio: float | None = None
    goal: str = ""  # e.g. "<= 1.10"; empty: reported only
    met: bool | None = None
    cpu: float | None = None  # the same ratio in CPU time, for time rows

    def cells(self) -> list[str]:
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}"
        cpu = "" if self.cpu is None else f"{self.cpu:.2f}"
        verdict = "" if self.met is None else ("met" if self.met else "MISSED")
        return [self.name, self.a, self.b, ratio, cpu, self.goal, verdict]


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def mib(value: float) -> str:
    return f"{value / MIB:.0f} MiB"


def at_most(name: str, a: str, b: str, ratio: float, goal: float, cpu: float | None = None) -> Row:
    return Row(name, a, b, ratio, f"<= {goal:.2f}", ratio <= goal, cpu)


def cpu_ratio(a: list[Sample], b: list[Sample]) -> float:
    return median_cpu(a) / median_cpu(b)


@dataclass
class Context:
    """What the measurements share: round counts, a scratch folder, inputs made once."""

    quick: bool
    scratch: Path
    _made: dict = field(default_factory=dict)

    def rounds(self, normal: int, quick: int) -> int:
        return quick if self.quick else normal

    def folder(self, name: str) -> Path:
        path = self.scratch / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def corpus(self, pages: int, count: int) -> Path:
        """A folder of `count` synthetic inspections of about `pages` pages (seed 1), made once per run."""
        key = ("corpus", pages, count)
        if key not in self._made:
            folder = self.folder(f"synth-{pages}-x{count}")
            synth.write_corpus(folder, framework=SYNTH_FRAMEWORK, pages=pages, count=count)
            self._made[key] = folder
        return self._made[key]

    def synthetic(self, pages: int) -> Path:
        """One synthetic inspection of about `pages` pages: its folder."""
        return next(self.corpus(pages, 1).iterdir())

    def print_html(self, inspection: Path) -> Path:
        """The print HTML the compiler hands WeasyPrint for `inspection`, written to a file."""
        key = ("print", inspection)
        if key not in self._made:
            from compiler.rating.compile import compile_inspection
            from compiler.render.html import render_html

            compiled = compile_inspection(inspection)
            if compiled.rated is None:
                raise CommandFailed(f"{inspection} does not compile; run `inspection validate {inspection}`")
            path = self.folder("print") / f"{compiled.slug}.html"
            path.write_text(render_html(compiled.rated, media="print"), encoding="utf-8")
            self._made[key] = path
        return self._made[key]


@dataclass(frozen=True)
class Measurement:
    name: str
    title: str
    measure: Callable[[Context], list[Row]]
    needs: tuple[str, ...] = ()  # programs that must be on PATH
    modules: tuple[str, ...] = ()  # Python packages that must be installed

    def missing(self) -> str | None:
        absent = [tool for tool in self.needs if shutil.which(tool) is None]
        if absent:
            return f"needs {', '.join(absent)}, not found on PATH"
        absent = [name for name in self.modules if importlib.util.find_spec(name) is None]
        return f"needs the Python package {', '.join(absent)}" if absent else None


# --------------------------------------------------------------------------- the measurements


def pdf_full(ctx: Context) -> list[Row]:
    out = ctx.folder("pdf-full")
    samples = alternate({
        "build": cold_build(FULL_REPORT, out / "build", "pdf"),
        "weasyprint": weasyprint(ctx.print_html(FULL_REPORT), out / "bare.pdf"),
    }, ctx.rounds(7, 2))
    build, bare = samples["build"], samples["weasyprint"]
    return [
        at_most("time: build --format pdf / weasyprint", seconds(median_time(build)), seconds(median_time(bare)),
                median_time(build) / median_time(bare), 1.10, cpu_ratio(build, bare)),
        Row("peak memory: build / weasyprint", mib(median_peak(build)), mib(median_peak(bare)),
            median_peak(build) / median_peak(bare)),
    ]


def html_full(ctx: Context) -> list[Row]:
    out = ctx.folder("html-full")
    subprocess.run(compiler("build", str(FULL_REPORT), "--out", str(out / "source"), "--format", "html"),
                   cwd=ROOT, check=True, capture_output=True)
    html = out / "source" / FULL_REPORT.name / f"{FULL_REPORT.name}.html"
    text = out / "report.md"
    plain = "markdown-raw_html-native_divs-native_spans-fenced_divs-bracketed_spans-header_attributes-link_attributes"
    subprocess.run(["pandoc", "-f", "html", "-t", plain, str(html), "-o", str(text)], check=True, capture_output=True)
    samples = alternate({
        "build": cold_build(FULL_REPORT, out / "build", "html"),
        "pandoc": ["pandoc", "-s", "--metadata", f"title={FULL_REPORT.name}", str(text), "-o", str(out / "pandoc.html")],
    }, ctx.rounds(9, 3))
    build, pandoc = samples["build"], samples["pandoc"]
    words = len(text.read_text(encoding="utf-8").split())
    return [
        at_most(f"time: build --format html / pandoc -s ({words:,} words)", seconds(median_time(build)),
                seconds(median_time(pandoc)), median_time(build) / median_time(pandoc), 1.00,
                cpu_ratio(build, pandoc)),
        Row("peak memory: build / pandoc", mib(median_peak(build)), mib(median_peak(pandoc)),
            median_peak(build) / median_peak(pandoc)),
    ]


def pdf_300(ctx: Context) -> list[Row]:
    out = ctx.folder("pdf-300")
    sizes = {"large": ctx.synthetic(300), "middle": ctx.synthetic(100), "small": ctx.synthetic(20)}
    commands = {"weasyprint": weasyprint(ctx.print_html(sizes["large"]), out / "bare.pdf")}
    for size, folder in sizes.items():
        commands[size] = cold_build(folder, out / size, "pdf")
    samples = alternate(commands, ctx.rounds(3, 1))
    pages = {size: pdf_pages(out / size / folder.name / f"{folder.name}.pdf") for size, folder in sizes.items()}
    took = {size: median_time(samples[size]) for size in sizes}
    peak = {size: median_peak(samples[size]) for size in sizes}
    bare = samples["weasyprint"]
    large, small = pages["large"], pages["small"]
    rows = [
        at_most(f"time: build --format pdf / weasyprint ({large} pages)", seconds(took["large"]),
                seconds(median_time(bare)), took["large"] / median_time(bare), 1.10,
                cpu_ratio(samples["large"], bare)),
        at_most("peak memory: build / weasyprint", mib(peak["large"]), mib(median_peak(bare)),
                peak["large"] / median_peak(bare), 1.10),
        at_most(f"time per page: {large} pages / {small} pages", seconds(took["large"] / large),
                seconds(took["small"] / small), (took["large"] / large) / (took["small"] / small), 1.00,
                (median_cpu(samples["large"]) / large) / (median_cpu(samples["small"]) / small)),
        at_most(f"peak memory per page: {large} pages / {small} pages", f"{peak['large'] / large / MIB:.2f} MiB",
                f"{peak['small'] / small / MIB:.2f} MiB", (peak["large"] / large) / (peak["small"] / small), 1.00),
    ]
    # Beyond the fixed cost of a process: what each page added costs from 100 to 300 pages and from
    # 20 to 100. A ratio above 1 would mean pages cost more the longer the report (not linear).
    middle = pages["middle"]
    for label, figure, unit in (("time", took, seconds), ("peak memory", peak, lambda v: f"{v / MIB:.2f} MiB")):
        upper = (figure["large"] - figure["middle"]) / (large - middle)
        lower = (figure["middle"] - figure["small"]) / (middle - small)
        rows.append(Row(f"{label} per added page: {middle}->{large} / {small}->{middle} pages", unit(upper),
                        unit(lower), upper / lower if lower > 0 else None))
    return rows


class EventStream:
    """A server-sent-events client: a thread that queues (epoch, time received) of each epoch event."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.connection.request("GET", "/events")
        self.response = self.connection.getresponse()
        self.events: queue.Queue[tuple[int, float]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for raw in self.response:
                line = raw.decode("utf-8").strip()
                if line.startswith("data:"):
                    self.events.put((int(line.split(":", 1)[1]), time.perf_counter()))
        except (OSError, ValueError):
            return

    def after(self, epoch: int, timeout: float = 30) -> tuple[int, float]:
        """The first event of an epoch later than `epoch`."""
        deadline = time.perf_counter() + timeout
        while True:
            found, received = self.events.get(timeout=max(0.01, deadline - time.perf_counter()))
            if found > epoch:
                return found, received

    def close(self) -> None:
        self.connection.close()


SAVES = 20


def preview(ctx: Context) -> list[Row]:
    folder = ctx.folder("preview") / FULL_REPORT.name
    shutil.copytree(FULL_REPORT, folder)
    edited = folder / "narrative" / "foreword.md"
    original = edited.read_text(encoding="utf-8")
    server = subprocess.Popen(compiler("serve", str(folder), "--port", "0"), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in server.stderr:  # "Serving <slug> on http://127.0.0.1:<port>/ (Ctrl-C to stop)"
            match = re.search(r"Serving .* on http://127\.0\.0\.1:(\d+)/", line)
            if match:
                port = int(match.group(1))
                break
        if port is None:
            raise CommandFailed("inspection serve stopped before it was serving")
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()  # keep draining
        events = EventStream(port)
        epoch, _ = events.after(-1)
        saves = ctx.rounds(SAVES, 5)
        latencies = []
        for index in range(saves + 1):  # the first save is a warm-up
            edited.write_text(original + f"\nThis paragraph was saved {index + 1} times.\n", encoding="utf-8")
            saved = time.perf_counter()
            epoch, received = events.after(epoch)
            if index:
                latencies.append(received - saved)
            time.sleep(0.2)  # a pause, as between an author's saves
        events.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    latency = statistics.median(latencies)
    return [Row(f"save -> reload event, median of {saves} saves", seconds(latency),
                goal="<= 60 ms", met=latency <= 0.060)]


def at_most_seconds(name: str, samples: list[Sample], goal: float) -> Row:
    """A figure against an absolute goal in seconds (the ratio is figure / goal)."""
    value = median_time(samples)
    return Row(name, seconds(value), "", value / goal, f"<= {goal:g} s", value <= goal)


def jobs(ctx: Context) -> list[Row]:
    corpus, out = ctx.corpus(20, 20), ctx.folder("jobs")
    samples = alternate({
        "one": compiler("build", str(corpus), "--out", str(out / "one"), "--jobs", "1", "--force"),
        "two": compiler("build", str(corpus), "--out", str(out / "two"), "--jobs", "2", "--force"),
    }, ctx.rounds(3, 1))
    one, two = median_time(samples["one"]), median_time(samples["two"])
    return [Row("speed-up: 20 reports of 20 pages, --jobs 1 / --jobs 2", seconds(one), seconds(two), one / two,
                ">= 1.80", one / two >= 1.80)]


def noop(ctx: Context) -> list[Row]:
    corpus, out = ctx.corpus(5, 50), ctx.folder("noop")
    subprocess.run(compiler("build", str(corpus), "--out", str(out)), cwd=ROOT, check=True, capture_output=True)
    samples = alternate({"cached": compiler("build", str(corpus), "--out", str(out))}, ctx.rounds(9, 3))
    return [at_most_seconds("cached rebuild of 50 reports (nothing changed)", samples["cached"], 1.0)]


def rerate(ctx: Context) -> list[Row]:
    corpus = ctx.corpus(1, 500)
    samples = alternate({"rerate": compiler("rerate", str(corpus), "--rules", "standards-2024")}, ctx.rounds(5, 2))
    return [at_most_seconds("rerate of 500 inspections under other rules", samples["rerate"], 2.0)]


MEASUREMENTS = [
    Measurement("pdf-full", "cold PDF build of a full report against bare WeasyPrint", pdf_full),
    Measurement("html-full", "HTML-only build of a full report against pandoc -s", html_full, ("pandoc",)),
    Measurement("pdf-300", "a 300-page synthetic report against bare WeasyPrint; per page against 20 pages", pdf_300,
                modules=("pypdf",)),
    Measurement("preview", "the live preview: save -> reload event", preview),
    Measurement("jobs", "20 synthetic reports built with --jobs 2 against --jobs 1", jobs),
    Measurement("noop", "a cached rebuild of 50 reports in which nothing changed", noop),
    Measurement("rerate", "rerate of 500 inspections under other rules", rerate),
]


def compile_modules() -> None:
    """Write the compiled form of the compiler's modules, as pip does for an installed package. A
    checkout installed in editable mode has none until Python first imports each module and writes
    it, which it never does under PYTHONDONTWRITEBYTECODE: every process would then compile the
    compiler's source again (about 55 ms a process), which the packages it is measured against,
    WeasyPrint included, never do."""
    import compileall

    compileall.compile_dir(ROOT / "compiler", quiet=1)


# --------------------------------------------------------------------------- output


def machine_line() -> str:
    from importlib.metadata import version

    model = platform.processor() or platform.machine()
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), flags=re.M)
        model = found.group(1).strip() if found else model
    except OSError:
        pass
    parts = [f"{os.cpu_count()} CPUs ({model})", f"{platform.system()} {platform.release()}",
             f"Python {platform.python_version()}", f"WeasyPrint {version('weasyprint')}"]
    try:
        import weasyprint.text.ffi as ffi

        pango = ffi.pango.pango_version()
        parts.append(f"Pango {pango // 10000}.{pango // 100 % 100}.{pango % 100}")
    except Exception:  # the version line is informative only
        pass
    if shutil.which("pandoc"):
        first = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.splitlines()[:1]
        parts += first
    return "machine: " + "; ".join(parts)


HEADER = ["measurement", "A", "B", "A/B", "CPU A/B", "goal", ""]


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    line = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(HEADER), line(["-" * w for w in widths]), *map(line, rows)]).rstrip()


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" + "--:|" * (len(HEADER) - 1)]
    return "\n".join([*lines, *("| " + " | ".join(r) + " |" for r in rows)])


def main(argv: list[str] | None = None) -> int:
    names = [m.name for m in MEASUREMENTS]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (to try it, not to record figures)")
    parser.add_argument("--only", action="append", choices=names, metavar="NAME",
                        help=f"run only this measurement (repeatable): {', '.join(names)}")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for docs/benchmarks.md)")
    parser.add_argument("--list", action="store_true", help="list the measurements and exit")
    args = parser.parse_args(argv)
    if args.list:
        for m in MEASUREMENTS:
            print(f"{m.name:10}  {m.title}")
        return 0
    chosen = [m for m in MEASUREMENTS if not args.only or m.name in args.only]
    compile_modules()
    print(machine_line())
    print(f"{'quick run' if args.quick else 'full run'}; medians of alternated whole processes; ratios from this run")
    print(flush=True)
    rows: list[list[str]] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="inspection-bench-") as scratch:
        ctx = Context(args.quick, Path(scratch))
        for m in chosen:
            started = time.perf_counter()
            reason = m.missing()
            if reason:
                rows.append([f"{m.name}: skipped ({reason})", *[""] * (len(HEADER) - 1)])
                continue
            try:
                found = m.measure(ctx)
            except (CommandFailed, subprocess.CalledProcessError, queue.Empty) as exc:
                failed = True
                rows.append([f"{m.name}: failed ({exc})", *[""] * (len(HEADER) - 1)])
                continue
            rows += [[f"{m.name}: {row.name}", *row.cells()[1:]] for row in found]
            print(f"{m.name} measured in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    print(markdown_table(rows) if args.markdown else text_table(rows))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
