"""Where the project's own files are: the report templates and the fonts embedded in PDFs.

In a source checkout they sit at its top (`templates/`, `fonts/`), where authors edit them; an
installed wheel carries copies inside the package (`compiler/templates`, `compiler/fonts`).
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _project_dir(name: str) -> Path:
    checkout = _PACKAGE.parent / name
    return checkout if checkout.is_dir() else _PACKAGE / name


TEMPLATES_DIR = _project_dir("templates")
FONTS_DIR = _project_dir("fonts")
