"""benchmarks/run.py's measuring: whole processes timed with their own peak memory, commands
alternated with the order rotated, failures reported. (The benchmarks themselves are not tests.)"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))  # run.py imports synth.py from beside it
_spec = importlib.util.spec_from_file_location("bench_run", BENCHMARKS / "run.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_run"] = bench  # dataclasses look their module up there
_spec.loader.exec_module(bench)


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_each_process_reports_its_own_peak_memory():
    small = bench.run_once(_python("pass"))
    large = bench.run_once(_python("block = bytearray(80 * 2**20); block[::4096] = b'x' * len(block[::4096])"))
    assert large.peak - small.peak > 60 * 2**20
    # Neither the runner's memory (this test process) nor the large run's is charged to a small one.
    assert small.peak < 40 * 2**20
    assert bench.run_once(_python("pass")).peak < small.peak + 10 * 2**20
    assert small.seconds > 0 and small.cpu >= 0


def test_commands_alternate_with_the_order_rotated_after_a_warm_up(tmp_path):
    log = tmp_path / "order"
    commands = {name: _python(f"open({str(log)!r}, 'a').write({name!r})") for name in "AB"}
    samples = bench.alternate(commands, rounds=3)
    assert log.read_text() == "AB" + "AB" + "BA" + "AB"
    assert [len(samples[name]) for name in "AB"] == [3, 3]


def test_a_failing_command_is_reported_with_its_error():
    with pytest.raises(bench.CommandFailed, match="exited 3: .*broken on purpose"):
        bench.run_once(_python("import sys; print('broken on purpose', file=sys.stderr); sys.exit(3)"))


def test_a_measurement_lacking_its_tool_says_so():
    missing = bench.Measurement("x", "needs a tool", lambda ctx: [], ("no-such-tool-anywhere",))
    assert missing.missing() == "needs no-such-tool-anywhere, not found on PATH"
    assert bench.Measurement("y", "needs nothing", lambda ctx: []).missing() is None
    lacking = bench.Measurement("z", "needs a package", lambda ctx: [], modules=("no_such_package_anywhere",))
    assert lacking.missing() == "needs the Python package no_such_package_anywhere"


def test_a_figure_with_an_absolute_goal_is_judged_on_its_median():
    samples = [bench.Sample(seconds, 0.0, 0) for seconds in (0.5, 3.0, 0.9)]
    row = bench.at_most_seconds("cached rebuild", samples, 1.0)
    assert (row.a, row.goal, row.met) == ("900 ms", "<= 1 s", True)
    assert bench.at_most_seconds("rerate", samples, 0.8).met is False


def test_every_goal_of_the_issue_has_a_measurement():
    names = {m.name for m in bench.MEASUREMENTS}
    assert names >= {"pdf-full", "html-full", "pdf-300", "preview", "jobs", "noop", "rerate"}
