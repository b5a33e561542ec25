"""A bounded run of the fuzz harness (`python3 -m tests.fuzz` runs the long one): mutated copies
of the example inspections give clean diagnostics or a valid, safe build, never a traceback."""
from __future__ import annotations

from tests import fuzz


def test_a_bounded_fuzz_run_finds_nothing(tmp_path):
    summary = fuzz.run(120, fuzz.Options(seed=3, pdf_every=60), jobs=2, findings=tmp_path / "findings")
    assert sum(summary.counts.values()) == 120
    assert summary.counts["failure"] == 0
    assert not summary.failures, fuzz.report(summary, 120)
    assert len(summary.counts) >= 2  # both clean diagnostics and builds were reached


def test_the_harness_reports_a_crash_as_a_failure(tmp_path, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("planted")

    monkeypatch.setattr(fuzz, "build_inspection", crash)
    record = fuzz.run_case(fuzz.Options(seed=3), 0, tmp_path)
    assert record["failures"], record
