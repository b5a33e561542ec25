"""Compiled templates kept between runs: Jinja's bytecode cache, in the user's cache folder.

Compiling the report's templates costs a cold build about 70 ms; loading them compiled, a few.
Jinja loads an entry only for the same template file, the same source (a checksum) and the same
Python bytecode; the file names here also carry a digest of the Jinja version and of the module
that sets the environment's options, so code compiled under other settings is never loaded.
Nothing here changes an output: it only skips compiling.

The folder is $INSPECTION_CACHE_DIR, else $XDG_CACHE_HOME/inspection-compiler/templates, else
~/.cache/inspection-compiler/templates. INSPECTION_CACHE_DIR=off turns the cache off; so does a
folder that cannot be made or written, or that someone else could write to (a cache entry is
code to run): templates are then compiled each time. Jinja writes each entry to a temporary file
and renames it into place, so a reader never sees half an entry.
"""
from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket, FileSystemBytecodeCache

OFF = ("", "off", "0", "no")


def cache_folder() -> Path | None:
    """Where compiled templates go, or None when the cache is off."""
    chosen = os.environ.get("INSPECTION_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in OFF else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home folder to be found
        return None
    return root / "inspection-compiler" / "templates"


class _QuietCache(FileSystemBytecodeCache):
    """Jinja's file cache, where a failure to read or write an entry only means compiling again."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError):  # unreadable or damaged: compile instead
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _private(folder: Path) -> bool:
    """Whether only this user can write to `folder` (a real folder, not a link), and this user can."""
    found = os.lstat(folder)
    if not stat.S_ISDIR(found.st_mode) or stat.S_IMODE(found.st_mode) & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    return (not hasattr(os, "getuid") or found.st_uid == os.getuid()) and os.access(folder, os.W_OK | os.X_OK)


def bytecode_cache(settings_module: str) -> FileSystemBytecodeCache | None:
    """The cache for an environment whose options are set in the file `settings_module`, or None."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(folder):
            return None
        settings = Path(settings_module).read_bytes()
    except OSError:
        return None
    tag = hashlib.sha256(jinja2.__version__.encode() + b"\0" + sys.version.encode() + b"\0" + settings)
    return _QuietCache(str(folder), f"{tag.hexdigest()[:16]}-%s.cache")
