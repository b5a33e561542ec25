"""Rendered files -> one output set, switched into place whole: `OUT/<slug>` is a link to the set.

Each build of a report writes its files into a fresh folder, `OUT/.sets/<slug>/<name>/files/`
(beside them `manifest.json` says what it was built from), renamed into place only when complete
and never changed afterwards. `OUT/<slug>` is a symbolic link to the current set, replaced by one
`rename`: a reader, or a build killed at any moment, finds the whole old set or the whole new
one, never a mix. The corpus files work the same way one level up: `OUT/index.html` links to
`.corpus/current/files/index.html` and `.corpus/current` to the current corpus set, so one rename
switches all three. `build_lock` serializes builds into one folder; under it `clean_leftovers`
removes what a killed build left (temporary folders and links, sets no link points to).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import os
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

from .output import write_all_atomic

SETS = ".sets"
CORPUS = ".corpus"
CURRENT = "current"
LOCK = ".lock"
MANIFEST = "manifest.json"
FILES = "files"
TEMP_PREFIX = ".tmp-"
# Names at the top of the output folder that are not reports.
RESERVED = frozenset({SETS, CORPUS, LOCK})


class InTheWay(OSError):
    """Something that is not one of our outputs stands where a report or corpus file goes."""


# --------------------------------------------------------------------------- reading


def current_set(out_dir: Path | str, name: str) -> Path | None:
    """The set folder `OUT/<name>` links to, or None if it is not a link into our sets."""
    link = Path(out_dir) / name
    try:
        target = os.readlink(link)
    except OSError:
        return None
    parts = Path(target).parts
    if len(parts) != 4 or parts[0] != SETS or parts[1] != name or parts[3] != FILES:
        return None
    return Path(out_dir) / SETS / name / parts[2]


def read_manifest(set_dir: Path | None) -> dict | None:
    """The manifest of a set, or None when there is no readable one."""
    if set_dir is None:
        return None
    try:
        manifest = json.loads((set_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    outputs = manifest.get("outputs")
    if not isinstance(outputs, list) or not all(isinstance(n, str) and (set_dir / FILES / n).is_file()
                                                 for n in outputs):
        return None  # a set whose files were removed by hand is no set
    return manifest


def current_manifest(out_dir: Path | str, name: str) -> dict | None:
    return read_manifest(current_set(out_dir, name))


def current_corpus(out_dir: Path | str) -> dict | None:
    """The manifest of the corpus set `OUT/.corpus/current` links to."""
    try:
        target = os.readlink(Path(out_dir) / CORPUS / CURRENT)
    except OSError:
        return None
    if "/" in target or not target.startswith("set-"):
        return None
    return read_manifest(Path(out_dir) / CORPUS / target)


# --------------------------------------------------------------------------- writing a set


def check_place(out_dir: Path | str, name: str) -> None:
    """Raise `InTheWay` if `OUT/<name>` holds something a set may not replace.

    A link into our sets, or nothing, may be replaced; so may a plain folder holding only what
    builds before sets wrote there (`ratings.json`, `<name>.html`, `<name>.pdf`, staging files).
    """
    out_dir = Path(out_dir)
    blocking = next((p for p in (out_dir, *out_dir.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise InTheWay(errno.ENOTDIR, "a file is in the way", str(blocking))
    place = out_dir / name
    if place.is_symlink():
        if current_set(out_dir, name) is None:
            raise InTheWay(errno.EEXIST, "a link made by something else is in the way", str(place))
        return
    if not place.exists():
        return
    if not place.is_dir():
        raise InTheWay(errno.ENOTDIR, "a file is in the way", str(place))
    known = {"ratings.json", f"{name}.html", f"{name}.pdf"}
    others = sorted(p.name for p in place.iterdir()
                    if p.name not in known and not (p.name.startswith(".") and p.name.endswith(".tmp")))
    if others:
        raise InTheWay(errno.ENOTEMPTY, f"it holds other files ({', '.join(others[:3])})",
                       str(place))


def write_set(out_dir: Path | str, name: str, files: Mapping[str, bytes | str], manifest: dict,
              *, shown: Path | None = None, group: str = SETS) -> Path:
    """Write `files` and `manifest` as a new set of `name`; return its folder (not yet current).

    An error writing a file names it as the reader knows it, `shown/<file>` (default `OUT/<name>`).
    """
    out_dir = Path(out_dir)
    home = out_dir / group / name if group == SETS else out_dir / group
    home.mkdir(parents=True, exist_ok=True)
    temp = home / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
    temp.mkdir()
    try:
        body = {temp / FILES / file_name: data for file_name, data in files.items()}
        try:
            write_all_atomic(body)
        except OSError as exc:
            where = Path(exc.filename) if exc.filename else None
            if where is not None and where.is_relative_to(temp / FILES):
                where = (shown or out_dir / name) / where.relative_to(temp / FILES)
            raise type(exc)(exc.errno, exc.strerror, str(where) if where else None) from None
        write_all_atomic({temp / MANIFEST: json.dumps(manifest, indent=1, sort_keys=True) + "\n"})
        final = home / f"set-{manifest['key'][:16]}-{secrets.token_hex(4)}"
        os.rename(temp, final)  # a new name: the set appears whole or not at all
        _fsync_folder(home)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return final


def make_current(out_dir: Path | str, name: str, set_dir: Path) -> None:
    """Point `OUT/<name>` at `set_dir` with one atomic rename (see `check_place`)."""
    out_dir = Path(out_dir)
    check_place(out_dir, name)
    place = out_dir / name
    link = out_dir / f".{name}{TEMP_PREFIX}{secrets.token_hex(8)}"
    os.symlink(os.path.join(SETS, name, set_dir.name, FILES), link)
    try:
        if place.is_dir() and not place.is_symlink():
            _replace_folder_with_link(link, place)
        else:
            os.replace(link, place)
    except BaseException:
        link.unlink(missing_ok=True)
        raise
    _fsync_folder(out_dir)


def _replace_folder_with_link(link: Path, place: Path) -> None:
    """Put `link` where the folder `place` (outputs of a build before sets) stands, then remove it.

    Linux swaps the two in one step (renameat2 with RENAME_EXCHANGE); elsewhere the folder moves
    aside first, which leaves a moment with neither.
    """
    if _exchange(link, place):
        shutil.rmtree(link)  # the old folder, now under the link's temporary name
        return
    aside = link.with_name(link.name + "-old")
    os.rename(place, aside)
    os.replace(link, place)
    shutil.rmtree(aside, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0


def make_corpus_current(out_dir: Path | str, set_dir: Path, names: list[str]) -> None:
    """Switch `.corpus/current` to `set_dir`, then make sure each corpus file links through it."""
    out_dir = Path(out_dir)
    for file_name in names:
        place = out_dir / file_name
        if place.is_dir() and not place.is_symlink():
            raise InTheWay(errno.EISDIR, "a folder is in the way", str(place))
    current = out_dir / CORPUS / CURRENT
    link = out_dir / CORPUS / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
    os.symlink(set_dir.name, link)
    os.replace(link, current)
    for file_name in names:
        target = os.path.join(CORPUS, CURRENT, FILES, file_name)
        place = out_dir / file_name
        if place.is_symlink() and os.readlink(place) == target:
            continue
        link = out_dir / f".{file_name}{TEMP_PREFIX}{secrets.token_hex(8)}"
        os.symlink(target, link)
        os.replace(link, place)
    _fsync_folder(out_dir)


# --------------------------------------------------------------------------- lock and cleanup


@contextmanager
def build_lock(out_dir: Path | str, on_wait=None) -> Iterator[None]:
    """Hold the output folder's lock: one build at a time writes into it (released if killed)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def remove_other_sets(out_dir: Path | str, name: str) -> None:
    """Remove the sets of `name` that `OUT/<name>` does not point to (call under the lock)."""
    home = Path(out_dir) / SETS / name
    keep = current_set(out_dir, name)
    if not home.is_dir():
        return
    for entry in home.iterdir():
        if entry != keep:
            shutil.rmtree(entry, ignore_errors=True)
    if keep is None:
        _remove_empty(home)


def clean_leftovers(out_dir: Path | str) -> None:
    """Remove what killed builds left: temporary links and folders, sets nothing points to.

    Only under the lock: then no other build is writing here.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        return
    for entry in out_dir.iterdir():
        if entry.name.startswith(".") and TEMP_PREFIX in entry.name and not entry.is_dir():
            entry.unlink(missing_ok=True)
        elif entry.name.startswith(".") and TEMP_PREFIX in entry.name and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_dir() and not entry.is_symlink() and entry.name not in RESERVED:
            for staged in entry.glob(".*.tmp"):  # staging files of builds before sets
                staged.unlink(missing_ok=True)
    sets = out_dir / SETS
    if sets.is_dir():
        for home in sets.iterdir():
            remove_other_sets(out_dir, home.name)
    corpus = out_dir / CORPUS
    if corpus.is_dir():
        try:
            keep = os.readlink(corpus / CURRENT)
        except OSError:
            keep = None
        for entry in corpus.iterdir():
            if entry.name not in (CURRENT, keep):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)


def _remove_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a crash of the machine keeps the new name)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
