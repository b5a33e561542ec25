"""output.write_atomic: whole files or nothing, previous output kept on failure."""
from __future__ import annotations

import os

import pytest

from compiler.builds import output
from compiler.builds.output import write_atomic


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


def _tree(folder):
    return sorted((p.relative_to(folder).as_posix(), p.read_bytes() if p.is_file() else None) for p in folder.rglob("*"))


def test_several_files_are_all_staged_before_any_is_replaced(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "ratings.json").write_text("old ratings")
    (out / "report.html").write_text("old html")
    before = _tree(tmp_path)
    real_stage, staged = output._stage, []

    def disk_full_on_third(target, data):
        staged.append(target)
        if len(staged) == 3:
            raise OSError(28, "No space left on device")
        return real_stage(target, data)

    monkeypatch.setattr(output, "_stage", disk_full_on_third)
    files = {out / "ratings.json": "new", out / "report.html": "new", out / "new" / "report.pdf": b"%PDF"}
    with pytest.raises(OSError):
        output.write_all_atomic(files)
    assert _tree(tmp_path) == before  # nothing replaced, no temp file, no new folder


@pytest.mark.parametrize("blocker", ["folder-at-file", "file-at-folder"])
def test_something_in_the_way_is_an_os_error_naming_it_and_nothing_is_written(tmp_path, blocker):
    out = tmp_path / "out"
    out.mkdir()
    (out / "ratings.json").write_text("old")
    if blocker == "folder-at-file":
        (out / "report.html").mkdir()
        in_the_way, files = out / "report.html", {out / "ratings.json": "new", out / "report.html": "new"}
    else:
        (out / "slug").write_text("a file where a folder goes")
        in_the_way, files = out / "slug", {out / "ratings.json": "new", out / "slug" / "deeper" / "report.html": "x"}
    before = _tree(tmp_path)
    with pytest.raises(OSError) as raised:
        output.write_all_atomic(files)
    assert raised.value.filename == str(in_the_way)
    assert _tree(tmp_path) == before


def test_a_folder_that_refuses_temp_files_is_named_not_the_temp_file(tmp_path, monkeypatch):
    def refused(prefix, suffix, dir):
        raise PermissionError(13, "Permission denied", os.path.join(dir, prefix + "x1y2" + suffix))

    monkeypatch.setattr(output.tempfile, "mkstemp", refused)
    with pytest.raises(PermissionError) as caught:
        output.write_all_atomic({tmp_path / "out" / "ratings.json": "{}"})
    assert caught.value.filename == str(tmp_path / "out")
    assert list(tmp_path.iterdir()) == []  # the folder made for it is removed again


def test_a_rename_failing_after_another_succeeded_names_what_was_replaced(tmp_path, monkeypatch):
    first, second = tmp_path / "ratings.json", tmp_path / "report.html"
    first.write_text("old json")
    second.write_text("old html")
    real_replace = output.os.replace
    calls = []

    def second_fails(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(5, "Input/output error", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(output.os, "replace", second_fails)
    with pytest.raises(output.PartlyWritten) as caught:
        output.write_all_atomic({first: "new json", second: "new html"})
    assert caught.value.replaced == [first] and caught.value.filename == str(second)
    assert (first.read_text(), second.read_text()) == ("new json", "old html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ratings.json", "report.html"]  # no temp file left
