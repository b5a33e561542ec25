"""Bytes or text -> files on disk: the one place that writes, always atomically."""
from __future__ import annotations

import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Mapping


class PartlyWritten(OSError):
    """Putting the staged files in place failed after some of them had already replaced their targets."""

    def __init__(self, cause: OSError, replaced: list[Path]):
        super().__init__(cause.errno, cause.strerror, cause.filename)
        self.replaced = replaced


def write_atomic(path: Path | str, data: bytes | str) -> Path:
    """Write `data` to `path` through a temp file in the same directory and `os.replace`.

    Why: a build that fails halfway must leave the previous output intact, and a reader
    (the preview server, a browser) must never see a half-written file.
    """
    return write_all_atomic({Path(path): data})[0]


def write_all_atomic(files: Mapping[Path | str, bytes | str]) -> list[Path]:
    """Write several files as one: every file is staged beside its target before any is replaced.

    Why: one build writes several files (ratings.json, HTML, PDF); a failure while writing any
    of them (a full disk, a folder in the way) must leave the previous outputs as they were, not
    a mix of old and new, and must leave no temp file or newly made empty folder behind. Only a
    failure of the final renames themselves, which are not one atomic step, can leave some
    files replaced: that raises `PartlyWritten`, which names them.
    """
    staged: list[tuple[str, Path]] = []
    made: list[Path] = []
    try:
        for path, data in files.items():
            target = Path(path)
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, "a folder is in the way", str(target))
            folders = (target.parent, *target.parent.parents)
            blocking = next((p for p in folders if p.exists() and not p.is_dir()), None)
            if blocking is not None:
                raise NotADirectoryError(errno.ENOTDIR, "a file is in the way", str(blocking))
            made += [p for p in folders if not p.exists() and p not in made]
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(target, data), target))
        replaced: list[Path] = []
        for tmp_name, target in staged:
            try:
                os.replace(tmp_name, target)
            except OSError as exc:
                if replaced:
                    raise PartlyWritten(exc, replaced) from exc
                raise
            replaced.append(target)
    except BaseException:
        for tmp_name, _ in staged:
            Path(tmp_name).unlink(missing_ok=True)
        for folder in sorted(made, key=lambda p: len(p.parts), reverse=True):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise
    return [target for _, target in staged]


def _stage(target: Path, data: bytes | str) -> str:
    """`data` in a temp file beside `target`, flushed to disk; returns the temp file's name."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # name the folder that refused, not the temp file that was never made
        raise type(exc)(exc.errno, exc.strerror, str(target.parent)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return tmp_name


def discard_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush cannot fail.

    Why: when the reader of a pipe stops early (`inspection rate ... | head`), what is still
    buffered must go nowhere rather than raise BrokenPipeError again at exit.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def make_scratch_folder(prefix: str) -> Path:
    """A new private folder under the system's temporary directory (the preview builds there)."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_scratch_folder(path: Path) -> None:
    """Remove a folder made by `make_scratch_folder`, with whatever was written into it."""
    shutil.rmtree(path, ignore_errors=True)
