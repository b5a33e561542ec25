"""A PDF render -> the same embedded font subsets on every machine: fontTools, with a fixed timestamp.

WeasyPrint subsets the fonts it embeds with HarfBuzz where the system has libharfbuzz-subset and
with fontTools elsewhere. The two subsetters write different bytes, so the same report would give
different PDFs on different machines. The compiler therefore always takes the fontTools path (a
Python package installed with WeasyPrint, present everywhere): measured on the example reports it
gives PDFs of the same size as HarfBuzz and takes about a sixth longer, where embedding the full
fonts instead would make them six times larger.

fontTools stamps the time of each save into a font's `head` table unless SOURCE_DATE_EPOCH is set
(the reproducible-builds convention it follows). For the length of a render the compiler sets it
itself, whatever the user's environment says, to the date of the newest project font, so a subset
keeps the date of the font it came from.
"""
from __future__ import annotations

import functools
import os
import threading
from contextlib import contextmanager
from typing import Iterator

from .resources import FONTS_DIR

# WeasyPrint's own words when it subsets with fontTools: here the compiler's choice, not the machine's.
CHOSEN_SUBSETTER_MESSAGE = "Using fontTools instead of HarfBuzz-Subset"

_RENDERING = threading.Lock()  # the switch and the environment are the whole process's


@functools.cache
def font_timestamp() -> int:
    """The newest `head.modified` of the project fonts, in seconds since 1970 (SOURCE_DATE_EPOCH's unit)."""
    from fontTools.misc.timeTools import epoch_diff
    from fontTools.ttLib import TTFont

    stamps = []
    for path in sorted(FONTS_DIR.iterdir()):
        if path.suffix.lower() in (".ttf", ".otf"):
            with TTFont(path, lazy=True) as font:
                stamps.append(font["head"].modified + epoch_diff)
    return max(stamps, default=0)


@contextmanager
def same_subsets_everywhere() -> Iterator[None]:
    """While a PDF is rendered: fontTools subsets every font and stamps the fixed date."""
    import weasyprint.pdf.fonts as weasyprint_fonts

    stamp = str(font_timestamp())
    with _RENDERING:
        saved_subsetter = weasyprint_fonts.harfbuzz_subset
        saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
        weasyprint_fonts.harfbuzz_subset = None  # WeasyPrint then takes its fontTools path
        os.environ["SOURCE_DATE_EPOCH"] = stamp
        try:
            yield
        finally:
            weasyprint_fonts.harfbuzz_subset = saved_subsetter
            if saved_epoch is None:
                os.environ.pop("SOURCE_DATE_EPOCH", None)
            else:
                os.environ["SOURCE_DATE_EPOCH"] = saved_epoch
