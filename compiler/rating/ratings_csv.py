"""Rated inspections -> CSV text for analysts (`rate --csv`): the rows of ratings_rows.py, header first.

The same columns and values as the corpus ratings.csv of a build (see ratings_rows.py).
"""
from __future__ import annotations

from typing import Iterable

from .ratings_rows import COLUMNS, csv_text, ratings_rows
from .result import RatedInspection

__all__ = ["COLUMNS", "ratings_csv"]


def ratings_csv(rated_inspections: Iterable[RatedInspection]) -> str:
    """The CSV document: a row per inspection and standard (or theme), in the order given."""
    return csv_text(row for rated in rated_inspections for row in ratings_rows(rated))
