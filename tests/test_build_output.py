"""output.write_atomic: whole files or nothing, previous output kept on failure."""
from __future__ import annotations

import os

import pytest

from compiler import output
from compiler.output import write_atomic


def test_writes_text_and_bytes_creating_folders(tmp_path):
    text = write_atomic(tmp_path / "a" / "b" / "report.html", "é")
    data = write_atomic(tmp_path / "a" / "report.pdf", b"%PDF")
    assert text.read_text(encoding="utf-8") == "é" and data.read_bytes() == b"%PDF"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["b", "report.pdf"]


def test_replaces_an_existing_file_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "ratings.json"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["ratings.json"]


def test_failure_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("previous")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(output.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, "next")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    assert os.stat(target).st_size == len("previous")
