"""Small formatters shared by the view and the templates: numbers, percentages, dates, ids, classes."""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

from ..sources.model import Rating, is_placeholder

_NUMBER_WORDS = (
    "no one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()

RATING_CLASS = {
    Rating.OUTSTANDING: "outstanding",
    Rating.GOOD: "good",
    Rating.REQUIRES_IMPROVEMENT: "requires-improvement",
    Rating.INADEQUATE: "inadequate",
    Rating.NOT_RATED: "not-rated",
}


def number_words(n: int) -> str:
    """12 -> 'twelve' (numbers past twenty stay as digits)."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def format_percent(value: Optional[float]) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


def month_year(value: str | dt.date) -> str:
    """'2022-09' or a date -> 'September 2022'; a draft's placeholder prints as written."""
    if is_placeholder(value):
        return value
    if isinstance(value, dt.date):
        return value.strftime("%B %Y")
    year, month = value.split("-")[:2]
    return dt.date(int(year), int(month), 1).strftime("%B %Y")


def anchor(*parts: str) -> str:
    """A stable element id; ids built from user text are prefixed so they never clash with ours."""
    slugs = (re.sub(r"[^a-z0-9]+", "-", str(p).lower()).strip("-") for p in parts)
    slug = "-".join(s for s in slugs if s)  # a title in another script slugs to nothing
    return f"sec-{slug}"

