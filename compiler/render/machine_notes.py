"""The PDF renderer's log records -> notes about this machine (what to install), apart from the report's warnings."""
from __future__ import annotations

import logging
import re

from .font_subsetting import CHOSEN_SUBSETTER_MESSAGE

# WeasyPrint asks for a library in words like "Please install HarfBuzz version 13+ ...".
_ASKS_TO_INSTALL = re.compile(r"\binstall\b", re.IGNORECASE)


def kind_of(record: logging.LogRecord) -> str:
    """'note' (about the machine), 'warning' (about the report) or 'chosen' (the compiler's own choice)."""
    template = str(record.msg)
    if template.startswith(CHOSEN_SUBSETTER_MESSAGE):
        return "chosen"
    return "note" if _ASKS_TO_INSTALL.search(template) else "warning"


def machine_note(record: logging.LogRecord) -> str:
    """A note about the machine in words: the renderer's message, which says what to install."""
    return f"about this machine, not the report: the PDF renderer says: {record.getMessage()}"
