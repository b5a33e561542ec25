"""Where the project's own files are: the report templates and the fonts embedded in PDFs.

An installed wheel carries them inside the package (`compiler/templates`, `compiler/fonts`); in a
source checkout (and an editable install) they sit at its top, where authors edit them.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # the compiler package


def _project_dir(name: str) -> Path:
    # The packaged copy first: installed, the folder beside the package is site-packages, where
    # another distribution's `templates/` could sit. A checkout has no packaged copy.
    packaged = _PACKAGE / name
    return packaged if packaged.is_dir() else _PACKAGE.parent / name


TEMPLATES_DIR = _project_dir("templates")
FONTS_DIR = _project_dir("fonts")
