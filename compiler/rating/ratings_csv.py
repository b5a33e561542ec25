"""Rated inspections -> CSV text for analysts: a row per inspection and standard (or theme).

Columns: slug, service, published (month), framework, rules_version, rules_sha256, domain,
standard, rating, computed, discretion (up or down: which way the panel moved the computed rating,
or a theme's moderation), points, score, max_score, overall. Themes leave domain, points, score,
max_score and overall empty; a theme's rating is its descriptor.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable, Optional

from ..sources.model import RATING_SCALE
from .result import RatedInspection

COLUMNS = [
    "slug", "service", "published", "framework", "rules_version", "rules_sha256", "domain", "standard", "rating",
    "computed", "discretion", "points", "score", "max_score", "overall",
]


def ratings_csv(rated_inspections: Iterable[RatedInspection]) -> str:
    """The CSV document (header first, rows in the order given, standards in report order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for rated in rated_inspections:
        writer.writerows(ratings_rows(rated))
    return buffer.getvalue()


def ratings_rows(rated: RatedInspection) -> list[list[str]]:
    """The CSV rows of one rated inspection, without the header."""
    result, meta = rated.result, rated.inspection.meta
    common = [rated.slug, meta.service, meta.published, result.framework, result.rules_version, result.rules_sha256]
    totals = [_cell(result.score), _cell(result.max_score), _value(result.overall)]
    rows = []
    for s in result.standards:
        discretion = _direction(s.discretion.from_, s.discretion.to) if s.discretion else ""
        rows.append(common + [s.domain, s.id, s.rating.value, _value(s.computed), discretion, _cell(s.points), *totals])
    for t in result.themes:
        moderated = t.computed is not None and t.descriptor is not None and t.computed != t.descriptor
        direction = ("up" if _stars(rated, t.descriptor) > _stars(rated, t.computed) else "down") if moderated else ""
        rows.append(common + ["", t.id, _value(t.descriptor), _value(t.computed), direction, "", "", "", ""])
    return rows


def _direction(before, after) -> str:
    return "up" if RATING_SCALE.index(after) > RATING_SCALE.index(before) else "down"


def _stars(rated: RatedInspection, descriptor) -> int:
    return next((b.stars for b in rated.rules.theme_bands if b.descriptor == descriptor), 0)


def _cell(value: Optional[int]) -> str:
    return "" if value is None else str(value)


def _value(enum_value) -> str:
    return enum_value.value if enum_value is not None else ""
